package io.eventgateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.ConnectionObserver;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;

/**
 * The {@link GatewayClient} on Reactor Netty.
 *
 * <p>Each subscriber of {@link #subscribe(SubscribeSpec)} gets its own WebSocket, never a shared one: the gateway
 * gives each connection its own bounded buffer, {@code since} and overflow accounting, so one slow subscriber
 * overflows and resyncs alone, and two subscriptions of the same pattern with different filters cannot replace each
 * other's (a second subscribe of an active pattern replaces its filters, PROTOCOL.md section 4). The gateway is
 * built for ten thousand connections; a process rarely needs more than a few subscriptions.
 *
 * <p>REST calls share one connection pool, closed by {@link #disposeLater()}; WebSockets use a connection each.
 */
final class ReactorNettyGatewayClient implements GatewayClient {

    private static final String USER_AGENT = "event-gateway-java-client/1";

    private final ClientSettings settings;
    private final ConnectionProvider pool;
    private final HttpClient webSocketClient;
    private final WebsocketClientSpec webSocketSpec;
    private final RestApi rest;
    private final Backoff backoff;
    private final Sinks.One<Boolean> disposed = Sinks.one();
    private final AtomicBoolean disposing = new AtomicBoolean();

    ReactorNettyGatewayClient(ClientSettings settings) {
        this.settings = settings;
        this.backoff = Backoff.of(settings);
        this.pool = ConnectionProvider.builder("gateway-client")
            .maxConnections(64)
            .pendingAcquireTimeout(settings.requestTimeout())
            // Shorter than the gateway's keep-alive, so a pooled connection is rarely found closed by the gateway.
            .maxIdleTime(Duration.ofSeconds(20))
            .build();
        int connectTimeout = (int) Math.min(Integer.MAX_VALUE, settings.requestTimeout().toMillis());
        this.rest = new RestApi(settings.httpClient().apply(configure(HttpClient.create(pool), connectTimeout)
            .baseUrl(settings.base())
            // A 5xx may come from a gateway that is shutting down, on a keep-alive connection it still serves:
            // that connection is closed rather than pooled, so a retry reaches the restarted gateway.
            .doOnResponse((response, connection) -> {
                if (response.status().code() >= 500) {
                    connection.markPersistent(false);
                }
            })), settings);
        this.webSocketClient = settings.httpClient().apply(configure(
            HttpClient.create(ConnectionProvider.newConnection()), connectTimeout));
        this.webSocketSpec = WebsocketClientSpec.builder()
            .maxFramePayloadLength(settings.maxFrameBytes())
            // WebSocket protocol-level pings are answered by Reactor Netty; the gateway's JSON pings by WsSession.
            .handlePing(false)
            .build();
    }

    private static HttpClient configure(HttpClient client, int connectTimeoutMillis) {
        return client
            // Small frames must leave at once: Nagle would hold a pong or a publish for the peer's delayed ACK.
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
            .headers(h -> h.set(HttpHeaderNames.USER_AGENT, USER_AGENT));
    }

    @Override
    public Flux<Event> subscribe(SubscribeSpec spec) {
        Objects.requireNonNull(spec, "spec");
        EventMatcher matcher = new EventMatcher(spec);
        ResumableSubscription subscription = new ResumableSubscription(spec, state -> {
            if (!settings.credentials().present()) {
                return connect(webSocketClient, spec, state, matcher);
            }
            // The token kept after a 401 (checked to be a new one), else the current one.
            String next = state.takeNextToken();
            return (next != null ? Mono.just(next) : settings.credentials().token()).flatMapMany(token -> {
                state.tokenSent(token);
                return connect(webSocketClient.headers(h -> h.set(HttpHeaderNames.AUTHORIZATION,
                    Credentials.bearer(token))), spec, state, matcher);
            });
        }, backoff, settings);
        return Flux.defer(() -> isDisposed() ? Flux.error(disposedError())
            : subscription.flux().takeUntilOther(disposed.asMono()));
    }

    private Flux<Event> connect(HttpClient client, SubscribeSpec spec, SubscriptionState state, EventMatcher matcher) {
        return Flux.defer(() -> {
            // Whether this connection's WsSession ran, that is, whether anything subscribed to its inbound.
            AtomicBoolean handled = new AtomicBoolean();
            return client
                // A subscriber that cancels while the upgrade is answered (a dispose, the subscribe deadline, a
                // test's cancel) drops the connection Reactor Netty emits on the 101, so no WsSession runs; a frame
                // read with the 101 or before the close (the gateway's 'connected') still waits in the connection's
                // inbound queue. Reactor Netty 1.3.8 releases such a queue when the channel closes for HTTP
                // (ChannelOperations.onInboundClose: discardWhenNoReceiver) but not for a WebSocket client
                // (WebsocketClientOperations.onInboundClose only terminates), so that frame was never released:
                // one Netty LEAK report in BadServerIT, whose client reconnects every 10 ms. Discard the inbound on
                // the close of a connection that no WsSession read; a WsSession's inbound is left alone (its frames
                // are released as they are read, and on its cancel).
                .observe((connection, newState) -> {
                    if (newState == ConnectionObserver.State.DISCONNECTING && !handled.get()
                        && connection instanceof WebsocketInbound
                        && connection instanceof ChannelOperations<?, ?> operations) {
                        operations.discard();
                    }
                })
                .websocket(webSocketSpec)
                .uri(settings.wsUrl())
                .handle((in, out) -> {
                    handled.set(true);
                    return new WsSession(spec, state, rest, matcher, settings).run(in, out);
                });
        });
    }

    @Override
    public Mono<Long> publish(String topic, String eventType, @Nullable JsonNode data) {
        return publish(topic, eventType, data, null, 0);
    }

    @Override
    public Mono<Long> publish(String topic, String eventType, @Nullable JsonNode data, String idempotencyKey) {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        return publish(topic, eventType, data, idempotencyKey, settings.publishRetries());
    }

    private Mono<Long> publish(String topic, String eventType, @Nullable JsonNode data, @Nullable String key,
                               int retries) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(eventType, "eventType");
        return Mono.defer(() -> {
            if (isDisposed()) {
                return Mono.error(disposedError());
            }
            if (data != null && !data.isObject() && !data.isNull()) {
                return Mono.error(new IllegalArgumentException("data must be a JSON object, got "
                    + data.getNodeType()));
            }
            Mono<Long> once = rest.publish(Wire.publishBody(topic, eventType, data, key));
            if (retries == 0) {
                return once;
            }
            // Safe only with a key: the gateway answers a repeated key with the original seq and appends nothing.
            return once.retryWhen(Retry.from(signals -> signals.concatMap(signal ->
                Failures.retryable(signal.failure()) && signal.totalRetries() < retries
                    ? Mono.delay(backoff.delay(signal.totalRetries()), settings.timer())
                    : Mono.error(signal.failure()))));
        }).name("gateway.publish");
    }

    @Override
    public Flux<Event> history(HistoryQuery query) {
        Objects.requireNonNull(query, "query");
        return Flux.defer(() -> isDisposed() ? Flux.error(disposedError())
            : rest.range(rest.query(query.since(), query.until(), query.topics()), query.since(), query.until(),
                query.topics(), query.allowPurgedGap()))
            .name("gateway.history");
    }

    @Override
    public Mono<Health> health() {
        return Mono.defer(() -> isDisposed() ? Mono.error(disposedError()) : rest.health());
    }

    @Override
    public String baseUrl() {
        return settings.base();
    }

    private GatewayClientException disposedError() {
        return new GatewayClientException(ErrorCode.CLIENT_DISPOSED, "the client of " + settings.base()
            + " was disposed; build a new one");
    }

    @Override
    public Mono<Void> disposeLater() {
        return Mono.defer(() -> {
            if (disposing.compareAndSet(false, true)) {
                disposed.tryEmitValue(Boolean.TRUE);
            }
            return pool.disposeLater();
        });
    }

    @Override
    public void dispose() {
        disposeLater().subscribe(null, error -> { });
    }

    @Override
    public boolean isDisposed() {
        return disposing.get();
    }
}
