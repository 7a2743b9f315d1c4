package io.eventgateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The client against a real gateway with a SQLite file: subscribe, receive, publish, history, errors, lifecycle. */
class GatewayClientIT extends ClientTestSupport {

    private long publish(GatewayClient client, String topic, String type, JsonNode data) {
        Long seq = client.publish(topic, type, data).block(WAIT);
        assertThat(seq).isNotNull();
        return seq;
    }

    private void awaitSubscribers(String pattern, int count) {
        await().atMost(WAIT).until(() -> subscribers(pattern) == count);
    }

    @Test
    void subscribeReceivesEveryPublishedEventOfItsPatternsInOrder() {
        startSqlite();
        GatewayClient client = client();
        Instant before = Instant.now().minusSeconds(1);
        List<Long> seqs = new ArrayList<>();
        List<Event> got = new CopyOnWriteArrayList<>();
        StepVerifier.create(client.subscribe(SubscribeSpec.builder().patterns("task:*").since(0).build())
                .doOnNext(got::add))
            .then(() -> {
                for (int i = 0; i < 5; i++) {
                    seqs.add(publish(client, "task:T-" + i, "task.progress", data("i", i)));
                    publish(client, "stream:S-1", "stream.progress", data("i", i));
                }
            })
            .expectNextCount(5)
            .thenCancel()
            .verify(WAIT);
        assertThat(got).extracting(Event::seq).containsExactlyElementsOf(seqs);
        Event first = got.get(0);
        assertThat(first.topic()).isEqualTo("task:T-0");
        assertThat(first.eventType()).isEqualTo("task.progress");
        assertThat(first.data().get("i").asInt()).isZero();
        assertThat(first.timestamp()).isAfter(before);
        assertThat(got.get(4).topic()).isEqualTo("task:T-4");
    }

    @Test
    void aLiveSubscriptionStartsAtTheHeadAndSeesOnlyLaterEvents() {
        startSqlite();
        GatewayClient client = client();
        publish(client, "task:T-1", "old", data("n", 1));
        publish(client, "task:T-1", "old", data("n", 2));
        List<Long> later = new ArrayList<>();
        List<Event> got = new CopyOnWriteArrayList<>();
        StepVerifier.create(client.subscribe(SubscribeSpec.of("task:*")).doOnNext(got::add))
            .then(() -> awaitSubscribers("task:*", 1))
            .then(() -> {
                later.add(publish(client, "task:T-1", "new", data("n", 3)));
                later.add(publish(client, "task:T-2", "new", data("n", 4)));
            })
            .expectNextCount(2)
            .thenCancel()
            .verify(WAIT);
        assertThat(got).extracting(Event::seq).containsExactlyElementsOf(later);
    }

    @Test
    void sinceReplaysTheRetainedEventsAfterItThenContinuesLive() {
        startSqlite();
        GatewayClient client = client();
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seqs.add(publish(client, "stream:S-" + (i % 2), "stream.progress", data("i", i)));
        }
        List<Event> got = new CopyOnWriteArrayList<>();
        StepVerifier.create(client.subscribe(SubscribeSpec.builder().patterns("stream:S-1").since(seqs.get(1))
                .build()).doOnNext(got::add))
            .expectNextCount(2)
            .then(() -> seqs.add(publish(client, "stream:S-1", "stream.progress", data("i", 6))))
            .expectNextCount(1)
            .thenCancel()
            .verify(WAIT);
        assertThat(got).extracting(Event::seq).containsExactly(seqs.get(3), seqs.get(5), seqs.get(6));
    }

    @Test
    void filtersAndEventTypesSelectOnTheGateway() {
        startSqlite();
        GatewayClient client = client();
        List<Long> wanted = new ArrayList<>();
        publish(client, "task:T-1", "task.created", data("status", "in_progress"));
        wanted.add(publish(client, "task:T-1", "task.status_changed", data("status", "blocked")));
        publish(client, "task:T-1", "task.status_changed", data("status", "completed"));
        publish(client, "task:T-1", "other.status_changed", data("status", "blocked"));
        wanted.add(publish(client, "task:T-2", "task.status_changed", data("status", "in_progress")));
        StepVerifier.create(client.subscribe(SubscribeSpec.builder().patterns("task:*").since(0)
                .filter("status", "in_progress", "blocked").events("task.status_*").build()))
            .assertNext(e -> assertThat(e.seq()).isEqualTo(wanted.get(0)))
            .assertNext(e -> assertThat(e.seq()).isEqualTo(wanted.get(1)))
            .expectNoEvent(Duration.ofMillis(300))
            .thenCancel()
            .verify(WAIT);
    }

    @Test
    void cancellingTheFluxClosesItsWebSocket() {
        startSqlite();
        GatewayClient client = client();
        Disposable subscription = client.subscribe(SubscribeSpec.of("task:*")).subscribe();
        awaitSubscribers("task:*", 1);
        assertThat(status().at("/connections/active").asInt()).isEqualTo(1);
        subscription.dispose();
        await().atMost(WAIT).until(() -> status().at("/connections/active").asInt() == 0);
        assertThat(subscribers("task:*")).isZero();
    }

    @Test
    void eachSubscriberOfTheSameFluxHasItsOwnConnectionAndPosition() {
        startSqlite();
        GatewayClient client = client();
        long first = publish(client, "task:T-1", "t", data("n", 1));
        long second = publish(client, "task:T-1", "t", data("n", 2));
        Flux<Event> flux = client.subscribe(SubscribeSpec.builder().patterns("task:*").since(0).build());
        StepVerifier.create(flux.take(2)).expectNextMatches(e -> e.seq() == first)
            .expectNextMatches(e -> e.seq() == second).verifyComplete();
        StepVerifier.create(flux.take(1)).as("a new subscriber replays from since again")
            .expectNextMatches(e -> e.seq() == first).expectComplete().verify(WAIT);
        assertThat(status().at("/connections/total").asInt()).isEqualTo(2);
    }

    @Test
    void anInvalidPatternFailsAtOnceWithTheProtocolCode() {
        startSqlite();
        GatewayClient client = client();
        StepVerifier.create(client.subscribe(SubscribeSpec.of("task:*:x")))
            .expectErrorSatisfies(e -> {
                assertThat(e).isInstanceOf(GatewayClientException.class).hasMessageContaining("task:*:x");
                GatewayClientException g = (GatewayClientException) e;
                assertThat(g.errorCode()).isEqualTo(ErrorCode.WS_INVALID_TOPIC);
                assertThat(g.details().get("topic").asText()).isEqualTo("task:*:x");
                assertThat(g.retryable()).isFalse();
            })
            .verify(WAIT);
        assertThat(status().at("/connections/total").asInt()).as("not retried").isEqualTo(1);
    }

    @Test
    void publishAnswersTheDurableSeqAndAnIdempotencyKeyPublishesOnce() {
        startSqlite();
        GatewayClient client = client();
        long plain = publish(client, "bot:B-1", "bot.ping", null);
        Long keyed = client.publish("bot:B-1", "bot.ping", data("n", 1), "k-1").block(WAIT);
        Long again = client.publish("bot:B-1", "bot.ping", data("n", 1), "k-1").block(WAIT);
        assertThat(keyed).isGreaterThan(plain);
        assertThat(again).isEqualTo(keyed);
        StepVerifier.create(client.history(HistoryQuery.builder().topics("bot:*").build()))
            .assertNext(e -> {
                assertThat(e.seq()).isEqualTo(plain);
                assertThat(e.data().isObject()).as("null data is {}").isTrue();
                assertThat(e.data().size()).isZero();
            })
            .assertNext(e -> assertThat(e.seq()).isEqualTo(keyed))
            .expectComplete()
            .verify(WAIT);
    }

    @Test
    void publishRefusedByTheGatewayCarriesTheRestCodeAndStatus() {
        startSqlite();
        GatewayClient client = client();
        assertThatThrownBy(() -> client.publish("task:*", "x", null).block(WAIT))
            .isInstanceOfSatisfying(GatewayClientException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_TOPIC);
                assertThat(e.httpStatus()).isEqualTo(400);
                assertThat(e.retryable()).isFalse();
            })
            .hasMessageContaining("POST http://127.0.0.1:" + port() + "/api/events");
        assertThatThrownBy(() -> client.publish("task:T-1", "x", Wire.JSON.createArrayNode()).block(WAIT))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON object");
    }

    @Test
    void historyReadsEveryPageUpToTheHeadOfTheFirstPage() {
        startSqlite();
        GatewayClient client = track(clientBuilder().pageSize(7).build());
        List<Long> tasks = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long seq = publish(client, i % 3 == 0 ? "bot:B-1" : "task:T-" + i, "t", data("i", i));
            if (i % 3 != 0) {
                tasks.add(seq);
            }
        }
        List<Event> all = client.history(HistoryQuery.builder().build()).collectList().block(WAIT);
        assertThat(all).hasSize(30);
        assertThat(all).extracting(Event::seq).isSorted().doesNotHaveDuplicates();
        List<Event> listed = client.history(HistoryQuery.builder().topics("task:*").build()).collectList()
            .block(WAIT);
        assertThat(listed).extracting(Event::seq).containsExactlyElementsOf(tasks);
        List<Event> range = client.history(HistoryQuery.builder().topics("task:*").since(tasks.get(2))
            .until(tasks.get(12)).build()).collectList().block(WAIT);
        assertThat(range).extracting(Event::seq).containsExactlyElementsOf(tasks.subList(3, 13));
    }

    @Test
    void historyIsReadOnlyAsFastAsItIsConsumed() {
        startSqlite();
        GatewayClient client = track(clientBuilder().pageSize(5).build());
        for (int i = 0; i < 12; i++) {
            publish(client, "task:T-1", "t", data("i", i));
        }
        StepVerifier.create(client.history(HistoryQuery.builder().build()), 3)
            .expectNextCount(3)
            .expectNoEvent(Duration.ofMillis(200))
            .thenRequest(Long.MAX_VALUE)
            .expectNextCount(9)
            .expectComplete()
            .verify(WAIT);
    }

    @Test
    void healthReportsTheHead() {
        startSqlite();
        GatewayClient client = client();
        long seq = publish(client, "task:T-1", "t", null);
        Health health = client.health().block(WAIT);
        assertThat(health).isNotNull();
        assertThat(health.ok()).isTrue();
        assertThat(health.headSeq()).isEqualTo(seq);
        assertThat(health.version()).isNotBlank();
    }

    @Test
    void serverPingsAreAnsweredSoTheIdleTimeoutNeverClosesTheConnection() {
        startSqlite(c -> c.withWs(c.ws().withHeartbeatInterval(Duration.ofMillis(100))
            .withIdleTimeout(Duration.ofMillis(350))));
        GatewayClient client = client();
        List<Long> seqs = new ArrayList<>();
        List<Event> got = new CopyOnWriteArrayList<>();
        StepVerifier.create(client.subscribe(SubscribeSpec.of("task:*")).doOnNext(got::add))
            .then(() -> awaitSubscribers("task:*", 1))
            .expectNoEvent(Duration.ofMillis(1500))
            .then(() -> seqs.add(publish(client, "task:T-1", "t", null)))
            .expectNextCount(1)
            .thenCancel()
            .verify(WAIT);
        assertThat(got).extracting(Event::seq).containsExactlyElementsOf(seqs);
        assertThat(status().at("/connections/total").asInt()).as("never closed 4001 and reconnected")
            .isEqualTo(1);
    }

    @Test
    void disposingTheClientCompletesItsSubscriptionsAndRefusesNewCalls() {
        startSqlite();
        GatewayClient client = client();
        StepVerifier.create(client.subscribe(SubscribeSpec.of("task:*")))
            .then(() -> awaitSubscribers("task:*", 1))
            .then(() -> client.disposeLater().block(WAIT))
            .expectComplete()
            .verify(WAIT);
        assertThat(client.isDisposed()).isTrue();
        await().atMost(WAIT).until(() -> status().at("/connections/active").asInt() == 0);
        assertThatThrownBy(() -> client.publish("task:T-1", "t", null).block(WAIT))
            .isInstanceOfSatisfying(GatewayClientException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CLIENT_DISPOSED));
        StepVerifier.create(client.subscribe(SubscribeSpec.of("task:*")))
            .expectErrorSatisfies(e -> assertThat(((GatewayClientException) e).errorCode())
                .isEqualTo(ErrorCode.CLIENT_DISPOSED))
            .verify(WAIT);
    }
}
