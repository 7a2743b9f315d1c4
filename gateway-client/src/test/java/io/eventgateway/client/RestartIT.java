package io.eventgateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * PROTOCOL.md section 7 through the client: the gateway is stopped (close 1001) and started again on the same port
 * and SQLite file while a publisher keeps publishing; the subscription reconnects with backoff, resumes with
 * {@code since}, and delivers every published seq exactly once, in order.
 */
class RestartIT extends ClientTestSupport {

    private static final int EVENTS = 400;

    @Test
    void aSubscriptionSeesEverySeqExactlyOnceInOrderAcrossGatewayRestarts() {
        startSqlite();
        AtomicInteger publishErrors = new AtomicInteger();
        GatewayClient publisher = track(clientBuilder().publishRetries(200)
            .httpClient(c -> c.doOnRequestError((request, error) -> publishErrors.incrementAndGet())).build());
        GatewayClient subscriber = client();

        List<Long> received = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> subscriptionFailure = new AtomicReference<>();
        Disposable subscription = subscriber.subscribe(SubscribeSpec.builder().patterns("load:*").since(0).build())
            .subscribe(e -> received.add(e.seq()), subscriptionFailure::set);

        // A steady publisher: one event every 2 ms, each with its own idempotency key, so a publish that fails
        // while the gateway is away is retried and can never be appended twice.
        List<Long> acked = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> publishFailure = new AtomicReference<>();
        Disposable publishing = Flux.range(0, EVENTS)
            .concatMap(i -> Mono.delay(Duration.ofMillis(2))
                .then(publisher.publish("load:L-" + (i % 7), "load.tick", data("i", i), "tick-" + i)))
            .subscribe(acked::add, publishFailure::set);
        try {
            // A quick restart, then an outage long enough for several failed publishes and reconnects.
            await().atMost(WAIT).until(() -> acked.size() >= EVENTS / 3 || publishFailure.get() != null);
            restartGateway();
            await().atMost(WAIT).until(() -> acked.size() >= 2 * EVENTS / 3 || publishFailure.get() != null);
            int port = stopGateway();
            int errorsBefore = publishErrors.get();
            await().atMost(WAIT).until(() -> publishErrors.get() >= errorsBefore + 3);
            startAgain(port);
            await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() == EVENTS || publishFailure.get() != null);
            assertThat(publishFailure.get()).as("publishing failed").isNull();
            long last = acked.get(acked.size() - 1);
            await().atMost(WAIT).until(() -> received.contains(last) || subscriptionFailure.get() != null);
            assertThat(subscriptionFailure.get()).as("the subscription failed").isNull();
            assertThat(status().at("/connections/active").asInt()).as("resubscribed to the restarted gateway")
                .isEqualTo(1);
        } finally {
            publishing.dispose();
            subscription.dispose();
        }
        List<Long> expected = new ArrayList<>(acked);
        assertThat(expected).as("acknowledged seqs increase").isSorted().doesNotHaveDuplicates().hasSize(EVENTS);
        synchronized (received) {
            assertThat(received).as("every seq once, in order").containsExactlyElementsOf(expected);
        }
    }
}
