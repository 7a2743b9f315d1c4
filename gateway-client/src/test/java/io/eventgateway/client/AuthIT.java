package io.eventgateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.server.auth.TestTokens;
import io.eventgateway.server.config.AuthConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/**
 * The client against a real gateway with {@code auth.mode=jwt} (PROTOCOL.md section 11), with HS256 tokens signed in
 * the test: the token on the upgrade and on REST, a refused upgrade as {@link ErrorCode#UNAUTHORIZED}, a pattern
 * outside the grant as {@link ErrorCode#WS_FORBIDDEN}, a refresh on {@code auth_expiring} that keeps the connection,
 * close 4003 with a fixed token and with a supplier.
 */
class AuthIT extends ClientTestSupport {

    /** auth_expiring comes this long before a token's exp: tokens of a few seconds keep the tests short. */
    private static final Duration WINDOW = Duration.ofSeconds(2);

    @BeforeEach
    void startJwtGateway() {
        startSqlite(c -> c.withAuth(AuthConfig.defaults().withMode(AuthConfig.JWT).withJwtSecret(TestTokens.SECRET)
            .withRefreshWindow(WINDOW)));
    }

    private static String token(String subject, Duration ttl, List<String> subscribe, List<String> publish) {
        return TestTokens.hs256(TestTokens.SECRET, TestTokens.claims(subject, Instant.now().plus(ttl), subscribe,
            publish).build());
    }

    private static String alice(Duration ttl) {
        return token("alice", ttl, List.of("task:*"), List.of("task:*"));
    }

    /** {@code GET /api/status} with an admin token. */
    private JsonNode adminStatus() {
        String admin = TestTokens.hs256(TestTokens.SECRET, TestTokens.claims("ops", Instant.now().plusSeconds(60),
            List.of(), List.of()).claim("admin", true).build());
        String body = HttpClient.create().baseUrl("http://127.0.0.1:" + port())
            .headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + admin))
            .get().uri("/api/status").responseContent().aggregate().asString().block(WAIT);
        try {
            return Wire.JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("GET /api/status answered " + body, e);
        }
    }

    /** Subscribers of a pattern according to {@code /api/status}, read with an admin token. */
    private int adminSubscribers(String pattern) {
        for (JsonNode p : adminStatus().path("patterns")) {
            if (p.path("pattern").asText().equals(pattern)) {
                return p.path("subscribers").asInt();
            }
        }
        return 0;
    }

    /** A client that publishes with its own fixed token, so the tested supplier is asked only by the subscriber. */
    private GatewayClient publisher() {
        return track(clientBuilder().token(token("publisher", Duration.ofMinutes(5), List.of(), List.of("*")))
            .build());
    }

    @Test
    void withoutATokenTheUpgradeIsRefusedUnauthorizedAndNotRetried() {
        GatewayClient client = client();
        StepVerifier.create(client.subscribe(SubscribeSpec.of("task:*")))
            .expectErrorSatisfies(e -> {
                assertThat(e).isInstanceOf(GatewayClientException.class);
                GatewayClientException g = (GatewayClientException) e;
                assertThat(g.errorCode()).isEqualTo(ErrorCode.UNAUTHORIZED);
                assertThat(g.httpStatus()).isEqualTo(401);
                assertThat(g.retryable()).isFalse();
            })
            .verify(WAIT);
        StepVerifier.create(client.publish("task:T-1", "task.x", null))
            .expectErrorSatisfies(e -> assertThat(((GatewayClientException) e).errorCode())
                .isEqualTo(ErrorCode.UNAUTHORIZED))
            .verify(WAIT);
    }

    @Test
    void aTokenIsSentOnTheUpgradeAndOnRestCalls() {
        GatewayClient client = track(clientBuilder().token(alice(Duration.ofMinutes(5))).build());
        long first = client.publish("task:T-1", "task.created", data("n", 1)).block(WAIT);
        StepVerifier.create(client.subscribe(SubscribeSpec.builder().patterns("task:*").since(0).build()).take(2))
            .expectNextMatches(e -> e.seq() == first)
            .then(() -> client.publish("task:T-2", "task.created", data("n", 2)).block(WAIT))
            .expectNextMatches(e -> e.topic().equals("task:T-2"))
            .expectComplete()
            .verify(WAIT);
        StepVerifier.create(client.history(HistoryQuery.builder().since(0).topics("task:*").build()))
            .expectNextCount(2).expectComplete().verify(WAIT);
    }

    @Test
    void aPatternOutsideTheGrantEndsTheSubscriptionWithWsForbidden() {
        GatewayClient client = track(clientBuilder().token(alice(Duration.ofMinutes(5))).build());
        StepVerifier.create(client.subscribe(SubscribeSpec.of("task:*", "secret:*")))
            .expectErrorSatisfies(e -> {
                GatewayClientException g = (GatewayClientException) e;
                assertThat(g.errorCode()).isEqualTo(ErrorCode.WS_FORBIDDEN);
                assertThat(g.details().path("topic").asText()).isEqualTo("secret:*");
            })
            .verify(WAIT);
        StepVerifier.create(client.publish("secret:S-1", "x", null))
            .expectErrorSatisfies(e -> assertThat(((GatewayClientException) e).errorCode())
                .isEqualTo(ErrorCode.FORBIDDEN))
            .verify(WAIT);
    }

    @Test
    void aTokenSupplierRefreshesOnAuthExpiringAndTheConnectionOutlivesItsFirstToken() {
        List<String> issued = new CopyOnWriteArrayList<>();
        GatewayClient client = track(clientBuilder().token(() -> Mono.fromCallable(() -> {
            String next = alice(WINDOW.plusSeconds(2));
            issued.add(next);
            return next;
        })).build());
        Instant firstExpiry = Instant.now().plus(WINDOW.plusSeconds(2));
        List<Event> got = new CopyOnWriteArrayList<>();
        var subscription = client.subscribe(SubscribeSpec.of("task:*")).subscribe(got::add);
        try {
            await().atMost(WAIT).until(() -> adminSubscribers("task:*") == 1);
            // The first token expires; had it not been renewed, the gateway would have closed 4003.
            await().atMost(WAIT).until(() -> Instant.now().isAfter(firstExpiry.plusMillis(1500)));
            long seq = publisher().publish("task:T-9", "task.after", null).block(WAIT);
            await().atMost(WAIT).until(() -> got.stream().anyMatch(e -> e.seq() == seq));
            assertThat(issued).as("the supplier was asked again by auth_expiring").hasSizeGreaterThanOrEqualTo(2);
            assertThat(adminStatus().path("connections").path("total").asLong())
                .as("one WebSocket only: the refresh kept the connection").isEqualTo(1);
        } finally {
            subscription.dispose();
        }
    }

    @Test
    void aFixedTokenThatExpiresEndsTheSubscriptionWithCredentialsRevoked() {
        GatewayClient client = track(clientBuilder().token(alice(WINDOW.plusSeconds(1))).build());
        StepVerifier.create(client.subscribe(SubscribeSpec.of("task:*")))
            .expectErrorSatisfies(e -> {
                assertThat(((GatewayClientException) e).errorCode()).isEqualTo(ErrorCode.CREDENTIALS_REVOKED);
                assertThat(e.getMessage()).contains("4003");
            })
            .verify(WAIT);
    }

    @Test
    void afterClose4003ASupplierReconnectsWithANewTokenAndResumesWithSince() {
        AtomicInteger calls = new AtomicInteger();
        // 1: short-lived; 2 (the refresh): another subject, refused with WS_UNAUTHORIZED; then long-lived ones.
        GatewayClient client = track(clientBuilder().token(() -> Mono.fromCallable(() -> switch (calls
            .incrementAndGet()) {
            case 1 -> alice(WINDOW.plusSeconds(1));
            case 2 -> token("mallory", Duration.ofMinutes(5), List.of("*"), List.of("*"));
            default -> alice(Duration.ofMinutes(5));
        })).build());
        List<Event> got = new CopyOnWriteArrayList<>();
        var subscription = client.subscribe(SubscribeSpec.of("task:*")).subscribe(got::add);
        try {
            await().atMost(WAIT).until(() -> adminSubscribers("task:*") == 1);
            GatewayClient publisher = publisher();
            long before = publisher.publish("task:T-1", "before", null).block(WAIT);
            await().atMost(WAIT).until(() -> adminStatus().path("connections").path("total").asLong() == 2);
            long after = publisher.publish("task:T-1", "after", null).block(WAIT);
            await().atMost(WAIT).until(() -> got.size() >= 2);
            assertThat(got).extracting(Event::seq).containsExactly(before, after);
            assertThat(calls.get()).as("connect, refused refresh, reconnect").isGreaterThanOrEqualTo(3);
        } finally {
            subscription.dispose();
        }
    }

    @Test
    void afterA401ASupplierIsAskedAgainAndTheRefusedTokenAgainFails() {
        String refused = TestTokens.hs256("another-secret-of-at-least-32-bytes-long!!", TestTokens.claims("alice",
            Instant.now().plusSeconds(300), List.of("task:*"), List.of()).build());
        AtomicInteger calls = new AtomicInteger();
        GatewayClient recovering = track(clientBuilder().token(() -> Mono.fromCallable(() ->
            calls.incrementAndGet() == 1 ? refused : alice(Duration.ofMinutes(5)))).build());
        StepVerifier.create(recovering.subscribe(SubscribeSpec.builder().patterns("task:*").since(0).build()).take(1))
            .then(() -> publisher().publish("task:T-1", "x", null).block(WAIT))
            .expectNextCount(1)
            .expectComplete()
            .verify(WAIT);

        GatewayClient stuck = track(clientBuilder().token(() -> Mono.just(refused)).build());
        StepVerifier.create(stuck.subscribe(SubscribeSpec.of("task:*")))
            .expectErrorSatisfies(e -> {
                assertThat(((GatewayClientException) e).errorCode()).isEqualTo(ErrorCode.UNAUTHORIZED);
                assertThat(e.getMessage()).contains("gave the refused token again");
            })
            .verify(WAIT);
    }

    @Test
    void aTokenThatCannotBeAHeaderIsRefusedByTheBuilder() {
        assertThatThrownBy(() -> GatewayClient.builder().token("two words"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without spaces");
    }
}
