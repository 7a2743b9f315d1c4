package io.eventgateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * A client of one Event Gateway (PROTOCOL.md), on Reactor Netty. Every method returns a cold publisher: nothing
 * happens until it is subscribed, and nothing blocks.
 *
 * <ul>
 *   <li>{@link #subscribe(SubscribeSpec)}: a {@code Flux<Event>} on its own WebSocket, that reconnects with
 *       exponential backoff and full jitter and resumes with {@code since} = the last seq it delivered, so it
 *       delivers every matching event exactly once, in seq order, across gateway restarts and overflows.</li>
 *   <li>{@link #publish(String, String, JsonNode, String)}: {@code POST /api/events}, answered once durable.</li>
 *   <li>{@link #history(HistoryQuery)}: {@code GET /api/events}, page by page.</li>
 * </ul>
 *
 * <pre>{@code
 * GatewayClient client = GatewayClient.builder().baseUrl("http://127.0.0.1:9090").build();
 * client.subscribe(SubscribeSpec.of("task:*")).subscribe(event -> System.out.println(event));
 * }</pre>
 *
 * <p>Failures are {@link GatewayClientException}s with the protocol's {@link ErrorCode}.
 */
public interface GatewayClient extends Disposable {

    /**
     * A cold {@code Flux} of the events of a subscription. Each subscriber gets its own WebSocket connection.
     *
     * <p>The {@code Flux} never completes by itself: it ends when it is cancelled (which closes the socket), when
     * the client is disposed (it completes), or with a {@link GatewayClientException} that retrying cannot fix
     * (an invalid pattern, a server that is not a gateway, a purged gap the spec does not allow, a refused token or
     * close 4003 without a token supplier, or more failed reconnects in a row than
     * {@link Builder#maxReconnectAttempts(long)}). Transient failures
     * (connection refused or lost, close 1001, timeouts, {@code WS_INTERNAL_ERROR}) reconnect with backoff and
     * resubscribe with {@code since} = the last delivered seq; events with a seq at or below it are dropped, so
     * nothing is delivered twice. An {@code overflow} frame is recovered with its {@code resync} request before the
     * events after it. Back-pressure is honoured: at most {@link Builder#bufferSize(int)} frames are read ahead,
     * then the socket stops being read and the gateway's bounded buffer, its {@code overflow} and the resync take
     * over.
     *
     * @param spec patterns, filters, event types, since
     * @return the events, in increasing seq
     */
    Flux<Event> subscribe(SubscribeSpec spec);

    /**
     * Publishes one event ({@code POST /api/events}) and emits its seq once it is durable. Without an idempotency
     * key a failed publish is not retried (it may have been appended).
     *
     * @param topic a concrete topic, e.g. {@code task:T-9}
     * @param eventType e.g. {@code task.created}
     * @param data a JSON object, or null for {@code {}}
     * @return the seq
     */
    Mono<Long> publish(String topic, String eventType, @Nullable JsonNode data);

    /**
     * Publishes one event with an idempotency key: the gateway appends it at most once per key within
     * {@code store.idempotency-window}, so transient failures are retried (up to
     * {@link Builder#publishRetries(int)} times, with the reconnect backoff) and a retry answers the original seq.
     *
     * @param topic a concrete topic
     * @param eventType the type
     * @param data a JSON object, or null for {@code {}}
     * @param idempotencyKey 1 to 128 characters, e.g. {@code orch-42:T-9}
     * @return the seq (the original one when the key was already published)
     */
    Mono<Long> publish(String topic, String eventType, @Nullable JsonNode data, String idempotencyKey);

    /**
     * Lists a range of the event log ({@code GET /api/events}), reading the next page only when the previous one
     * was consumed.
     *
     * @param query the range and topics
     * @return the events, in increasing seq
     */
    Flux<Event> history(HistoryQuery query);

    /**
     * Asks {@code GET /health}.
     *
     * @return the answer (also when the gateway says {@code unavailable})
     */
    Mono<Health> health();

    /**
     * The base URL.
     *
     * @return e.g. {@code http://127.0.0.1:9090}
     */
    String baseUrl();

    /**
     * Closes the client: active subscriptions complete and close their sockets, pooled REST connections close, and
     * later calls fail with {@link ErrorCode#CLIENT_DISPOSED}. Idempotent.
     *
     * @return completes when closed
     */
    Mono<Void> disposeLater();

    /**
     * A builder with these defaults:
     * <ul>
     *   <li>{@code baseUrl}: {@code http://127.0.0.1:9090}</li>
     *   <li>{@code minBackoff}: 100 ms, {@code maxBackoff}: 10 s, {@code jitter}: 1.0 (full jitter): the n-th
     *       reconnect in a row waits a random time in {@code [(1 - jitter) * c, c]}, {@code c = min(maxBackoff,
     *       minBackoff * 2^n)}</li>
     *   <li>{@code maxReconnectAttempts}: unlimited ({@link Long#MAX_VALUE}) failed attempts in a row</li>
     *   <li>{@code requestTimeout}: 10 s, for each REST request and for a WebSocket to be connected and
     *       subscribed</li>
     *   <li>{@code bufferSize}: 256 frames read ahead per subscription</li>
     *   <li>{@code pageSize}: 1000 events per {@code GET /api/events} page (history and resync)</li>
     *   <li>{@code maxFrameBytes}: 16 MiB per WebSocket message</li>
     *   <li>{@code batchFrames}: false, one message per WebSocket frame</li>
     *   <li>{@code publishRetries}: 3, for publishes with an idempotency key</li>
     *   <li>{@code timer}: {@code Schedulers.parallel()}, for backoff and timeouts</li>
     *   <li>{@code token}: none (a gateway with {@code auth.mode=none})</li>
     * </ul>
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link GatewayClient}; every setter checks its argument and returns this builder. */
    final class Builder {
        URI baseUrl = URI.create("http://127.0.0.1:9090");
        Duration minBackoff = Duration.ofMillis(100);
        Duration maxBackoff = Duration.ofSeconds(10);
        double jitter = 1.0;
        long maxReconnectAttempts = Long.MAX_VALUE;
        Duration requestTimeout = Duration.ofSeconds(10);
        int bufferSize = 256;
        int pageSize = 1000;
        int maxFrameBytes = 16 * 1024 * 1024;
        boolean batchFrames;
        int publishRetries = 3;
        Scheduler timer = Schedulers.parallel();
        Function<HttpClient, HttpClient> httpClient = Function.identity();
        Credentials credentials = Credentials.NONE;

        private Builder() {
        }

        /**
         * The gateway's base URL: {@code http://host:port} or {@code https://host:port}, optionally with a path
         * prefix (behind a proxy). Default {@code http://127.0.0.1:9090}.
         *
         * @param baseUrl the URL
         * @return this builder
         */
        public Builder baseUrl(String baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            URI uri;
            try {
                uri = new URI(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("baseUrl '" + baseUrl + "' is not a URL: " + e.getReason());
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null
                || uri.getQuery() != null || uri.getFragment() != null) {
                throw new IllegalArgumentException("baseUrl '" + baseUrl
                    + "' must be http://host:port or https://host:port, e.g. http://127.0.0.1:9090");
            }
            this.baseUrl = uri;
            return this;
        }

        /**
         * The reconnect backoff: the first reconnect waits at most {@code min}, each further one in a row at most
         * twice as long, never more than {@code max}. Default 100 ms and 10 s.
         *
         * @param min the first ceiling, positive
         * @param max the largest ceiling, at least {@code min}
         * @return this builder
         */
        public Builder reconnectBackoff(Duration min, Duration max) {
            Objects.requireNonNull(min, "min");
            Objects.requireNonNull(max, "max");
            if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("reconnectBackoff needs 0 < min <= max, got " + min + " and " + max);
            }
            this.minBackoff = min;
            this.maxBackoff = max;
            return this;
        }

        /**
         * How random each backoff is: 1.0 (default, full jitter) waits uniformly between 0 and the ceiling, 0 waits
         * exactly the ceiling.
         *
         * @param jitter 0 to 1
         * @return this builder
         */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0 && jitter <= 1)) {
                throw new IllegalArgumentException("jitter must be from 0 to 1, got " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /**
         * Failed connection attempts in a row after which a subscription fails with the last failure. Default
         * {@link Long#MAX_VALUE}: retry forever.
         *
         * @param attempts at least 0 (0 fails on the first transient failure)
         * @return this builder
         */
        public Builder maxReconnectAttempts(long attempts) {
            if (attempts < 0) {
                throw new IllegalArgumentException("maxReconnectAttempts must be >= 0, got " + attempts);
            }
            this.maxReconnectAttempts = attempts;
            return this;
        }

        /**
         * How long a REST request may take, and how long a WebSocket may take to be connected and subscribed.
         * Default 10 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive, got " + timeout);
            }
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * Frames a subscription reads ahead of its subscriber's demand. Default 256.
         *
         * @param frames 1 to 65 536
         * @return this builder
         */
        public Builder bufferSize(int frames) {
            if (frames < 1 || frames > 65_536) {
                throw new IllegalArgumentException("bufferSize must be from 1 to 65536, got " + frames);
            }
            this.bufferSize = frames;
            return this;
        }

        /**
         * Events per {@code GET /api/events} page. Default 1000.
         *
         * @param events 1 to 10 000 (the gateway's maximum)
         * @return this builder
         */
        public Builder pageSize(int events) {
            if (events < 1 || events > 10_000) {
                throw new IllegalArgumentException("pageSize must be from 1 to 10000, got " + events);
            }
            this.pageSize = events;
            return this;
        }

        /**
         * The largest WebSocket message accepted from the gateway. Default 16 MiB.
         *
         * @param bytes at least 1024
         * @return this builder
         */
        public Builder maxFrameBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxFrameBytes must be >= 1024, got " + bytes);
            }
            this.maxFrameBytes = bytes;
            return this;
        }

        /**
         * Whether subscriptions ask the gateway for {@code batch} frames ({@code GET /ws?batch=true}, PROTOCOL.md
         * section 5): it may then pack the messages waiting for a connection into one frame of at most 16 KiB, which
         * costs a fast stream fewer frames to read. The events, their order and every guarantee of
         * {@link GatewayClient#subscribe(SubscribeSpec)} stay the same: the client handles a batch's messages in
         * order as if each had come alone. {@link #bufferSize(int)} counts frames, so a batch counts once. Default
         * false: one message per frame, as gateways before batch frames send.
         *
         * @param batch true to ask for batch frames; then {@link #maxFrameBytes(int)} must be at least 16 KiB
         *     (checked by {@link #build()})
         * @return this builder
         */
        public Builder batchFrames(boolean batch) {
            this.batchFrames = batch;
            return this;
        }

        /**
         * Retries of a publish with an idempotency key after a transient failure. Default 3.
         *
         * @param retries at least 0
         * @return this builder
         */
        public Builder publishRetries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("publishRetries must be >= 0, got " + retries);
            }
            this.publishRetries = retries;
            return this;
        }

        /**
         * The scheduler of backoff delays and timeouts, which is also their clock (tests pass a
         * {@code VirtualTimeScheduler}). Default {@code Schedulers.parallel()}.
         *
         * @param timer the scheduler
         * @return this builder
         */
        public Builder timer(Scheduler timer) {
            this.timer = Objects.requireNonNull(timer, "timer");
            return this;
        }

        /**
         * A fixed credential (a JWT or an API key, PROTOCOL.md section 11), sent as {@code Authorization: Bearer} on
         * every REST request and WebSocket upgrade. It cannot be renewed: when it expires, a subscription ends with
         * {@link ErrorCode#CREDENTIALS_REVOKED} (close 4003), and a refused one fails with
         * {@link ErrorCode#UNAUTHORIZED}. Default: none.
         *
         * @param token the token, printable ASCII without spaces
         * @return this builder
         */
        public Builder token(String token) {
            this.credentials = Credentials.of(token);
            return this;
        }

        /**
         * A renewable credential: the supplier's {@code Mono} is subscribed for each REST request, before each
         * WebSocket upgrade, and when the gateway sends {@code auth_expiring}, whose new token goes to the open
         * connection in an {@code auth} message so it lives on. A subscription closed 4003 reconnects with a new
         * token and resumes with {@code since}; after a 401 on the upgrade it retries only when the supplier gives a
         * token other than the refused one, else it fails with {@link ErrorCode#UNAUTHORIZED}. The {@code Mono}
         * should cache its token until it nears expiry (e.g. {@code Mono.fromCallable(fetch).cache(ttl)}).
         *
         * @param supplier gives the current token
         * @return this builder
         */
        public Builder token(Supplier<Mono<String>> supplier) {
            this.credentials = Credentials.from(supplier);
            return this;
        }

        /**
         * Adjusts the Reactor Netty client before use: TLS, proxy, socket options, headers.
         *
         * @param customizer the adjustment
         * @return this builder
         */
        public Builder httpClient(Function<HttpClient, HttpClient> customizer) {
            this.httpClient = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /**
         * Builds the client; no connection is opened until a publisher it returns is subscribed.
         *
         * @return the client
         * @throws IllegalArgumentException when {@link #batchFrames(boolean)} is true and {@link #maxFrameBytes(int)}
         *     is below a batch frame's 16 KiB
         */
        public GatewayClient build() {
            if (batchFrames && maxFrameBytes < Wire.MAX_BATCH_BYTES) {
                throw new IllegalArgumentException("batchFrames(true) needs maxFrameBytes >= " + Wire.MAX_BATCH_BYTES
                    + " (a batch frame is up to 16 KiB), got " + maxFrameBytes);
            }
            return new ReactorNettyGatewayClient(new ClientSettings(this));
        }
    }
}
