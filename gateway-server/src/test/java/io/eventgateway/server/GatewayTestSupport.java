package io.eventgateway.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.server.config.GatewayConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;

/**
 * Base class of the socket-level tests (after reactor-netty's {@code BaseHttpTest}): starts a real gateway on
 * port 0 with the in-memory log, and disposes it after each test.
 */
public abstract class GatewayTestSupport {

    /** The in-memory store, on port 0. */
    protected static final GatewayConfig TEST_CONFIG = GatewayConfig.defaults()
        .withServer(GatewayConfig.defaults().server().withPort(0))
        .withStore(GatewayConfig.defaults().store().withUrl("memory:"));

    protected @Nullable RunningGateway gateway;

    /**
     * Starts a gateway with the test configuration.
     *
     * @return it
     */
    protected RunningGateway start() {
        return start(UnaryOperator.identity());
    }

    /**
     * Starts a gateway with an adjusted test configuration.
     *
     * @param config adjusts the configuration
     * @return it
     */
    protected RunningGateway start(UnaryOperator<GatewayConfig> config) {
        return start(GatewayServer.builder(config.apply(TEST_CONFIG)));
    }

    /**
     * Starts a gateway from a builder.
     *
     * @param builder the builder
     * @return it
     */
    protected RunningGateway start(GatewayServer.Builder builder) {
        RunningGateway started = builder.build().start().block(Duration.ofSeconds(30));
        gateway = started;
        return started;
    }

    @AfterEach
    void stopGateway() {
        RunningGateway g = gateway;
        if (g != null) {
            g.disposeNow(Duration.ofSeconds(30));
        }
    }

    /**
     * The running gateway's port.
     *
     * @return the port
     */
    protected int port() {
        RunningGateway g = gateway;
        if (g == null) {
            throw new IllegalStateException("start() first");
        }
        return g.port();
    }

    /**
     * Opens a WebSocket to the running gateway.
     *
     * @return the client
     */
    protected WsTestClient ws() {
        return WsTestClient.connect(port());
    }

    /**
     * An HTTP answer: status, body text, and the body as JSON when it is JSON.
     *
     * @param status the status code
     * @param body the body text
     * @param contentType the Content-Type header, or null
     * @param allow the Allow header, or null
     */
    public record HttpAnswer(int status, String body, @Nullable String contentType, @Nullable String allow) {
        /**
         * The body as JSON.
         *
         * @return the tree
         */
        public JsonNode json() {
            return WsTestClient.parse(body);
        }
    }

    /**
     * Sends an HTTP request to the running gateway.
     *
     * @param method GET, POST, ...
     * @param path the path and query
     * @param contentType the Content-Type, or null for none
     * @param body the body, or null
     * @return the answer
     */
    protected HttpAnswer http(String method, String path, @Nullable String contentType, @Nullable String body) {
        return WsTestClient.client(port())
            .headers(h -> {
                if (contentType != null) {
                    h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
                }
            })
            .request(HttpMethod.valueOf(method))
            .uri(path)
            .send(body == null ? Mono.empty() : ByteBufFlux.fromString(Mono.just(body)))
            .responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .map(text -> new HttpAnswer(response.status().code(), text,
                    response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE),
                    response.responseHeaders().get(HttpHeaderNames.ALLOW))))
            .block(Duration.ofSeconds(30));
    }

    /**
     * Publishes one event over REST and returns its seq.
     *
     * @param topic the topic
     * @param eventType the type
     * @param dataJson the data object
     * @return the seq
     */
    protected long publish(String topic, String eventType, String dataJson) {
        HttpAnswer answer = http("POST", "/api/events", "application/json",
            "{\"topic\":\"" + topic + "\",\"eventType\":\"" + eventType + "\",\"data\":" + dataJson + "}");
        if (answer.status() != 202) {
            throw new AssertionError("publish failed: " + answer);
        }
        return answer.json().get("seq").asLong();
    }
}
