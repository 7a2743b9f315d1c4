package io.eventgateway.server.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.server.GatewayServer;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.RawSocket;
import io.eventgateway.server.RunningGateway;
import io.eventgateway.server.WsTestClient;
import io.eventgateway.server.config.GatewayConfig;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/** PROTOCOL.md section 6: heartbeat, idle timeout, ping/pong, message size, connections, Origin, Host, shutdown. */
class ConnectionLimitsIT extends GatewayTestSupport {

    private VirtualTimeScheduler startVirtual(UnaryOperator<GatewayConfig> config) {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        start(GatewayServer.builder(config.apply(TEST_CONFIG)).timer(time));
        return time;
    }

    private WsTestClient connectedClient() {
        WsTestClient client = ws();
        client.connected();
        return client;
    }

    private static void assertClosedWith(WsTestClient client, int code) {
        WebSocketCloseStatus status = client.closeStatus();
        assertThat(status).as("a close status").isNotNull();
        assertThat(status.code()).isEqualTo(code);
    }

    @Test
    void serverSendsAHeartbeatPingEveryHeartbeatInterval() {
        VirtualTimeScheduler time = startVirtual(cfg -> cfg.withWs(cfg.ws()
            .withHeartbeatInterval(Duration.ofSeconds(30)).withIdleTimeout(Duration.ofHours(1))));
        try (WsTestClient client = connectedClient()) {
            time.advanceTimeBy(Duration.ofSeconds(29));
            assertThat(client.poll(Duration.ofMillis(200))).as("no ping before the interval").isNull();
            time.advanceTimeBy(Duration.ofSeconds(1));
            JsonNode ping = client.next();
            assertThat(ping.get("type").asText()).isEqualTo("ping");
            assertThat(ping.get("payload").isObject()).isTrue();
            assertThat(ping.has("timestamp")).isTrue();
            assertThat(client.poll(Duration.ofMillis(100))).isNull();
            time.advanceTimeBy(Duration.ofSeconds(30));
            assertThat(client.next().get("type").asText()).isEqualTo("ping");
            time.advanceTimeBy(Duration.ofSeconds(60));
            assertThat(client.next().get("type").asText()).isEqualTo("ping");
            assertThat(client.next().get("type").asText()).isEqualTo("ping");
        }
    }

    @Test
    void connectionWithoutClientFramesForTheIdleTimeoutIsClosed4001() {
        VirtualTimeScheduler time = startVirtual(UnaryOperator.identity());
        try (WsTestClient client = connectedClient()) {
            time.advanceTimeBy(Duration.ofSeconds(59));
            assertThat(client.closedWithin(Duration.ofMillis(300))).as("open before the idle timeout").isFalse();
            time.advanceTimeBy(Duration.ofSeconds(1));
            assertClosedWith(client, 4001);
        }
    }

    @Test
    void clientThatAnswersPingsWithPongsIsNotClosed() {
        VirtualTimeScheduler time = startVirtual(UnaryOperator.identity());
        try (WsTestClient client = connectedClient()) {
            for (int round = 0; round < 5; round++) {
                time.advanceTimeBy(Duration.ofSeconds(30));
                assertThat(client.expect("ping").get("type").asText()).isEqualTo("ping");
                client.send("{\"type\":\"pong\"}");
                barrier(client);
                assertThat(client.poll(Duration.ofMillis(50))).as("a pong is not answered").isNull();
            }
            // 150 s of virtual time: more than twice the idle timeout.
            assertThat(client.closedWithin(Duration.ofMillis(300))).isFalse();
            time.advanceTimeBy(Duration.ofSeconds(60));
            assertClosedWith(client, 4001);
        }
    }

    /**
     * Waits until the gateway has processed every frame sent so far: a protocol-level ping, answered in order by
     * the session. It is itself a client frame, so it proves frames keep the connection open, not pongs alone.
     */
    private static void barrier(WsTestClient client) {
        byte[] data = "barrier".getBytes(StandardCharsets.UTF_8);
        client.sendFrame(new PingWebSocketFrame(Unpooled.wrappedBuffer(data)));
        WsTestClient.RawFrame pong = client.pollRaw(WsTestClient.FRAME_TIMEOUT);
        assertThat(pong).as("the barrier's pong").isNotNull();
        assertThat(pong.data()).isEqualTo(data);
    }

    @Test
    void protocolLevelPingFramesCountAsClientFramesForTheIdleTimeout() {
        VirtualTimeScheduler time = startVirtual(UnaryOperator.identity());
        try (WsTestClient client = connectedClient()) {
            time.advanceTimeBy(Duration.ofSeconds(40));
            barrier(client);
            time.advanceTimeBy(Duration.ofSeconds(40));
            assertThat(client.closedWithin(Duration.ofMillis(300))).as("a ping frame at 40 s keeps it open at 80 s")
                .isFalse();
            time.advanceTimeBy(Duration.ofSeconds(20));
            assertClosedWith(client, 4001);
        }
    }

    @Test
    void clientPingIsAnsweredPongWithTheSameId() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.send("{\"type\":\"ping\",\"id\":\"rtt-1\"}");
            JsonNode pong = client.expect("pong");
            assertThat(pong.get("id").asText()).isEqualTo("rtt-1");
            assertThat(pong.get("payload").isObject()).isTrue();
            assertThat(pong.get("timestamp").asText()).endsWith("Z");
            client.send("{\"type\":\"ping\"}");
            assertThat(client.expect("pong").has("id")).isFalse();
        }
    }

    @Test
    void protocolLevelPingIsAnsweredWithAPongCarryingTheSameData() {
        start();
        try (WsTestClient client = connectedClient()) {
            byte[] data = "are-you-there-42".getBytes(StandardCharsets.UTF_8);
            client.sendFrame(new PingWebSocketFrame(Unpooled.wrappedBuffer(data)));
            WsTestClient.RawFrame pong = client.pollRaw(WsTestClient.FRAME_TIMEOUT);
            assertThat(pong).isNotNull();
            assertThat(pong.kind()).isEqualTo("PongWebSocketFrame");
            assertThat(pong.data()).isEqualTo(data);
        }
    }

    private static String pingOfSize(String id, int bytes) {
        String head = "{\"type\":\"ping\",\"id\":\"" + id + "\",\"pad\":\"";
        String tail = "\"}";
        return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
    }

    @Test
    void messageOfExactlyMaxMessageBytesIsAccepted() {
        start();
        try (WsTestClient client = connectedClient()) {
            String message = pingOfSize("big", 65_536);
            assertThat(message.getBytes(StandardCharsets.UTF_8)).hasSize(65_536);
            client.send(message);
            assertThat(client.expect("pong").get("id").asText()).isEqualTo("big");
        }
    }

    @Test
    void singleFrameMessageOverMaxMessageBytesCloses1009() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.send(pingOfSize("too-big", 65_537));
            assertClosedWith(client, 1009);
        }
    }

    @Test
    void fragmentedMessageOverMaxMessageBytesCloses1009() {
        start();
        try (WsTestClient client = connectedClient()) {
            String message = pingOfSize("too-big", 65_537);
            client.sendFrame(new TextWebSocketFrame(false, 0, message.substring(0, 30_000)));
            client.sendFrame(new ContinuationWebSocketFrame(false, 0, message.substring(30_000, 60_000)));
            client.sendFrame(new ContinuationWebSocketFrame(true, 0, message.substring(60_000)));
            assertClosedWith(client, 1009);
        }
    }

    @Test
    void fragmentedMessageUnderTheLimitIsProcessedAsOneMessage() {
        start();
        try (WsTestClient client = connectedClient()) {
            String message = "{\"type\":\"subscribe\",\"id\":\"frag\",\"payload\":{\"topics\":[\"task:*\"]}}";
            client.sendFrame(new TextWebSocketFrame(false, 0, message.substring(0, 10)));
            client.sendFrame(new ContinuationWebSocketFrame(false, 0, message.substring(10, 30)));
            client.sendFrame(new ContinuationWebSocketFrame(true, 0, message.substring(30)));
            JsonNode reply = client.expect("subscribed");
            assertThat(reply.get("id").asText()).isEqualTo("frag");
            assertThat(reply.at("/payload/activeSubscriptions").asInt()).isEqualTo(1);
            String big = pingOfSize("big-frag", 65_536);
            client.sendFrame(new TextWebSocketFrame(false, 0, big.substring(0, 40_000)));
            client.sendFrame(new ContinuationWebSocketFrame(true, 0, big.substring(40_000)));
            assertThat(client.expect("pong").get("id").asText()).isEqualTo("big-frag");
        }
    }

    @Test
    void binaryFrameIsAnsweredInvalidMessageAndTheConnectionStaysOpen() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.sendFrame(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(
                "{\"type\":\"ping\",\"id\":\"b\"}".getBytes(StandardCharsets.UTF_8))));
            JsonNode error = client.expect("error");
            assertThat(error.at("/payload/code").asText()).isEqualTo("WS_INVALID_MESSAGE");
            client.send("{\"type\":\"ping\",\"id\":\"after\"}");
            assertThat(client.expect("pong").get("id").asText()).isEqualTo("after");
        }
    }

    @Test
    void upgradeBeyondMaxConnectionsIsAnswered503WithAJsonError() {
        start(cfg -> cfg.withServer(cfg.server().withMaxConnections(2)));
        try (WsTestClient a = connectedClient(); WsTestClient b = connectedClient();
             RawSocket third = RawSocket.connect(port(), 0)) {
            RawSocket.Answer answer = third.http("GET", "/ws", RawSocket.upgradeHeaders("127.0.0.1:" + port()), null);
            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.headers().get("content-type")).startsWith("application/json");
            JsonNode error = json(answer.body());
            assertThat(error.at("/error/code").asText()).isEqualTo("UNAVAILABLE");
            assertThat(error.at("/error/message").asText()).isNotBlank();
            assertThat(error.at("/error/details").isObject()).isTrue();
        }
    }

    private static JsonNode json(String body) {
        return new HttpAnswer(200, body, null, null).json();
    }

    private RawSocket.Answer upgradeWith(Map<String, String> extra, String host) {
        try (RawSocket socket = RawSocket.connect(port(), 0)) {
            Map<String, String> headers = RawSocket.upgradeHeaders(host);
            headers.putAll(extra);
            return socket.http("GET", "/ws", headers, null);
        }
    }

    private String ownHost() {
        return "127.0.0.1:" + port();
    }

    @Test
    void upgradeFromAnotherOriginIsAnswered403() {
        start();
        RawSocket.Answer evil = upgradeWith(Map.of("Origin", "http://evil.example"), ownHost());
        assertThat(evil.status()).isEqualTo(403);
        assertThat(json(evil.body()).at("/error/code").asText()).isEqualTo("FORBIDDEN");
        RawSocket.Answer otherPort = upgradeWith(Map.of("Origin", "http://127.0.0.1:" + (port() + 1)), ownHost());
        assertThat(otherPort.status()).isEqualTo(403);
    }

    @Test
    void upgradeFromTheSameHostAndPortOrWithoutOriginIsAllowed() {
        start();
        assertThat(upgradeWith(Map.of("Origin", "http://" + ownHost()), ownHost()).status()).isEqualTo(101);
        assertThat(upgradeWith(Map.of(), ownHost()).status()).isEqualTo(101);
    }

    @Test
    void allowedOriginsStarAllowsAnyOrigin() {
        start(cfg -> cfg.withWs(cfg.ws().withAllowedOrigins(List.of("*"))));
        assertThat(upgradeWith(Map.of("Origin", "http://evil.example"), ownHost()).status()).isEqualTo(101);
    }

    private RawSocket.Answer get(String path, String host) {
        try (RawSocket socket = RawSocket.connect(port(), 0)) {
            return socket.http("GET", path, Map.of("Host", host, "Connection", "close"), null);
        }
    }

    @Test
    void foreignHostIsAnswered403OnAnyRequestAndOnTheUpgrade() {
        start();
        RawSocket.Answer health = get("/health", "evil.example");
        assertThat(health.status()).isEqualTo(403);
        assertThat(json(health.body()).at("/error/code").asText()).isEqualTo("FORBIDDEN");
        assertThat(get("/api/events", "evil.example:" + port()).status()).isEqualTo(403);
        assertThat(get("/nowhere", "evil.example").status()).isEqualTo(403);
        assertThat(upgradeWith(Map.of(), "evil.example").status()).isEqualTo(403);
        assertThat(upgradeWith(Map.of(), "evil.example:" + port()).status()).isEqualTo(403);
    }

    @Test
    void loopbackHostIsAllowed() {
        start();
        assertThat(get("/health", "localhost:" + port()).status()).isEqualTo(200);
        assertThat(get("/health", ownHost()).status()).isEqualTo(200);
        assertThat(upgradeWith(Map.of(), "localhost:" + port()).status()).isEqualTo(101);
    }

    @Test
    void allowedHostsAddsAHost() {
        start(cfg -> cfg.withServer(cfg.server().withAllowedHosts(List.of("evil.example"))));
        assertThat(get("/health", "evil.example").status()).isEqualTo(200);
        assertThat(upgradeWith(Map.of(), "evil.example:" + port()).status()).isEqualTo(101);
        assertThat(get("/health", "other.example").status()).isEqualTo(403);
    }

    @Test
    void shutdownClosesEveryClientWith1001ThenClosesThePort() {
        RunningGateway g = start();
        int port = port();
        try (WsTestClient a = connectedClient(); WsTestClient b = connectedClient()) {
            a.subscribe("{\"topics\":[\"*\"]}");
            g.disposeLater().block(Duration.ofSeconds(30));
            assertClosedWith(a, 1001);
            assertClosedWith(b, 1001);
        }
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }).isInstanceOf(IOException.class);
    }
}
