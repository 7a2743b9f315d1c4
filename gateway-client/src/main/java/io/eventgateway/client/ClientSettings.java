package io.eventgateway.client;

import java.net.URI;
import java.time.Duration;
import java.util.function.Function;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.client.HttpClient;

/**
 * The immutable settings of one client, copied from its {@link GatewayClient.Builder} (which checked them).
 *
 * @param baseUrl {@code http(s)://host:port[/prefix]}, without a trailing slash
 * @param minBackoff the first reconnect's ceiling
 * @param maxBackoff the largest ceiling
 * @param jitter 0 to 1
 * @param maxReconnectAttempts failed attempts in a row before a subscription fails
 * @param requestTimeout per REST request, and per WebSocket until subscribed
 * @param bufferSize frames read ahead per subscription
 * @param pageSize events per {@code GET /api/events} page
 * @param maxFrameBytes the largest WebSocket message
 * @param batchFrames whether the WebSocket asks for {@code batch} frames ({@code /ws?batch=true})
 * @param publishRetries retries of a keyed publish
 * @param timer backoff and timeouts
 * @param httpClient the user's adjustment of the Reactor Netty client
 * @param credentials the token, when the gateway wants one
 */
record ClientSettings(URI baseUrl, Duration minBackoff, Duration maxBackoff, double jitter, long maxReconnectAttempts,
                      Duration requestTimeout, int bufferSize, int pageSize, int maxFrameBytes, boolean batchFrames,
                      int publishRetries, Scheduler timer, Function<HttpClient, HttpClient> httpClient,
                      Credentials credentials) {

    ClientSettings(GatewayClient.Builder b) {
        this(b.baseUrl, b.minBackoff, b.maxBackoff, b.jitter, b.maxReconnectAttempts, b.requestTimeout, b.bufferSize,
            b.pageSize, b.maxFrameBytes, b.batchFrames, b.publishRetries, b.timer, b.httpClient, b.credentials);
    }

    /**
     * The base URL as text.
     *
     * @return e.g. {@code http://127.0.0.1:9090}
     */
    String base() {
        return baseUrl.toString();
    }

    /**
     * The WebSocket endpoint: the base URL with {@code ws}/{@code wss} and {@code /ws} appended, and the query
     * {@code batch=true} with {@link #batchFrames()}. The base URL has no query of its own (the builder refuses one),
     * and credentials go in a header, so this is the whole query.
     *
     * @return e.g. {@code ws://127.0.0.1:9090/ws}, or {@code ws://127.0.0.1:9090/ws?batch=true}
     */
    String wsUrl() {
        String scheme = "https".equals(baseUrl.getScheme()) ? "wss" : "ws";
        return scheme + base().substring(baseUrl.getScheme().length()) + (batchFrames ? "/ws?batch=true" : "/ws");
    }
}
