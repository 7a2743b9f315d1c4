package io.eventgateway.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The reconnect loop in virtual time, with a fake connector: backoff bounds, resume position, dedupe, give-up. */
class ResumableSubscriptionTest {

    private static final Duration VERIFY = Duration.ofSeconds(10);

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    /** Virtual time (ms) and position of each connection attempt. */
    private final List<long[]> attempts = new CopyOnWriteArrayList<>();

    private static Event event(long seq) {
        return new Event(seq, "task:T-1", "t", Instant.EPOCH, JsonNodeFactory.instance.objectNode());
    }

    private static GatewayClientException refused() {
        return (GatewayClientException) Failures.classify(new ConnectException("Connection refused"), "ws://h/ws");
    }

    private ClientSettings settings(GatewayClient.Builder builder) {
        return new ClientSettings(builder.timer(vts).reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)));
    }

    /** A subscription whose n-th connection (from 0) is made by the function, recording each attempt. */
    private Flux<Event> subscription(SubscribeSpec spec, ClientSettings settings, Backoff backoff,
                                     BiFunction<Integer, SubscriptionState, Flux<Event>> connection) {
        ResumableSubscription.Connector connector = state -> Flux.defer(() -> {
            attempts.add(new long[] {vts.now(TimeUnit.MILLISECONDS), state.position()});
            return connection.apply(attempts.size() - 1, state);
        });
        return new ResumableSubscription(spec, connector, backoff, settings).flux();
    }

    private long attemptAt(int n) {
        return attempts.get(n)[0];
    }

    @Test
    void withoutJitterReconnectsFollowTheDoublingScheduleUpToMax() {
        ClientSettings settings = settings(GatewayClient.builder().jitter(0));
        Backoff backoff = Backoff.of(settings);
        StepVerifier.withVirtualTime(() -> subscription(SubscribeSpec.of("task:*"), settings, backoff,
                (n, state) -> Flux.error(refused())), () -> vts, Long.MAX_VALUE)
            .expectSubscription()
            .then(() -> assertThat(attempts).hasSize(1))
            .thenAwait(Duration.ofMillis(99))
            .then(() -> assertThat(attempts).as("not before the first backoff").hasSize(1))
            .thenAwait(Duration.ofMillis(1))
            .then(() -> assertThat(attempts).hasSize(2))
            .thenAwait(Duration.ofSeconds(10))
            .thenCancel()
            .verify(VERIFY);
        // 0, +100, +200, +400, +800, then +1000 (max) each time.
        assertThat(attemptAt(1)).isEqualTo(100);
        assertThat(attemptAt(2)).isEqualTo(300);
        assertThat(attemptAt(3)).isEqualTo(700);
        assertThat(attemptAt(4)).isEqualTo(1500);
        assertThat(attemptAt(5)).isEqualTo(2500);
        assertThat(attemptAt(6)).isEqualTo(3500);
    }

    @Test
    void withFullJitterEveryWaitIsBetweenZeroAndItsCeiling() {
        ClientSettings settings = settings(GatewayClient.builder());
        Backoff backoff = new Backoff(settings.minBackoff(), settings.maxBackoff(), 1.0, new Random(3)::nextDouble);
        StepVerifier.withVirtualTime(() -> subscription(SubscribeSpec.of("task:*"), settings, backoff,
                (n, state) -> Flux.error(refused())), () -> vts, Long.MAX_VALUE)
            .expectSubscription()
            .thenAwait(Duration.ofSeconds(60))
            .thenCancel()
            .verify(VERIFY);
        assertThat(attempts).hasSizeGreaterThan(60);
        long below = 0;
        for (int n = 1; n < attempts.size(); n++) {
            long wait = attemptAt(n) - attemptAt(n - 1);
            long ceiling = backoff.ceiling(n - 1).toMillis();
            assertThat(wait).as("wait before attempt " + n).isBetween(0L, ceiling);
            if (wait < ceiling / 2) {
                below++;
            }
        }
        assertThat(below).as("full jitter: about half the waits are below half the ceiling")
            .isBetween(attempts.size() / 5L, attempts.size() * 4 / 5L);
    }

    @Test
    void backoffStartsOverOnceAConnectionIsSubscribed() {
        ClientSettings settings = settings(GatewayClient.builder().jitter(0));
        StepVerifier.withVirtualTime(() -> subscription(SubscribeSpec.of("task:*"), settings, Backoff.of(settings),
                (n, state) -> {
                    if (n == 3) {
                        state.subscribed(0);
                        return Flux.<Event>just(event(1)).concatWith(Flux.error(refused()));
                    }
                    return Flux.error(refused());
                }), () -> vts, Long.MAX_VALUE)
            .expectSubscription()
            .thenAwait(Duration.ofMillis(700))
            .expectNextMatches(e -> e.seq() == 1)
            .thenAwait(Duration.ofMillis(100))
            .thenCancel()
            .verify(VERIFY);
        assertThat(attemptAt(3)).isEqualTo(700);
        assertThat(attemptAt(4)).as("after a subscribed connection the first ceiling again").isEqualTo(800);
    }

    @Test
    void reconnectsResumeAfterTheLastDeliveredSeqAndRepeatsAreDropped() {
        ClientSettings settings = settings(GatewayClient.builder().jitter(0));
        StepVerifier.withVirtualTime(() -> subscription(SubscribeSpec.of("task:*"), settings, Backoff.of(settings),
                (n, state) -> {
                    if (n == 0) {
                        state.subscribed(10);
                        return Flux.just(event(11), event(12), event(13)).concatWith(Flux.error(refused()));
                    }
                    state.subscribed(20);
                    // A replay that repeats what was delivered, then new events.
                    return Flux.just(event(12), event(13), event(14), event(16))
                        .concatWith(Flux.error(new GatewayClientException(ErrorCode.WS_INVALID_TOPIC, "stop")));
                }), () -> vts, Long.MAX_VALUE)
            .expectNextMatches(e -> e.seq() == 11)
            .expectNextMatches(e -> e.seq() == 12)
            .expectNextMatches(e -> e.seq() == 13)
            .thenAwait(Duration.ofMillis(100))
            .expectNextMatches(e -> e.seq() == 14)
            .expectNextMatches(e -> e.seq() == 16)
            .expectErrorSatisfies(e -> assertThat(((GatewayClientException) e).errorCode())
                .isEqualTo(ErrorCode.WS_INVALID_TOPIC))
            .verify(VERIFY);
        assertThat(attempts.get(0)[1]).as("first connection: live").isEqualTo(SubscribeSpec.LIVE);
        assertThat(attempts.get(1)[1]).as("resumes after the last delivered seq").isEqualTo(13);
    }

    @Test
    void aLiveSubscriptionResumesAfterTheHeadOfItsFirstSubscribedReply() {
        ClientSettings settings = settings(GatewayClient.builder().jitter(0).maxReconnectAttempts(1));
        StepVerifier.withVirtualTime(() -> subscription(SubscribeSpec.of("task:*"), settings, Backoff.of(settings),
                (n, state) -> {
                    if (n == 0) {
                        state.subscribed(50);
                    }
                    return Flux.error(refused());
                }), () -> vts, Long.MAX_VALUE)
            .thenAwait(Duration.ofSeconds(1))
            .expectError(GatewayClientException.class)
            .verify(VERIFY);
        assertThat(attempts.get(1)[1]).isEqualTo(50);
    }

    @Test
    void sinceOfTheSpecIsTheFirstPositionAndEventsAtOrBelowItAreDropped() {
        ClientSettings settings = settings(GatewayClient.builder());
        StepVerifier.withVirtualTime(() -> subscription(SubscribeSpec.builder().patterns("*").since(5).build(),
                settings, Backoff.of(settings), (n, state) -> {
                    state.subscribed(100);
                    return Flux.just(event(4), event(5), event(6)).concatWith(Flux.never());
                }), () -> vts, Long.MAX_VALUE)
            .expectNextMatches(e -> e.seq() == 6)
            .thenCancel()
            .verify(VERIFY);
        assertThat(attempts.get(0)[1]).isEqualTo(5);
    }

    @Test
    void aFailureThatRetryingCannotFixEndsTheFluxAtOnce() {
        ClientSettings settings = settings(GatewayClient.builder());
        StepVerifier.withVirtualTime(() -> subscription(SubscribeSpec.of("task:*:x"), settings, Backoff.of(settings),
                (n, state) -> Flux.error(new GatewayClientException("WS_INVALID_TOPIC", "invalid pattern", 0, null,
                    null))), () -> vts, Long.MAX_VALUE)
            .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(GatewayClientException.class)
                .hasMessageContaining("invalid pattern"))
            .verify(VERIFY);
        assertThat(attempts).hasSize(1);
    }

    @Test
    void anUnexpectedExceptionIsNotRetried() {
        ClientSettings settings = settings(GatewayClient.builder());
        StepVerifier.withVirtualTime(() -> subscription(SubscribeSpec.of("task:*"), settings, Backoff.of(settings),
                (n, state) -> Flux.error(new IllegalStateException("a bug"))), () -> vts, Long.MAX_VALUE)
            .expectErrorMessage("a bug")
            .verify(VERIFY);
        assertThat(attempts).hasSize(1);
    }

    @Test
    void itGivesUpAfterMaxReconnectAttemptsFailuresInARow() {
        ClientSettings settings = settings(GatewayClient.builder().maxReconnectAttempts(3).jitter(0));
        StepVerifier.withVirtualTime(() -> subscription(SubscribeSpec.of("task:*"), settings, Backoff.of(settings),
                (n, state) -> Flux.error(refused())), () -> vts, Long.MAX_VALUE)
            .expectSubscription()
            .thenAwait(Duration.ofMillis(699))
            .then(() -> assertThat(attempts).hasSize(3))
            .thenAwait(Duration.ofMillis(1))
            .expectErrorSatisfies(e -> assertThat(((GatewayClientException) e).errorCode())
                .isEqualTo(ErrorCode.CONNECTION_FAILED))
            .verify(VERIFY);
        assertThat(attempts).hasSize(4);
    }

    @Test
    void aConnectionNotSubscribedWithinTheRequestTimeoutIsAbandonedAndRetried() {
        ClientSettings settings = settings(GatewayClient.builder().requestTimeout(Duration.ofSeconds(2)).jitter(0));
        StepVerifier.withVirtualTime(() -> subscription(SubscribeSpec.of("task:*"), settings, Backoff.of(settings),
                (n, state) -> n == 0 ? Flux.never()
                    : Flux.error(new GatewayClientException(ErrorCode.FORBIDDEN, "no"))),
                () -> vts, Long.MAX_VALUE)
            .expectSubscription()
            .expectNoEvent(Duration.ofMillis(1999))
            .thenAwait(Duration.ofMillis(101))
            .expectError(GatewayClientException.class)
            .verify(VERIFY);
        assertThat(attempts).hasSize(2);
        assertThat(attemptAt(1)).as("timeout at 2 s, then the first backoff").isEqualTo(2100);
    }

    @Test
    void aSubscribedConnectionIsNotCutByTheRequestTimeout() {
        ClientSettings settings = settings(GatewayClient.builder().requestTimeout(Duration.ofSeconds(1)));
        StepVerifier.withVirtualTime(() -> subscription(SubscribeSpec.of("task:*"), settings, Backoff.of(settings),
                (n, state) -> {
                    state.subscribed(0);
                    return Flux.never();
                }), () -> vts, Long.MAX_VALUE)
            .expectSubscription()
            .expectNoEvent(Duration.ofMinutes(5))
            .thenCancel()
            .verify(VERIFY);
        assertThat(attempts).hasSize(1);
    }
}
