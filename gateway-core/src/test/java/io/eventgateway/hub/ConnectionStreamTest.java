package io.eventgateway.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventgateway.event.Event;
import io.eventgateway.event.EventCodec;
import io.eventgateway.topic.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.test.subscriber.TestSubscriber;

/**
 * A connection's stream on its own, driven from the test thread as if it were the dispatcher: bounded buffer that
 * drops the oldest live events, the {@link Overflow} placed where the gap is, control messages, dedupe by seq,
 * replay blocks with back-pressure, completion and cancellation.
 */
final class ConnectionStreamTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final BiFunction<Throwable, Long, Object> REPLAY_FAILED =
        (error, lastSeq) -> new ReplayFailed("sub-1", lastSeq, error.getMessage());

    private final AtomicInteger cancels = new AtomicInteger();

    private ConnectionStream stream(int bufferSize) {
        return new ConnectionStream("c-1", bufferSize, cancels::incrementAndGet, null);
    }

    private static Event event(long seq) {
        return new Event(seq, Topic.parse("task:T-" + seq), "test.event", Instant.EPOCH,
            EventCodec.JSON.createObjectNode());
    }

    private static Flux<Event> events(long from, long to) {
        return Flux.fromStream(() -> LongStream.rangeClosed(from, to).mapToObj(ConnectionStreamTest::event));
    }

    private static Consumer<Object> seq(long expected) {
        return o -> assertThat(o).isInstanceOfSatisfying(Event.class, e -> assertThat(e.seq()).isEqualTo(expected));
    }

    private static List<Long> eventSeqs(List<Object> items) {
        return items.stream().filter(Event.class::isInstance).map(o -> ((Event) o).seq())
            .collect(Collectors.toList());
    }

    @Test
    void queuedItemsWaitForDemandAndArriveInOfferOrder() {
        ConnectionStream stream = stream(10);
        stream.offerControl("hello");
        stream.offerLive(event(1));
        stream.offerLive(event(2));

        StepVerifier.create(stream, 0)
            .expectSubscription()
            .expectNoEvent(Duration.ofMillis(50))
            .thenRequest(2)
            .expectNext("hello")
            .assertNext(seq(1))
            .expectNoEvent(Duration.ofMillis(50))
            .then(() -> stream.offerLive(event(3)))
            .thenRequest(5)
            .assertNext(seq(2))
            .assertNext(seq(3))
            .expectNoEvent(Duration.ofMillis(50))
            .thenCancel()
            .verify(TIMEOUT);
        assertThat(stream.delivered()).isEqualTo(3L);
        assertThat(stream.dropped()).isZero();
    }

    @Test
    void shouldDropOldestWhenBufferIsFull() {
        ConnectionStream stream = stream(3);

        StepVerifier.create(stream, 0)
            .then(() -> {
                for (long s = 1; s <= 10; s++) {
                    stream.offerLive(event(s));
                }
                assertThat(stream.bufferDepth()).isEqualTo(3);
                assertThat(stream.dropped()).isEqualTo(7L);
            })
            .expectNoEvent(Duration.ofMillis(50))
            .thenRequest(1)
            .expectNext(new Overflow(7, 1, 7))
            .expectNoEvent(Duration.ofMillis(50))
            .thenRequest(10)
            .assertNext(seq(8))
            .assertNext(seq(9))
            .assertNext(seq(10))
            .expectNoEvent(Duration.ofMillis(50))
            .thenCancel()
            .verify(TIMEOUT);
        assertThat(stream.delivered()).isEqualTo(3L);
        assertThat(stream.bufferDepth()).isZero();
    }

    @Test
    void overflowCountsTheDroppedEventsNotTheSeqRangeWhenSeqsAreSparse() {
        ConnectionStream stream = stream(2);

        StepVerifier.create(stream, 0)
            .then(() -> {
                for (long s : new long[] {2, 5, 9, 14, 20}) {
                    stream.offerLive(event(s));
                }
            })
            .thenRequest(3)
            .expectNext(new Overflow(3, 2, 9))
            .assertNext(seq(14))
            .assertNext(seq(20))
            .thenCancel()
            .verify(TIMEOUT);
    }

    @Test
    void eachGapIsAnnouncedOnceAndEventsAfterItAreNewerThanItsLastSeq() {
        ConnectionStream stream = stream(2);

        StepVerifier.create(stream, 0)
            .then(() -> {
                for (long s = 1; s <= 4; s++) {
                    stream.offerLive(event(s));
                }
            })
            .thenRequest(2)
            .expectNext(new Overflow(2, 1, 2))
            .assertNext(seq(3))
            .then(() -> {
                for (long s = 5; s <= 9; s++) {
                    stream.offerLive(event(s));
                }
            })
            .thenRequest(3)
            .expectNext(new Overflow(4, 4, 7))
            .assertNext(seq(8))
            .assertNext(seq(9))
            .thenRequest(1)
            .expectNoEvent(Duration.ofMillis(50))
            .thenCancel()
            .verify(TIMEOUT);
        assertThat(stream.dropped()).isEqualTo(6L);
    }

    @Test
    void controlMessagesAreNeverDroppedAndKeepTheirOrderRelativeToEvents() {
        ConnectionStream stream = stream(1);

        StepVerifier.create(stream, 0)
            .then(() -> {
                stream.offerControl("c0");
                stream.offerLive(event(1));
                stream.offerControl("c1");
                stream.offerControl("c2");
                stream.offerLive(event(2));
                for (int i = 3; i <= 10; i++) {
                    stream.offerControl("c" + i);
                }
            })
            .thenRequest(100)
            .expectNext("c0")
            .expectNext(new Overflow(1, 1, 1))
            .expectNext("c1", "c2")
            .assertNext(seq(2))
            .expectNext("c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10")
            .expectNoEvent(Duration.ofMillis(50))
            .thenCancel()
            .verify(TIMEOUT);
        assertThat(stream.dropped()).isEqualTo(1L);
    }

    @Test
    void overflowStandsWhereTheDroppedEventsStoodBetweenControlMessages() {
        ConnectionStream stream = stream(2);

        StepVerifier.create(stream, 0)
            .then(() -> {
                stream.offerControl("before");
                stream.offerLive(event(1));
                stream.offerLive(event(2));
                stream.offerControl("middle");
                stream.offerLive(event(3));
                stream.offerLive(event(4));
            })
            .thenRequest(10)
            .expectNext("before")
            .expectNext(new Overflow(2, 1, 2))
            .expectNext("middle")
            .assertNext(seq(3))
            .assertNext(seq(4))
            .expectNoEvent(Duration.ofMillis(50))
            .thenCancel()
            .verify(TIMEOUT);
    }

    @Test
    void overflowOfEventsQueuedAfterAControlMessageIsAnnouncedAfterThatMessage() {
        ConnectionStream stream = stream(1);

        StepVerifier.create(stream, 0)
            .then(() -> {
                stream.offerLive(event(1));
                stream.offerLive(event(2));
                stream.offerControl("subscribed");
                stream.offerLive(event(3));
                stream.offerLive(event(4));
            })
            .thenRequest(10)
            .expectNext(new Overflow(2, 1, 2))
            .expectNext("subscribed")
            .expectNext(new Overflow(1, 3, 3))
            .assertNext(seq(4))
            .thenCancel()
            .verify(TIMEOUT);
    }

    @Test
    void liveEventWithASeqAlreadyOfferedIsIgnored() {
        ConnectionStream stream = stream(10);
        TestSubscriber<Object> client = TestSubscriber.create();
        stream.subscribe(client);

        stream.offerLive(event(1));
        stream.offerLive(event(1));
        stream.offerLive(event(3));
        stream.offerLive(event(2));
        stream.offerLive(event(3));
        stream.offerLive(event(4));

        assertThat(eventSeqs(client.getReceivedOnNext())).containsExactly(1L, 3L, 4L);
        assertThat(stream.delivered()).isEqualTo(3L);
        client.cancel();
    }

    @Test
    void streamAllowsOnlyOneSubscriber() {
        ConnectionStream stream = stream(10);
        TestSubscriber<Object> first = TestSubscriber.builder().initialRequest(0).build();
        stream.subscribe(first);

        StepVerifier.create(stream)
            .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("c-1").hasMessageContaining("only one subscriber"))
            .verify(TIMEOUT);
        stream.offerControl("still works");
        first.request(1);
        assertThat(first.getReceivedOnNext()).containsExactly("still works");
        assertThat(first.isTerminated()).isFalse();
        first.cancel();
    }

    @Test
    void cancellingRunsTheCloseCallbackOnceAndIgnoresLaterOffers() {
        ConnectionStream stream = stream(10);
        stream.offerLive(event(1));

        StepVerifier.create(stream, 0).thenCancel().verify(TIMEOUT);
        stream.cancel();
        stream.offerLive(event(2));
        stream.offerControl("late");

        assertThat(stream.isCancelled()).isTrue();
        assertThat(cancels.get()).isEqualTo(1);
        assertThat(stream.bufferDepth()).isZero();
        StepVerifier.create(stream).expectError(IllegalStateException.class).verify(TIMEOUT);
    }

    @Test
    void completeNowCompletesWithoutDemandDiscardingWhatIsQueued() {
        ConnectionStream stream = stream(10);
        stream.offerControl("queued");
        stream.offerLive(event(1));

        StepVerifier.create(stream, 0)
            .then(stream::completeNow)
            .expectComplete()
            .verify(TIMEOUT);
        assertThat(stream.bufferDepth()).isZero();
        assertThat(stream.delivered()).isZero();
    }

    @Test
    void completeNowCancelsARunningReplay() {
        ConnectionStream stream = stream(10);
        TestPublisher<Event> source = TestPublisher.create();
        stream.offerReplay(source.flux(), 0, REPLAY_FAILED);

        StepVerifier.create(stream, 1)
            .then(() -> {
                source.assertWasSubscribed();
                source.next(event(1));
            })
            .assertNext(seq(1))
            .then(stream::completeNow)
            .expectComplete()
            .verify(TIMEOUT);
        source.assertCancelled();
    }

    @Test
    void completeWhenDrainedDeliversEverythingIncludingAPendingOverflowFirst() {
        ConnectionStream stream = stream(1);
        stream.offerLive(event(1));
        stream.offerLive(event(2));
        stream.offerControl("bye");
        stream.completeWhenDrained();

        StepVerifier.create(stream, 0)
            .expectSubscription()
            .expectNoEvent(Duration.ofMillis(50))
            .thenRequest(3)
            .expectNext(new Overflow(1, 1, 1))
            .assertNext(seq(2))
            .expectNext("bye")
            .expectComplete()
            .verify(TIMEOUT);
    }

    @Test
    void replayIsDeliveredInOrderWithBackPressureBeforeLaterLiveEvents() {
        ConnectionStream stream = stream(1000);
        Queue<Long> requests = new ConcurrentLinkedQueue<>();
        stream.offerControl("subscribed");
        stream.offerReplay(events(1, 600).doOnRequest(requests::add), 0, REPLAY_FAILED);
        stream.offerLive(event(601));
        stream.offerLive(event(602));

        StepVerifier.create(stream, 0)
            .expectSubscription()
            .then(() -> assertThat(requests).isEmpty())
            .thenRequest(2)
            .expectNext("subscribed")
            .assertNext(seq(1))
            .then(() -> assertThat(requests).containsExactly((long) ConnectionStream.REPLAY_BATCH))
            .thenRequest(599)
            .expectNextCount(599)
            .thenRequest(3)
            .assertNext(seq(601))
            .assertNext(seq(602))
            .expectNoEvent(Duration.ofMillis(50))
            .thenCancel()
            .verify(TIMEOUT);
        assertThat(requests).allMatch(n -> n <= ConnectionStream.REPLAY_BATCH);
        assertThat(stream.delivered()).isEqualTo(602L);
    }

    @Test
    void replayIsNotReadUntilEverythingQueuedBeforeItWasDelivered() {
        ConnectionStream stream = stream(10);
        AtomicBoolean subscribed = new AtomicBoolean();
        stream.offerControl("first");
        stream.offerReplay(events(1, 2).doOnSubscribe(s -> subscribed.set(true)), 0, REPLAY_FAILED);

        StepVerifier.create(stream, 0)
            .expectSubscription()
            .then(() -> assertThat(subscribed).isFalse())
            .thenRequest(1)
            .expectNext("first")
            .then(() -> assertThat(subscribed).isFalse())
            .thenRequest(2)
            .assertNext(seq(1))
            .assertNext(seq(2))
            .then(() -> assertThat(subscribed).isTrue())
            .thenCancel()
            .verify(TIMEOUT);
    }

    @Test
    void replayedEventsAreNotDroppedAndOverflowOfLiveEventsBehindItFollowsTheReplay() {
        ConnectionStream stream = stream(2);
        stream.offerReplay(events(1, 5), 0, REPLAY_FAILED);
        for (long s = 6; s <= 10; s++) {
            stream.offerLive(event(s));
        }

        StepVerifier.create(stream, 0)
            .thenRequest(20)
            .assertNext(seq(1))
            .assertNext(seq(2))
            .assertNext(seq(3))
            .assertNext(seq(4))
            .assertNext(seq(5))
            .expectNext(new Overflow(3, 6, 8))
            .assertNext(seq(9))
            .assertNext(seq(10))
            .expectNoEvent(Duration.ofMillis(50))
            .thenCancel()
            .verify(TIMEOUT);
    }

    @Test
    void failedReplayIsReplacedByTheErrorMessageNamingTheLastReplayedSeq() {
        ConnectionStream stream = stream(10);
        Flux<Event> failing = events(4, 6).concatWith(Flux.error(new IllegalStateException("disk on fire")));
        stream.offerReplay(failing, 3, REPLAY_FAILED);
        stream.offerLive(event(7));

        StepVerifier.create(stream)
            .assertNext(seq(4))
            .assertNext(seq(5))
            .assertNext(seq(6))
            .expectNext(new ReplayFailed("sub-1", 6, "disk on fire"))
            .assertNext(seq(7))
            .thenCancel()
            .verify(TIMEOUT);
    }

    @Test
    void replayThatFailsAtOnceReportsItsSince() {
        ConnectionStream stream = stream(10);
        stream.offerReplay(Flux.error(new IllegalStateException("no store")), 41, REPLAY_FAILED);

        StepVerifier.create(stream)
            .expectNext(new ReplayFailed("sub-1", 41, "no store"))
            .thenCancel()
            .verify(TIMEOUT);
    }

    @Test
    void cancellingTheStreamCancelsARunningReplay() {
        ConnectionStream stream = stream(10);
        TestPublisher<Event> source = TestPublisher.create();
        stream.offerReplay(source.flux(), 0, REPLAY_FAILED);

        StepVerifier.create(stream, 1)
            .then(() -> {
                source.assertWasSubscribed();
                source.next(event(1));
            })
            .assertNext(seq(1))
            .thenCancel()
            .verify(TIMEOUT);
        source.assertCancelled();
        assertThat(cancels.get()).isEqualTo(1);
    }

    @Test
    void streamWithALoopDeliversOnThatLoopThread() {
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-loop"));
        try {
            ConnectionStream stream = new ConnectionStream("c-loop", 10, cancels::incrementAndGet,
                new LoopBatcher(loop, 0));
            Queue<String> threads = new ConcurrentLinkedQueue<>();

            StepVerifier.create(stream.doOnNext(o -> threads.add(Thread.currentThread().getName())))
                .then(() -> {
                    stream.offerControl("a");
                    stream.offerLive(event(1));
                    stream.offerLive(event(2));
                })
                .expectNext("a")
                .assertNext(seq(1))
                .assertNext(seq(2))
                .thenCancel()
                .verify(TIMEOUT);
            assertThat(threads).hasSize(3).allMatch("test-loop"::equals);
        } finally {
            loop.shutdownNow();
        }
    }

    @Test
    void bufferSizeBelowOneIsRejected() {
        assertThatThrownBy(() -> new ConnectionStream("c", 0, () -> { }, null))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("bufferSize");
    }
}
