package io.eventgateway.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.eventgateway.event.EventCodec;
import io.eventgateway.server.GatewayServer;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.RawSocket;
import io.eventgateway.server.StartupException;
import io.eventgateway.server.WsTestClient;
import io.eventgateway.server.config.AuthConfig;
import io.eventgateway.server.config.GatewayConfig;
import io.eventgateway.server.config.WsConfig;
import io.eventgateway.testing.VirtualClock;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * PROTOCOL.md section 11 through real sockets: credentials on the upgrade and on REST, the grant's topics on
 * subscribe, publish, POST and GET, the admin routes, and the refresh of an expiring token in virtual time. Every
 * token is signed here with nimbus-jose-jwt.
 */
class AuthIT extends GatewayTestSupport {

    private static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration WINDOW = Duration.ofSeconds(30);

    private VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private VirtualClock clock = new VirtualClock(BASE, time);

    @TempDir
    Path dir;

    /** An HTTP answer with the headers auth adds. */
    private record Answer(int status, String body, @Nullable String wwwAuthenticate) {
        JsonNode json() {
            return parse(body);
        }
    }

    private static JsonNode parse(String text) {
        try {
            return EventCodec.JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private void startJwt(UnaryOperator<AuthConfig> auth) {
        AuthConfig config = auth.apply(AuthConfig.defaults().withMode(AuthConfig.JWT).withJwtSecret(TestTokens.SECRET)
            .withRefreshWindow(WINDOW));
        // No heartbeat or idle close within the virtual hours these tests move through.
        WsConfig ws = TEST_CONFIG.ws().withHeartbeatInterval(Duration.ofHours(10))
            .withIdleTimeout(Duration.ofHours(20));
        start(GatewayServer.builder(TEST_CONFIG.withWs(ws).withAuth(config)).clock(clock).timer(time));
    }

    private void startJwt() {
        startJwt(UnaryOperator.identity());
    }

    private String token(String subject, Duration lifetime, List<String> subscribe, List<String> publish) {
        return TestTokens.hs256(TestTokens.SECRET, TestTokens.claims(subject, clock.instant().plus(lifetime),
            subscribe, publish).build());
    }

    /** alice: subscribe task:* and stream:Stream-A, publish task:*, 10 minutes. */
    private String alice() {
        return token("alice", Duration.ofMinutes(10), List.of("task:*", "stream:Stream-A"), List.of("task:*"));
    }

    /** ops: admin, subscribe and publish everything, 10 minutes. */
    private String ops() {
        return TestTokens.hs256(TestTokens.SECRET, TestTokens.claims("ops",
            clock.instant().plus(Duration.ofMinutes(10)), List.of("*"), List.of("*")).claim("admin", true).build());
    }

    private WsTestClient connect(String token) {
        return WsTestClient.connect(port(), h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token));
    }

    private Answer call(String method, String path, @Nullable String token, @Nullable String body) {
        return WsTestClient.client(port())
            .headers(h -> {
                if (token != null) {
                    h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
                }
                if (body != null) {
                    h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                }
            })
            .request(HttpMethod.valueOf(method))
            .uri(path)
            .send(body == null ? Mono.empty() : ByteBufFlux.fromString(Mono.just(body)))
            .responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .map(text -> new Answer(response.status().code(), text,
                    response.responseHeaders().get(HttpHeaderNames.WWW_AUTHENTICATE))))
            .block(Duration.ofSeconds(30));
    }

    private long publishAs(String token, String topic) {
        Answer answer = call("POST", "/api/events", token, "{\"topic\":\"" + topic + "\",\"eventType\":\"t\"}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        return answer.json().get("seq").asLong();
    }

    private static void assertUnauthorized(Answer answer, boolean credentialSent) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(401);
        assertThat(answer.json().at("/error/code").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(answer.json().at("/error/details/credentials").asText())
            .isEqualTo(credentialSent ? "invalid" : "missing");
        assertThat(answer.wwwAuthenticate()).isEqualTo(credentialSent
            ? "Bearer realm=\"event-gateway\", error=\"invalid_token\"" : "Bearer realm=\"event-gateway\"");
    }

    private static JsonNode expectError(WsTestClient client, String code, String id) {
        JsonNode error = client.expect("error");
        assertThat(error.at("/payload/code").asText()).as(error.toString()).isEqualTo(code);
        assertThat(error.path("id").asText()).isEqualTo(id);
        return error;
    }

    private static void assertStillOpen(WsTestClient client) {
        client.request("ping", "alive", "{}");
        assertThat(client.expect("pong").get("id").asText()).isEqualTo("alive");
    }

    private static void assertClosedWith(WsTestClient client, int code) {
        WebSocketCloseStatus status = client.closeStatus();
        assertThat(status).as("a close status").isNotNull();
        assertThat(status.code()).isEqualTo(code);
    }

    private RawSocket.Answer rawUpgrade(String path, Map<String, String> extra) {
        Map<String, String> headers = RawSocket.upgradeHeaders("127.0.0.1:" + port());
        headers.putAll(extra);
        try (RawSocket socket = RawSocket.connect(port(), 0)) {
            return socket.http("GET", path, headers, null);
        }
    }

    // --- credentials on the upgrade -------------------------------------------------------------------------

    @Test
    void upgradeWithoutCredentialsIsAnswered401WithABearerChallenge() {
        startJwt();

        RawSocket.Answer answer = rawUpgrade("/ws", Map.of());

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.headers().get("www-authenticate")).isEqualTo("Bearer realm=\"event-gateway\"");
        assertThat(answer.body()).contains("\"code\":\"UNAUTHORIZED\"", "\"credentials\":\"missing\"");
    }

    @Test
    void upgradeWithAnExpiredForgedUnsignedOrWronglySignedTokenIsAnswered401InvalidToken() {
        startJwt();
        String expired = token("alice", Duration.ZERO, List.of("*"), List.of());
        String forged = TestTokens.hs256("a-different-secret-also-32-bytes-long!!", TestTokens.claims("alice",
            clock.instant().plusSeconds(60), List.of("*"), List.of()).build());
        String unsigned = TestTokens.unsigned(TestTokens.claims("alice", clock.instant().plusSeconds(60),
            List.of("*"), List.of()).build());
        String rs256 = TestTokens.sign(TestTokens.rsa("k"), TestTokens.claims("alice", clock.instant().plusSeconds(60),
            List.of("*"), List.of()).build());

        for (String token : List.of(expired, forged, unsigned, rs256, "garbage")) {
            RawSocket.Answer answer = rawUpgrade("/ws", Map.of("Authorization", "Bearer " + token));
            assertThat(answer.status()).as(token).isEqualTo(401);
            assertThat(answer.headers().get("www-authenticate"))
                .isEqualTo("Bearer realm=\"event-gateway\", error=\"invalid_token\"");
            assertThat(answer.body()).contains("\"code\":\"UNAUTHORIZED\"").doesNotContain(token);
        }
    }

    @Test
    void aValidBearerHeaderConnectsAndConnectedCarriesTheGrant() {
        startJwt();
        try (WsTestClient client = connect(alice())) {
            JsonNode auth = client.connected().at("/payload/auth");

            assertThat(auth.get("subject").asText()).isEqualTo("alice");
            assertThat(auth.get("expiresAt").asText()).isEqualTo("2030-01-01T00:10:00.000Z");
            assertThat(auth.get("subscribe")).extracting(JsonNode::asText).containsExactly("task:*", "stream:Stream-A");
            assertThat(auth.get("publish")).extracting(JsonNode::asText).containsExactly("task:*");
            assertThat(auth.get("admin").asBoolean()).isFalse();
        }
    }

    @Test
    void theAccessTokenQueryParameterAuthenticatesTheUpgrade() {
        startJwt();
        Map<String, String> headers = RawSocket.upgradeHeaders("127.0.0.1:" + port());
        try (RawSocket socket = RawSocket.connect(port(), 0)) {
            RawSocket.Answer answer = socket.http("GET", "/ws?access_token=" + alice(), headers, null);
            assertThat(answer.status()).isEqualTo(101);
            RawSocket.Frame connected = socket.readFrame();
            assertThat(connected).isNotNull();
            assertThat(parse(connected.text()).at("/payload/auth/subject").asText())
                .isEqualTo("alice");
        }
    }

    @Test
    void theBearerSubprotocolAuthenticatesAndTheGatewaySelectsItsOwnNeverTheToken() {
        startJwt();
        String token = alice();

        Map<String, String> headers = RawSocket.upgradeHeaders("127.0.0.1:" + port());
        headers.put("Sec-WebSocket-Protocol", "eventgateway.v1, bearer." + token);
        try (RawSocket socket = RawSocket.connect(port(), 0)) {
            RawSocket.Answer answer = socket.http("GET", "/ws", headers, null);
            assertThat(answer.status()).isEqualTo(101);
            assertThat(answer.headers().get("sec-websocket-protocol")).isEqualTo("eventgateway.v1");
            // The session runs: reactor-netty runs no handler for a spec whose protocols were not selected.
            RawSocket.Frame connected = socket.readFrame();
            assertThat(connected).isNotNull();
            assertThat(parse(connected.text()).at("/payload/auth/subject").asText()).isEqualTo("alice");
        }
        RawSocket.Answer alone = rawUpgrade("/ws", Map.of("Sec-WebSocket-Protocol", "bearer." + token));
        assertThat(alone.status()).isEqualTo(400);
        assertThat(alone.body()).contains("eventgateway.v1").doesNotContain(token);
    }

    @Test
    void withAJwksBothAlgorithmsConnectAndHs256SignedWithThePublicKeyIsRefused() throws IOException {
        RSAKey rsa = TestTokens.rsa("rsa-1");
        ECKey ec = TestTokens.ec("ec-1");
        Path jwks = Files.writeString(dir.resolve("jwks.json"), TestTokens.jwks(rsa, ec));
        startJwt(a -> a.withJwtSecret("").withJwtJwksFile(jwks.toString()));
        var claims = TestTokens.claims("alice", clock.instant().plusSeconds(60), List.of("*"), List.of()).build();
        String confused = TestTokens.hs256(rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8), claims);

        // Verified on the event loop, where BlockHound would catch any blocking call of the JCA providers.
        try (WsTestClient client = connect(TestTokens.sign(rsa, claims))) {
            assertThat(client.connected().at("/payload/auth/subject").asText()).isEqualTo("alice");
        }
        try (WsTestClient client = connect(TestTokens.sign(ec, claims))) {
            assertThat(client.connected().at("/payload/auth/subject").asText()).isEqualTo("alice");
        }
        assertThat(rawUpgrade("/ws", Map.of("Authorization", "Bearer " + confused)).status()).isEqualTo(401);
    }

    // --- the grant's topics on the WebSocket --------------------------------------------------------------

    @Test
    void aSubscribeOutsideTheGrantIsWsForbiddenAndChangesNothing() {
        startJwt();
        try (WsTestClient client = connect(alice())) {
            client.connected();
            client.request("subscribe", "s-1", "{\"topics\":[\"task:*\",\"*\"]}");
            JsonNode error = expectError(client, "WS_FORBIDDEN", "s-1");
            assertThat(error.at("/payload/details/topic").asText()).isEqualTo("*");
            client.request("subscribe", "s-2", "{\"topics\":[\"stream:Stream-*\"]}");
            expectError(client, "WS_FORBIDDEN", "s-2");

            // Nothing of the refused requests became active: this one is the first.
            JsonNode subscribed = client.subscribe("{\"topics\":[\"task:T-*\"]}");
            assertThat(subscribed.at("/payload/activeSubscriptions").asInt()).isEqualTo(1);
            publishAs(ops(), "stream:Stream-B");
            long seq = publishAs(ops(), "task:T-1");
            List<JsonNode> frames = client.framesThroughEvent(seq);
            assertThat(frames).hasSize(1);
            assertThat(frames.get(0).at("/payload/topic").asText()).isEqualTo("task:T-1");
        }
    }

    @Test
    void aPublishOutsideTheGrantIsWsForbiddenAndAppendsNothing() {
        startJwt();
        try (WsTestClient client = connect(alice())) {
            client.connected();
            client.request("publish", "p-1", "{\"topic\":\"stream:Stream-A\",\"eventType\":\"x\",\"data\":{}}");
            JsonNode error = expectError(client, "WS_FORBIDDEN", "p-1");
            assertThat(error.at("/payload/details/topic").asText()).isEqualTo("stream:Stream-A");
            client.request("publish", "p-2", "{\"topic\":\"task:T-2\",\"eventType\":\"x\",\"data\":{}}");
            JsonNode published = client.expect("published");
            assertThat(published.get("id").asText()).isEqualTo("p-2");

            JsonNode events = call("GET", "/api/events", ops(), null).json().get("events");
            assertThat(events).hasSize(1);
            assertThat(events.get(0).get("topic").asText()).isEqualTo("task:T-2");
        }
    }

    // --- the grant's topics over REST ---------------------------------------------------------------------

    @Test
    void aRestPublishOutsideTheGrantIs403AndAppendsNothingOfTheBatch() {
        startJwt();

        Answer single = call("POST", "/api/events", alice(), "{\"topic\":\"bot:B-1\",\"eventType\":\"x\"}");
        Answer batch = call("POST", "/api/events", alice(),
            "[{\"topic\":\"task:T-1\",\"eventType\":\"x\"},{\"topic\":\"bot:B-1\",\"eventType\":\"x\"}]");
        Answer allowed = call("POST", "/api/events", alice(), "{\"topic\":\"task:T-9\",\"eventType\":\"x\"}");

        assertThat(single.status()).isEqualTo(403);
        assertThat(single.json().at("/error/code").asText()).isEqualTo("FORBIDDEN");
        assertThat(single.json().at("/error/details/topic").asText()).isEqualTo("bot:B-1");
        assertThat(batch.status()).isEqualTo(403);
        assertThat(allowed.status()).isEqualTo(202);
        JsonNode events = call("GET", "/api/events", ops(), null).json().get("events");
        assertThat(events).extracting(e -> e.get("topic").asText()).containsExactly("task:T-9");
    }

    @Test
    void aRestReadChecksItsTopicsAndWithoutThemIsRestrictedToTheGrant() {
        startJwt();
        for (String topic : List.of("task:T-1", "stream:Stream-A", "stream:Stream-B", "bot:B-1")) {
            publishAs(ops(), topic);
        }

        Answer outside = call("GET", "/api/events?topics=stream:*", alice(), null);
        Answer inside = call("GET", "/api/events?topics=task:*", alice(), null);
        Answer unfiltered = call("GET", "/api/events", alice(), null);
        Answer nothing = call("GET", "/api/events", token("eve", Duration.ofMinutes(1), List.of(), List.of("*")), null);

        assertThat(outside.status()).isEqualTo(403);
        assertThat(outside.json().at("/error/details/topic").asText()).isEqualTo("stream:*");
        assertThat(inside.json().get("events")).extracting(e -> e.get("topic").asText()).containsExactly("task:T-1");
        assertThat(unfiltered.json().get("events")).extracting(e -> e.get("topic").asText())
            .containsExactly("task:T-1", "stream:Stream-A");
        assertThat(nothing.status()).isEqualTo(403);
        assertThat(call("GET", "/api/events", ops(), null).json().get("events")).hasSize(4);
    }

    @Test
    void restWithoutCredentialsIs401ButHealthAndTheDashboardStayOpen() {
        startJwt();

        assertUnauthorized(call("GET", "/api/events", null, null), false);
        assertUnauthorized(call("POST", "/api/events", null, "{\"topic\":\"task:T-1\",\"eventType\":\"x\"}"), false);
        assertUnauthorized(call("GET", "/api/status", null, null), false);
        assertUnauthorized(call("GET", "/metrics", null, null), false);
        assertUnauthorized(call("GET", "/api/nothing-here", null, null), false);
        assertUnauthorized(call("GET", "/api/events", "not-a-token", null), true);
        assertThat(call("GET", "/health", null, null).status()).isEqualTo(200);
        assertThat(call("GET", "/", null, null).status()).isEqualTo(200);
        assertThat(call("GET", "/api/events?access_token=" + alice(), null, null).status()).isEqualTo(200);
    }

    @Test
    void statusAndMetricsNeedAnAdminGrant() {
        startJwt();

        Answer status = call("GET", "/api/status", alice(), null);
        Answer metrics = call("GET", "/metrics", alice(), null);

        assertThat(status.status()).isEqualTo(403);
        assertThat(status.json().at("/error/code").asText()).isEqualTo("FORBIDDEN");
        assertThat(metrics.status()).isEqualTo(403);
        assertThat(call("GET", "/api/status", ops(), null).status()).isEqualTo(200);
        assertThat(call("GET", "/metrics", ops(), null).status()).isEqualTo(200);
    }

    @Test
    void stateRoutesNeedEntityWideGrants() {
        startJwt();
        String tasksOnly = token("reader", Duration.ofMinutes(10), List.of("task:*"), List.of("task:*"));

        Answer streams = call("GET", "/api/streams", tasksOnly, null);
        Answer createTask = call("POST", "/api/tasks", tasksOnly, "{\"title\":\"t\"}");
        Answer checkpoint = call("POST", "/api/tasks/T-1/checkpoints", tasksOnly, "{\"trigger\":\"manual\"}");
        Answer activity = call("POST", "/api/agents/a-1/activity", tasksOnly, "{\"kind\":\"started\"}");
        Answer narrow = call("GET", "/api/tasks", alice(), null);

        assertThat(streams.status()).isEqualTo(403);
        assertThat(streams.json().at("/error/details/topic").asText()).isEqualTo("stream:*");
        assertThat(createTask.status()).isEqualTo(403);
        assertThat(createTask.json().at("/error/details/topic").asText()).isEqualTo("stream:*");
        assertThat(checkpoint.json().at("/error/details/topic").asText()).isEqualTo("checkpoint:*");
        assertThat(activity.json().at("/error/details/topic").asText()).isEqualTo("agent:*");
        // Allowed by the grant: whatever the route then answers, it is not refused for the credential.
        assertThat(call("GET", "/api/tasks", tasksOnly, null).status()).isNotIn(401, 403);
        assertThat(call("GET", "/api/streams", ops(), null).status()).isNotIn(401, 403);
        assertThat(narrow.status()).isNotIn(401, 403);
        assertUnauthorized(call("GET", "/api/tasks", null, null), false);
    }

    // --- expiry and refresh, in virtual time ---------------------------------------------------------------

    @Test
    void aRefreshBeforeExpiryKeepsTheConnectionPastTheOldExpiry() {
        startJwt();
        try (WsTestClient client = connect(token("alice", Duration.ofSeconds(60), List.of("task:*"), List.of()))) {
            client.connected();
            time.advanceTimeBy(Duration.ofSeconds(29));
            assertThat(client.poll(Duration.ofMillis(200))).as("nothing before the window").isNull();
            time.advanceTimeBy(Duration.ofSeconds(1));
            JsonNode expiring = client.expect("auth_expiring");
            assertThat(expiring.at("/payload/expiresAt").asText()).isEqualTo("2030-01-01T00:01:00.000Z");
            assertThat(expiring.at("/payload/refreshWindowMs").asLong()).isEqualTo(30_000);

            client.request("auth", "a-1", "{\"token\":\"" + token("alice", Duration.ofSeconds(300), List.of("task:*"),
                List.of()) + "\"}");
            JsonNode authenticated = client.expect("authenticated");
            assertThat(authenticated.get("id").asText()).isEqualTo("a-1");
            assertThat(authenticated.at("/payload/expiresAt").asText()).isEqualTo("2030-01-01T00:05:30.000Z");
            assertThat(authenticated.at("/payload/subject").asText()).isEqualTo("alice");

            time.advanceTimeBy(Duration.ofSeconds(60));
            assertThat(client.closedWithin(Duration.ofMillis(300))).as("open after the first token's exp").isFalse();
            assertStillOpen(client);
            time.advanceTimeBy(Duration.ofSeconds(210));
            assertThat(client.expect("auth_expiring").at("/payload/expiresAt").asText())
                .isEqualTo("2030-01-01T00:05:30.000Z");
            time.advanceTimeBy(Duration.ofSeconds(30));
            assertClosedWith(client, 4003);
        }
    }

    @Test
    void withoutARefreshTheConnectionIsClosed4003AtExpiry() {
        startJwt();
        try (WsTestClient client = connect(token("alice", Duration.ofSeconds(60), List.of("task:*"), List.of()))) {
            client.connected();
            time.advanceTimeBy(Duration.ofSeconds(30));
            client.expect("auth_expiring");
            time.advanceTimeBy(Duration.ofSeconds(29));
            assertThat(client.closedWithin(Duration.ofMillis(300))).as("open until exp").isFalse();
            time.advanceTimeBy(Duration.ofSeconds(1));
            assertClosedWith(client, 4003);
        }
    }

    @Test
    void aRefusedRefreshIsWsUnauthorizedAndKeepsTheOldExpiry() {
        startJwt();
        try (WsTestClient client = connect(token("alice", Duration.ofSeconds(60), List.of("task:*"), List.of()))) {
            client.connected();
            client.request("auth", "a-1", "{\"token\":\"" + token("alice", Duration.ZERO, List.of(), List.of())
                + "\"}");
            assertThat(expectError(client, "WS_UNAUTHORIZED", "a-1").at("/payload/message").asText())
                .contains("expired");
            client.request("auth", "a-2", "{\"token\":\"" + token("mallory", Duration.ofHours(1), List.of("*"),
                List.of()) + "\"}");
            assertThat(expectError(client, "WS_UNAUTHORIZED", "a-2").at("/payload/details/subject").asText())
                .isEqualTo("mallory");
            client.request("auth", "a-3", "{\"token\":\"forged.token.here\"}");
            expectError(client, "WS_UNAUTHORIZED", "a-3");
            client.request("auth", "a-4", "{}");
            expectError(client, "WS_INVALID_MESSAGE", "a-4");

            time.advanceTimeBy(Duration.ofSeconds(30));
            client.expect("auth_expiring");
            time.advanceTimeBy(Duration.ofSeconds(30));
            assertClosedWith(client, 4003);
        }
    }

    @Test
    void aRefreshWithANarrowerGrantRemovesThePatternsItNoLongerCovers() {
        startJwt();
        try (WsTestClient client = connect(alice())) {
            client.connected();
            client.subscribe("{\"topics\":[\"task:*\",\"stream:Stream-A\"]}");

            client.request("auth", "a-1", "{\"token\":\"" + token("alice", Duration.ofMinutes(10), List.of("task:T-*",
                "stream:*"), List.of()) + "\"}");
            JsonNode unsubscribed = client.expect("unsubscribed");
            JsonNode authenticated = client.expect("authenticated");

            assertThat(unsubscribed.has("id")).isFalse();
            assertThat(unsubscribed.at("/payload/topics")).extracting(JsonNode::asText).containsExactly("task:*");
            assertThat(unsubscribed.at("/payload/activeSubscriptions").asInt()).isEqualTo(1);
            assertThat(authenticated.at("/payload/activeSubscriptions").asInt()).isEqualTo(1);
            assertThat(authenticated.at("/payload/subscribe")).extracting(JsonNode::asText)
                .containsExactly("task:T-*", "stream:*");
            publishAs(ops(), "task:T-1");
            long seq = publishAs(ops(), "stream:Stream-A");
            List<JsonNode> frames = client.framesThroughEvent(seq);
            assertThat(frames).extracting(f -> f.at("/payload/topic").asText()).containsExactly("stream:Stream-A");
            // The new grant applies to new requests: task:T-* is allowed again, * is not.
            assertThat(client.subscribe("{\"topics\":[\"task:T-*\"]}").at("/payload/activeSubscriptions").asInt())
                .isEqualTo(2);
            client.request("subscribe", "s-x", "{\"topics\":[\"task:*\"]}");
            expectError(client, "WS_FORBIDDEN", "s-x");
        }
    }

    @Test
    void aTokenWithLessThanTheWindowLeftGetsAuthExpiringRightAfterConnected() {
        startJwt();
        try (WsTestClient client = connect(token("alice", Duration.ofSeconds(10), List.of(), List.of()))) {
            client.connected();
            assertThat(client.expect("auth_expiring").at("/payload/expiresAt").asText())
                .isEqualTo("2030-01-01T00:00:10.000Z");
            time.advanceTimeBy(Duration.ofSeconds(10));
            assertClosedWith(client, 4003);
        }
    }

    // --- API keys, auth off, start-up -----------------------------------------------------------------------

    @Test
    void apiKeysAuthenticateTheUpgradeAndRestAndNeverExpire() throws IOException {
        Path keys = Files.writeString(dir.resolve("keys.yml"), ApiKeyAuthenticatorTest.keyFile());
        start(GatewayServer.builder(TEST_CONFIG.withWs(TEST_CONFIG.ws().withHeartbeatInterval(Duration.ofHours(10))
                .withIdleTimeout(Duration.ofHours(20)))
            .withAuth(AuthConfig.defaults().withMode(AuthConfig.API_KEY).withApiKeysFile(keys.toString())))
            .clock(clock).timer(time));

        try (WsTestClient client = connect(ApiKeyAuthenticatorTest.ALICE_KEY)) {
            JsonNode auth = client.connected().at("/payload/auth");
            assertThat(auth.get("subject").asText()).isEqualTo("alice");
            assertThat(auth.has("expiresAt")).isFalse();
            time.advanceTimeBy(Duration.ofHours(5));
            assertStillOpen(client);
            client.request("publish", "p", "{\"topic\":\"bot:B\",\"eventType\":\"x\"}");
            expectError(client, "WS_FORBIDDEN", "p");
        }
        assertThat(call("GET", "/api/status", ApiKeyAuthenticatorTest.OPS_KEY, null).status()).isEqualTo(200);
        assertThat(call("GET", "/api/status", ApiKeyAuthenticatorTest.ALICE_KEY, null).status()).isEqualTo(403);
        assertUnauthorized(call("GET", "/api/events", "egw_unknown", null), true);
        assertThat(rawUpgrade("/ws", Map.of("Authorization", "Bearer egw_unknown")).status()).isEqualTo(401);
    }

    @Test
    void withAuthOffEverythingIsAllowedAndAnAuthMessageIsInvalid() {
        start();
        try (WsTestClient client = ws()) {
            assertThat(client.connected().at("/payload").has("auth")).isFalse();
            client.request("auth", "a-1", "{\"token\":\"x\"}");
            assertThat(expectError(client, "WS_INVALID_MESSAGE", "a-1").at("/payload/message").asText())
                .contains("auth.mode=none");
            assertThat(client.subscribe("{\"topics\":[\"*\"]}").at("/payload/activeSubscriptions").asInt())
                .isEqualTo(1);
        }
        assertThat(call("GET", "/api/status", null, null).status()).isEqualTo(200);
    }

    @Test
    void aModeWithoutItsKeysFailsToStartWithOneLine() {
        GatewayConfig jwt = TEST_CONFIG.withAuth(AuthConfig.defaults().withMode(AuthConfig.JWT));
        GatewayConfig keys = TEST_CONFIG.withAuth(AuthConfig.defaults().withMode(AuthConfig.API_KEY)
            .withApiKeysFile(dir.resolve("none.yml").toString()));

        assertThatThrownBy(() -> GatewayServer.builder(jwt).build().start().block(Duration.ofSeconds(30)))
            .isInstanceOf(StartupException.class).hasMessageContaining("auth.mode=jwt needs auth.jwt.secret-file");
        assertThatThrownBy(() -> GatewayServer.builder(keys).build().start().block(Duration.ofSeconds(30)))
            .isInstanceOf(StartupException.class).hasMessageEndingWith("none.yml': no such file");
    }
}
