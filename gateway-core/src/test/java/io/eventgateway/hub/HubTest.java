package io.eventgateway.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.Event;
import io.eventgateway.event.EventCodec;
import io.eventgateway.event.EventSelector;
import io.eventgateway.event.NewEvent;
import io.eventgateway.log.EventLog;
import io.eventgateway.log.EventQuery;
import io.eventgateway.topic.Topic;
import io.eventgateway.topic.TopicPattern;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.subscriber.TestSubscriber;

/**
 * The hub and a connection's stream: fan-out, dedupe, order, overflow, control messages, subscribe and
 * unsubscribe rules, stats, and {@code since} replay (PROTOCOL.md sections 4, 5 and 7).
 */
final class HubTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Scheduler dispatcher = Schedulers.newSingle("test-hub");
    private EventLog log = EventLog.inMemory(Clock.systemUTC(), 1_000_000, Duration.ofDays(7), Duration.ofMinutes(5));
    private @Nullable Hub hub;
    private int counter;

    @AfterEach
    void tearDown() {
        dispatcher.dispose();
        log.disposeLater().block(TIMEOUT);
    }

    private Hub hub(int bufferSize, int maxSubscriptions) {
        hub = Hub.create(log, bufferSize, maxSubscriptions, dispatcher);
        return hub;
    }

    private Hub hub() {
        return hub(1000, 50);
    }

    private Event publish(String topic, String type) {
        ObjectNode data = EventCodec.JSON.createObjectNode();
        data.put("n", ++counter);
        List<Event> stored = log.append(List.of(new NewEvent(Topic.parse(topic), type, data))).block(TIMEOUT);
        assertThat(stored).hasSize(1);
        return stored.get(0);
    }

    private Event publish(String topic) {
        return publish(topic, "test.event");
    }

    /** Waits until the dispatcher has run every task queued so far (it is one thread, first in first out). */
    private HubStats barrier() {
        assertThat(hub).isNotNull();
        HubStats stats = hub.stats().block(TIMEOUT);
        assertThat(stats).isNotNull();
        return stats;
    }

    private static SubscribeCommand command(@Nullable String id, EventSelector selector, @Nullable Long since,
                                            String... topics) {
        List<TopicPattern> patterns = new ArrayList<>();
        for (String t : topics) {
            patterns.add(TopicPattern.parse(t));
        }
        return new SubscribeCommand(id, patterns, List.of(topics), selector, since);
    }

    private Subscribed subscribe(ConnectionStream stream, String... topics) {
        return subscribe(stream, EventSelector.ALL, null, topics);
    }

    private Subscribed subscribe(ConnectionStream stream, EventSelector selector, @Nullable Long since,
                                 String... topics) {
        assertThat(hub).isNotNull();
        Subscribed reply = hub.subscribe(stream, command("sub", selector, since, topics)).block(TIMEOUT);
        assertThat(reply).isNotNull();
        return reply;
    }

    private static EventSelector events(String eventsJson) {
        try {
            JsonNode events = EventCodec.JSON.readTree(eventsJson);
            return EventSelector.fromJson(null, events);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Consumer<Object> event(long seq) {
        return o -> assertThat(o).isInstanceOfSatisfying(Event.class, e -> assertThat(e.seq()).isEqualTo(seq));
    }

    private static Consumer<Object> subscribedReply() {
        return o -> assertThat(o).isInstanceOf(Subscribed.class);
    }

    private static List<Long> eventSeqs(List<Object> items) {
        return items.stream().filter(Event.class::isInstance).map(o -> ((Event) o).seq())
            .collect(Collectors.toList());
    }

    private static List<HubStats.PatternStats> patterns(HubStats stats) {
        return stats.patterns();
    }

    @Test
    void subscribedReplyPrecedesTheEventsOfItsPatterns() {
        Hub h = hub();
        ConnectionStream stream = h.open("c-1");

        StepVerifier.create(stream, 0)
            .then(() -> {
                Subscribed reply = h.subscribe(stream, command("sub-1", EventSelector.ALL, null, "task:*"))
                    .block(TIMEOUT);
                assertThat(reply).isEqualTo(new Subscribed("sub-1", List.of("task:*"), 1, 0, null));
                publish("task:T-1");
                publish("stream:S-1");
                publish("task:T-2");
                barrier();
            })
            .thenRequest(3)
            .assertNext(o -> assertThat(o).isEqualTo(new Subscribed("sub-1", List.of("task:*"), 1, 0, null)))
            .assertNext(event(1))
            .assertNext(event(3))
            .thenRequest(10)
            .expectNoEvent(Duration.ofMillis(100))
            .thenCancel()
            .verify(TIMEOUT);
        assertThat(stream.id()).isEqualTo("c-1");
    }

    @Test
    void streamAllowsOnlyOneSubscriber() {
        ConnectionStream stream = hub().open("c-1");
        StepVerifier.create(stream, 0).thenCancel().verify(TIMEOUT);
        ConnectionStream other = hub.open("c-2");
        TestSubscriber<Object> first = TestSubscriber.builder().initialRequest(0).build();
        other.subscribe(first);

        StepVerifier.create(other).expectError(IllegalStateException.class).verify(TIMEOUT);
        assertThat(first.isTerminated()).isFalse();
    }

    @Test
    void eventMatchedBySeveralPatternsOfOneConnectionArrivesOnce() {
        Hub h = hub();
        ConnectionStream stream = h.open("c-1");
        TestSubscriber<Object> client = TestSubscriber.create();
        stream.subscribe(client);

        subscribe(stream, "task:*", "task:T-1", "*");
        subscribe(stream, "task:T-*");
        publish("task:T-1");
        publish("task:T-2");
        publish("stream:S");
        barrier();

        assertThat(eventSeqs(client.getReceivedOnNext())).containsExactly(1L, 2L, 3L);
        assertThat(stream.delivered()).isEqualTo(3L);
        assertThat(stream.patternCount()).isEqualTo(4);
        client.cancel();
    }

    @Test
    void liveEventsArriveInSeqOrderAcrossPatternsAndBatches() {
        Hub h = hub(100_000, 50);
        ConnectionStream stream = h.open("c-1");
        TestSubscriber<Object> client = TestSubscriber.create();
        stream.subscribe(client);
        subscribe(stream, "task:*", "stream:S-1*", "agent:A");
        Random random = new Random(42);
        List<Long> expected = new ArrayList<>();
        String[] topics = {"task:T-1", "task:T-2", "stream:S-1", "stream:S-10", "stream:S-2", "agent:A", "agent:B"};
        for (int i = 0; i < 300; i++) {
            int size = 1 + random.nextInt(4);
            List<NewEvent> batch = new ArrayList<>();
            for (int j = 0; j < size; j++) {
                batch.add(new NewEvent(Topic.parse(topics[random.nextInt(topics.length)]), "t",
                    EventCodec.JSON.createObjectNode()));
            }
            List<Event> stored = log.append(batch).block(TIMEOUT);
            for (Event e : stored) {
                if (!e.topic().value().equals("stream:S-2") && !e.topic().value().equals("agent:B")) {
                    expected.add(e.seq());
                }
            }
        }
        barrier();

        assertThat(eventSeqs(client.getReceivedOnNext())).isEqualTo(expected);
        client.cancel();
    }

    @Test
    void withoutDemandTheOldestLiveEventsAreDroppedAndAnnouncedOnceBeforeTheNextEvent() {
        Hub h = hub(3, 50);
        ConnectionStream stream = h.open("c-1");

        StepVerifier.create(stream, 1)
            .then(() -> subscribe(stream, "task:*"))
            .assertNext(subscribedReply())
            .then(() -> {
                for (int i = 0; i < 10; i++) {
                    publish("task:T-" + i);
                }
                barrier();
                assertThat(stream.bufferDepth()).isEqualTo(3);
                assertThat(stream.dropped()).isEqualTo(7L);
            })
            .expectNoEvent(Duration.ofMillis(50))
            .thenRequest(1)
            .expectNext(new Overflow(7, 1, 7))
            .thenRequest(3)
            .assertNext(event(8))
            .assertNext(event(9))
            .assertNext(event(10))
            .then(() -> {
                publish("task:T-11");
                barrier();
            })
            .thenRequest(1)
            .assertNext(event(11))
            .then(() -> {
                for (int i = 12; i <= 16; i++) {
                    publish("task:T-" + i);
                }
                barrier();
            })
            .thenRequest(4)
            .expectNext(new Overflow(2, 12, 13))
            .assertNext(event(14))
            .assertNext(event(15))
            .assertNext(event(16))
            .thenRequest(5)
            .expectNoEvent(Duration.ofMillis(100))
            .thenCancel()
            .verify(TIMEOUT);
        assertThat(stream.dropped()).isEqualTo(9L);
        assertThat(stream.delivered()).isEqualTo(7L);
    }

    @Test
    void overflowComesAfterTheSubscribedReplyQueuedBeforeTheGap() {
        Hub h = hub(3, 50);
        ConnectionStream stream = h.open("c-1");

        StepVerifier.create(stream, 0)
            .then(() -> {
                subscribe(stream, "task:*");
                for (int i = 0; i < 10; i++) {
                    publish("task:T-" + i);
                }
                barrier();
            })
            .thenRequest(5)
            .assertNext(subscribedReply())
            .expectNext(new Overflow(7, 1, 7))
            .assertNext(event(8))
            .assertNext(event(9))
            .assertNext(event(10))
            .thenCancel()
            .verify(TIMEOUT);
    }

    @Test
    void overflowOfLiveEventsWaitingBehindAReplayIsAnnouncedRightAfterTheReplay() {
        Hub h = hub(3, 50);
        for (int i = 1; i <= 5; i++) {
            publish("task:T-" + i);
        }
        barrier();
        ConnectionStream stream = h.open("c-1");

        StepVerifier.create(stream, 0)
            .then(() -> {
                subscribe(stream, EventSelector.ALL, 0L, "task:*");
                for (int i = 6; i <= 15; i++) {
                    publish("task:T-" + i);
                }
                barrier();
            })
            .thenRequest(20)
            .assertNext(subscribedReply())
            .assertNext(event(1))
            .assertNext(event(2))
            .assertNext(event(3))
            .assertNext(event(4))
            .assertNext(event(5))
            .expectNext(new Overflow(7, 6, 12))
            .assertNext(event(13))
            .assertNext(event(14))
            .assertNext(event(15))
            .thenCancel()
            .verify(TIMEOUT);
    }

    @Test
    void controlMessagesAreNeverDroppedAndKeepTheirOrder() {
        Hub h = hub(2, 50);
        ConnectionStream stream = h.open("c-1");

        StepVerifier.create(stream, 1)
            .then(() -> subscribe(stream, "task:*"))
            .assertNext(subscribedReply())
            .then(() -> {
                publish("task:T-1");
                publish("task:T-2");
                barrier();
                stream.offerControl("c1");
                publish("task:T-3");
                publish("task:T-4");
                publish("task:T-5");
                publish("task:T-6");
                barrier();
                stream.offerControl("c2");
                for (int i = 3; i <= 8; i++) {
                    stream.offerControl("c" + i);
                }
                barrier();
            })
            .thenRequest(20)
            // 1 and 2 were queued before c1, 3 and 4 after it: each gap is announced where it stood.
            .expectNext(new Overflow(2, 1, 2))
            .expectNext("c1")
            .expectNext(new Overflow(2, 3, 4))
            .assertNext(event(5))
            .assertNext(event(6))
            .expectNext("c2", "c3", "c4", "c5", "c6", "c7", "c8")
            .expectNoEvent(Duration.ofMillis(50))
            .thenCancel()
            .verify(TIMEOUT);
    }

    @Test
    void oneStalledStreamDoesNotStopAnother() {
        Hub h = hub(5, 50);
        ConnectionStream stalled = h.open("stalled");
        ConnectionStream reader = h.open("reader");
        TestSubscriber<Object> stalledClient = TestSubscriber.builder().initialRequest(1).build();
        TestSubscriber<Object> readerClient = TestSubscriber.create();
        stalled.subscribe(stalledClient);
        reader.subscribe(readerClient);
        subscribe(stalled, "task:*");
        subscribe(reader, "task:*");

        List<Long> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            all.add(publish("task:T-" + i).seq());
        }
        barrier();

        assertThat(eventSeqs(readerClient.getReceivedOnNext())).isEqualTo(all);
        assertThat(reader.dropped()).isZero();
        assertThat(stalledClient.getReceivedOnNext()).hasSize(1);
        assertThat(stalled.bufferDepth()).isEqualTo(5);
        assertThat(stalled.dropped()).isEqualTo(95L);
        stalledClient.cancel();
        readerClient.cancel();
    }

    @Test
    void subscribingAgainToAPatternReplacesItsSelectorWithoutAddingASubscription() {
        Hub h = hub();
        ConnectionStream stream = h.open("c-1");
        TestSubscriber<Object> client = TestSubscriber.create();
        stream.subscribe(client);

        subscribe(stream, events("[\"task.a\"]"), null, "task:*");
        long a1 = publish("task:T-1", "task.a").seq();
        publish("task:T-1", "task.b");
        Subscribed again = subscribe(stream, events("[\"task.b\"]"), null, "task:*");
        publish("task:T-1", "task.a");
        long b2 = publish("task:T-1", "task.b").seq();
        Subscribed third = subscribe(stream, EventSelector.ALL, null, "task:*", "task:*");
        long a3 = publish("task:T-1", "task.a").seq();
        long b3 = publish("task:T-1", "task.b").seq();
        HubStats stats = barrier();

        assertThat(again.activeSubscriptions()).isEqualTo(1);
        assertThat(third.activeSubscriptions()).isEqualTo(1);
        assertThat(stream.patternCount()).isEqualTo(1);
        assertThat(patterns(stats)).containsExactly(new HubStats.PatternStats("task:*", 1));
        assertThat(eventSeqs(client.getReceivedOnNext())).containsExactly(a1, b2, a3, b3);
        client.cancel();
    }

    @Test
    void subscriptionLimitRejectsTheWholeRequestAndChangesNothing() {
        Hub h = hub(1000, 2);
        ConnectionStream stream = h.open("c-1");
        TestSubscriber<Object> client = TestSubscriber.create();
        stream.subscribe(client);
        subscribe(stream, "task:*", "stream:*");

        h.subscribe(stream, command("sub-2", events("[\"nothing\"]"), 0L, "task:*", "bot:*"))
            .as(StepVerifier::create)
            .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(GatewayException.class,
                g -> assertThat(g.code()).isEqualTo(ErrorCode.WS_SUBSCRIPTION_LIMIT)))
            .verify(TIMEOUT);
        Subscribed same = subscribe(stream, "stream:*", "task:*");
        long task = publish("task:T-1").seq();
        publish("bot:B-1");
        HubStats stats = barrier();

        assertThat(same.activeSubscriptions()).isEqualTo(2);
        assertThat(stream.patternCount()).isEqualTo(2);
        assertThat(patterns(stats)).containsExactly(new HubStats.PatternStats("stream:*", 1),
            new HubStats.PatternStats("task:*", 1));
        List<Object> items = client.getReceivedOnNext();
        assertThat(items).hasSize(3);
        assertThat(items.get(0)).isInstanceOf(Subscribed.class);
        assertThat(items.get(1)).isEqualTo(same);
        assertThat(eventSeqs(items)).containsExactly(task);
        client.cancel();
    }

    @Test
    void unsubscribeOfAnInactivePatternRepliesNotSubscribedAndChangesNothing() {
        Hub h = hub();
        ConnectionStream stream = h.open("c-1");
        TestSubscriber<Object> client = TestSubscriber.create();
        stream.subscribe(client);
        subscribe(stream, "task:*", "stream:*");

        h.unsubscribe(stream, "u-1", List.of(TopicPattern.parse("task:*"), TopicPattern.parse("bot:*")),
                List.of("task:*", "bot:*"))
            .as(StepVerifier::create)
            .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(GatewayException.class, g -> {
                assertThat(g.code()).isEqualTo(ErrorCode.WS_NOT_SUBSCRIBED);
                assertThat(g.details()).containsEntry("topic", "bot:*");
            }))
            .verify(TIMEOUT);
        long first = publish("task:T-1").seq();
        assertThat(patterns(barrier())).hasSize(2);
        assertThat(stream.patternCount()).isEqualTo(2);

        Unsubscribed reply = h.unsubscribe(stream, "u-2", List.of(TopicPattern.parse("task:*")), List.of("task:*"))
            .block(TIMEOUT);
        publish("task:T-2");
        long third = publish("stream:S").seq();
        HubStats stats = barrier();

        assertThat(reply).isEqualTo(new Unsubscribed("u-2", List.of("task:*"), 1));
        assertThat(patterns(stats)).containsExactly(new HubStats.PatternStats("stream:*", 1));
        List<Object> items = client.getReceivedOnNext();
        assertThat(items).hasSize(4);
        assertThat(items.get(0)).isInstanceOf(Subscribed.class);
        assertThat(items.get(1)).isInstanceOfSatisfying(Event.class, e -> assertThat(e.seq()).isEqualTo(first));
        assertThat(items.get(2)).isEqualTo(reply);
        assertThat(items.get(3)).isInstanceOfSatisfying(Event.class, e -> assertThat(e.seq()).isEqualTo(third));
        client.cancel();
    }

    @Test
    void retainRemovesThePatternsTheFilterRefusesAndAnnouncesThemWithoutId() {
        Hub h = hub();
        ConnectionStream stream = h.open("c-1");
        TestSubscriber<Object> client = TestSubscriber.create();
        stream.subscribe(client);
        subscribe(stream, "task:*", "stream:S-*", "bot:B-1");
        long before = publish("stream:S-1").seq();
        barrier();

        Integer active = h.retain(stream, pattern -> pattern.entity().equals("task")).block(TIMEOUT);
        publish("stream:S-2");
        long task = publish("task:T-1").seq();
        HubStats stats = barrier();

        assertThat(active).isEqualTo(1);
        assertThat(stream.patternCount()).isEqualTo(1);
        assertThat(patterns(stats)).containsExactly(new HubStats.PatternStats("task:*", 1));
        List<Object> items = client.getReceivedOnNext();
        assertThat(items).hasSize(4);
        assertThat(items.get(1)).isInstanceOfSatisfying(Event.class, e -> assertThat(e.seq()).isEqualTo(before));
        assertThat(items.get(2)).isEqualTo(new Unsubscribed(null, List.of("bot:B-1", "stream:S-*"), 1));
        assertThat(items.get(3)).isInstanceOfSatisfying(Event.class, e -> assertThat(e.seq()).isEqualTo(task));
        client.cancel();
    }

    @Test
    void retainThatKeepsEverythingQueuesNothing() {
        Hub h = hub();
        ConnectionStream stream = h.open("c-1");
        TestSubscriber<Object> client = TestSubscriber.create();
        stream.subscribe(client);
        subscribe(stream, "task:*");

        assertThat(h.retain(stream, pattern -> true).block(TIMEOUT)).isEqualTo(1);
        barrier();

        assertThat(client.getReceivedOnNext()).hasSize(1).allMatch(Subscribed.class::isInstance);
        client.cancel();
    }

    @Test
    void statsCountSubscribersPerPatternAndDropAPatternWithItsLastSubscriber() {
        Hub h = hub();
        ConnectionStream one = h.open("c-1");
        ConnectionStream two = h.open("c-2");
        TestSubscriber<Object> oneClient = TestSubscriber.create();
        TestSubscriber<Object> twoClient = TestSubscriber.create();
        one.subscribe(oneClient);
        two.subscribe(twoClient);
        subscribe(one, "task:*", "stream:*");
        subscribe(two, "task:*");

        assertThat(patterns(barrier())).containsExactly(new HubStats.PatternStats("stream:*", 1),
            new HubStats.PatternStats("task:*", 2));

        h.unsubscribe(one, null, List.of(TopicPattern.parse("stream:*")), List.of("stream:*")).block(TIMEOUT);
        assertThat(patterns(barrier())).containsExactly(new HubStats.PatternStats("task:*", 2));

        publish("task:T-1");
        assertThat(barrier().delivered()).isEqualTo(2L);
        oneClient.cancel();
        HubStats afterCancel = barrier();
        assertThat(patterns(afterCancel)).containsExactly(new HubStats.PatternStats("task:*", 1));
        // The closed connection's delivery is still counted, once.
        assertThat(afterCancel.delivered()).isEqualTo(2L);
        assertThat(one.isCancelled()).isTrue();

        long seq = publish("task:T-2").seq();
        barrier();
        twoClient.cancel();
        HubStats empty = barrier();
        assertThat(empty.patterns()).isEmpty();
        assertThat(empty.headSeq()).isEqualTo(seq);
        assertThat(empty.published()).isEqualTo(2L);
        assertThat(eventSeqs(twoClient.getReceivedOnNext())).containsExactly(1L, seq);

        ConnectionStream three = h.open("c-3");
        TestSubscriber<Object> threeClient = TestSubscriber.create();
        three.subscribe(threeClient);
        subscribe(three, "task:*");
        long later = publish("task:T-3").seq();
        assertThat(patterns(barrier())).containsExactly(new HubStats.PatternStats("task:*", 1));
        assertThat(eventSeqs(threeClient.getReceivedOnNext())).containsExactly(later);
        threeClient.cancel();
        assertThat(barrier().delivered()).isEqualTo(4L);
    }

    @Test
    void deliveryTotalsNeverGoDownWhileConnectionsClose() throws Exception {
        Hub h = hub();
        int connections = 40;
        List<TestSubscriber<Object>> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            ConnectionStream stream = h.open("c-" + i);
            TestSubscriber<Object> client = TestSubscriber.create();
            stream.subscribe(client);
            subscribe(stream, "task:*");
            clients.add(client);
        }
        for (int i = 0; i < 5; i++) {
            publish("task:T-" + i);
        }
        assertThat(barrier().delivered()).isEqualTo(5L * connections);
        // Each connection closes on its own thread while status reads race it: the total counts each connection
        // exactly once at every read, live or closed, so it stays at 200 (it used to dip while a connection was
        // neither in the live list nor in the closed totals).
        ExecutorService closers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> closed = new ArrayList<>();
            for (TestSubscriber<Object> client : clients) {
                closed.add(closers.submit(client::cancel));
            }
            while (!closed.stream().allMatch(Future::isDone)) {
                assertThat(barrier().delivered()).isEqualTo(5L * connections);
            }
        } finally {
            closers.shutdown();
        }
        HubStats after = barrier();
        assertThat(after.delivered()).isEqualTo(5L * connections);
        assertThat(after.patterns()).isEmpty();
    }

    @Test
    void sinceReplaysMatchingEventsAfterSubscribedAndBeforeLaterLiveEvents() {
        Hub h = hub();
        for (int i = 1; i <= 10; i++) {
            publish(i % 2 == 0 ? "task:T-" + i : "stream:S-" + i, i % 3 == 0 ? "skip" : "keep");
        }
        barrier();
        ConnectionStream stream = h.open("c-1");

        StepVerifier.create(stream, 0)
            .then(() -> {
                Subscribed reply = subscribe(stream, events("[\"keep\"]"), 3L, "task:*");
                assertThat(reply.recovered()).isTrue();
                assertThat(reply.headSeq()).isEqualTo(10L);
                publish("task:T-11", "keep");
                publish("task:T-12", "skip");
                publish("stream:S-13", "keep");
                publish("task:T-14", "keep");
                barrier();
            })
            .thenRequest(100)
            .assertNext(subscribedReply())
            .assertNext(event(4))
            .assertNext(event(8))
            .assertNext(event(10))
            .assertNext(event(11))
            .assertNext(event(14))
            .expectNoEvent(Duration.ofMillis(100))
            .thenCancel()
            .verify(TIMEOUT);
    }

    @Test
    void sinceAtTheHeadReplaysNothingAndRecovers() {
        Hub h = hub();
        publish("task:T-1");
        publish("task:T-2");
        barrier();
        ConnectionStream stream = h.open("c-1");
        TestSubscriber<Object> client = TestSubscriber.create();
        stream.subscribe(client);

        Subscribed reply = subscribe(stream, EventSelector.ALL, 2L, "task:*");
        long live = publish("task:T-3").seq();
        barrier();

        assertThat(reply.recovered()).isTrue();
        assertThat(eventSeqs(client.getReceivedOnNext())).containsExactly(live);
        client.cancel();
    }

    @Test
    void sinceReplayJoinsTheLiveStreamWithoutGapOrDuplicateWhilePublishersRun() {
        Hub h = hub(100_000, 50);
        Random random = new Random(7);
        String[] topics = {"task:T-1", "task:T-2", "stream:S-1", "stream:S-2", "agent:A", "bot:B"};
        String[] types = {"keep.a", "keep.b", "drop"};
        Scheduler publishers = Schedulers.newParallel("publishers", 2);
        int subscribers = 6;
        List<ConnectionStream> streams = new ArrayList<>();
        List<TestSubscriber<Object>> clients = new ArrayList<>();
        List<SubscribeCommand> commands = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                publish(topics[random.nextInt(topics.length)], types[random.nextInt(types.length)]);
            }
            List<List<NewEvent>> batches = new ArrayList<>();
            for (int i = 0; i < 1500; i++) {
                List<NewEvent> batch = new ArrayList<>();
                for (int j = random.nextInt(3); j >= 0; j--) {
                    batch.add(new NewEvent(Topic.parse(topics[random.nextInt(topics.length)]),
                        types[random.nextInt(types.length)], EventCodec.JSON.createObjectNode()));
                }
                batches.add(batch);
            }
            Disposable running = Flux.fromIterable(batches)
                .concatMap(batch -> log.append(batch).subscribeOn(publishers))
                .subscribe();
            for (int k = 0; k < subscribers; k++) {
                ConnectionStream stream = h.open("c-" + k);
                TestSubscriber<Object> client = TestSubscriber.create();
                stream.subscribe(client);
                long since = random.nextInt((int) Math.max(1, h.headSeq()) + 1);
                SubscribeCommand cmd = command("s-" + k, k % 2 == 0 ? events("[\"keep.*\"]") : EventSelector.ALL,
                    since, k % 3 == 0 ? "*" : "task:*", "stream:S-1", "agent:*");
                assertThat(h.subscribe(stream, cmd).block(TIMEOUT)).isNotNull();
                streams.add(stream);
                clients.add(client);
                commands.add(cmd);
            }
            Flux.defer(() -> Flux.just(log.headSeq()))
                .repeat()
                .takeUntil(head -> running.isDisposed())
                .blockLast(Duration.ofSeconds(60));
            assertThat(running.isDisposed()).isTrue();
            barrier();

            for (int k = 0; k < subscribers; k++) {
                SubscribeCommand cmd = commands.get(k);
                List<Event> expected = log.read(new EventQuery(cmd.since(), Long.MAX_VALUE, cmd.patterns(),
                    Long.MAX_VALUE)).filter(cmd.selector()).collectList().block(TIMEOUT);
                List<Object> items = clients.get(k).getReceivedOnNext();
                assertThat(items.get(0)).as("connection %d starts with its reply", k).isInstanceOf(Subscribed.class);
                assertThat(items.subList(1, items.size())).allMatch(Event.class::isInstance);
                assertThat(eventSeqs(items)).as("connection %d since %d", k, cmd.since())
                    .isEqualTo(expected.stream().map(Event::seq).collect(Collectors.toList()));
                clients.get(k).cancel();
            }
        } finally {
            publishers.dispose();
        }
    }

    @Test
    void sinceBeforeThePurgedEventsIsNotRecoveredAndReplaysWhatIsLeft() {
        log = EventLog.inMemory(Clock.systemUTC(), 5, Duration.ofDays(7), Duration.ofMinutes(5));
        Hub h = hub();
        for (int i = 1; i <= 10; i++) {
            publish("task:T-" + i);
        }
        barrier();
        assertThat(log.purgedThrough()).isEqualTo(5L);
        ConnectionStream stream = h.open("c-1");
        TestSubscriber<Object> client = TestSubscriber.create();
        stream.subscribe(client);

        Subscribed lost = subscribe(stream, EventSelector.ALL, 2L, "task:*");
        Subscribed kept = subscribe(stream, EventSelector.ALL, 5L, "task:*");
        Subscribed plain = subscribe(stream, "task:*");
        barrier();

        assertThat(lost.recovered()).isFalse();
        assertThat(kept.recovered()).isTrue();
        assertThat(plain.recovered()).isNull();
        assertThat(eventSeqs(client.getReceivedOnNext())).containsExactly(6L, 7L, 8L, 9L, 10L, 6L, 7L, 8L, 9L, 10L);
        client.cancel();
    }

    @Test
    void completeNowCompletesTheStreamDiscardingWhatIsQueued() {
        Hub h = hub();
        ConnectionStream stream = h.open("c-1");

        StepVerifier.create(stream, 0)
            .then(() -> {
                subscribe(stream, "task:*");
                publish("task:T-1");
                barrier();
                stream.completeNow();
            })
            .expectComplete()
            .verify(TIMEOUT);
    }

    @Test
    void completeWhenDrainedDeliversWhatIsQueuedThenCompletes() {
        Hub h = hub();
        ConnectionStream stream = h.open("c-1");

        StepVerifier.create(stream, 0)
            .then(() -> {
                subscribe(stream, "task:*");
                publish("task:T-1");
                barrier();
                stream.completeWhenDrained();
            })
            .expectNoEvent(Duration.ofMillis(50))
            .thenRequest(2)
            .assertNext(subscribedReply())
            .assertNext(event(1))
            .expectComplete()
            .verify(TIMEOUT);
    }

    @Test
    void replayThatFindsItsEventsPurgedBeforeItStartsAnnouncesTheGap() {
        log = EventLog.inMemory(Clock.systemUTC(), 5, Duration.ofDays(7), Duration.ofMinutes(5));
        Hub h = hub();
        for (int i = 1; i <= 5; i++) {
            publish("task:T-" + i);
        }
        barrier();
        ConnectionStream stream = h.open("c-1");
        TestSubscriber<Object> client = TestSubscriber.builder().initialRequest(0).build();
        stream.subscribe(client);

        Subscribed reply = subscribe(stream, EventSelector.ALL, 0L, "task:*");
        for (int i = 6; i <= 10; i++) {
            publish("task:T-" + i);
        }
        barrier();
        client.request(100);

        assertThat(reply.recovered()).isTrue();
        assertThat(log.purgedThrough()).isEqualTo(5L);
        List<Object> items = client.getReceivedOnNext();
        assertThat(items).hasSizeGreaterThan(1);
        assertThat(items.get(0)).isEqualTo(reply);
        // The replay was read lazily, after 1..5 were purged: the client is told, with where to start again.
        assertThat(items.get(1)).as("what follows subscribed(recovered: true) when 1..5 were purged before the"
                + " replay was read: %s", items)
            .isInstanceOfSatisfying(ReplayFailed.class, failed -> {
                assertThat(failed.lastReplayedSeq()).isZero();
                assertThat(failed.message()).contains("purged");
            });
        // Live events go on after it; nothing was skipped silently.
        assertThat(items.subList(2, items.size())).extracting(o -> ((Event) o).seq())
            .containsExactly(6L, 7L, 8L, 9L, 10L);
        client.cancel();
    }

    private Event publishStatus(String topic, String status) {
        ObjectNode data = EventCodec.JSON.createObjectNode();
        data.put("status", status);
        List<Event> stored = log.append(List.of(new NewEvent(Topic.parse(topic), "task.updated", data)))
            .block(TIMEOUT);
        assertThat(stored).hasSize(1);
        return stored.get(0);
    }

    private static EventSelector filters(String filtersJson) {
        try {
            return EventSelector.fromJson(EventCodec.JSON.readTree(filtersJson), null);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void subscribingAgainReplacesTheFiltersOfThePatternAndKeepsTheSubscriptionCount() {
        Hub h = hub();
        ConnectionStream stream = h.open("c-1");
        TestSubscriber<Object> client = TestSubscriber.create();
        stream.subscribe(client);

        Subscribed first = subscribe(stream, filters("{\"status\":\"blocked\"}"), null, "task:*", "agent:*");
        long blocked1 = publishStatus("task:T-1", "blocked").seq();
        publishStatus("task:T-1", "done");
        Subscribed again = subscribe(stream, filters("{\"status\":[\"done\",\"failed\"]}"), null, "task:*");
        publishStatus("task:T-1", "blocked");
        long done2 = publishStatus("task:T-1", "done").seq();
        long failed2 = publishStatus("task:T-2", "failed").seq();
        long agentBlocked = publishStatus("agent:A", "blocked").seq();
        publishStatus("agent:A", "done");
        Subscribed plain = subscribe(stream, "task:*");
        long anyStatus = publishStatus("task:T-3", "whatever").seq();
        HubStats stats = barrier();

        assertThat(first.activeSubscriptions()).isEqualTo(2);
        assertThat(again.activeSubscriptions()).isEqualTo(2);
        assertThat(plain.activeSubscriptions()).isEqualTo(2);
        assertThat(stream.patternCount()).isEqualTo(2);
        assertThat(patterns(stats)).containsExactly(new HubStats.PatternStats("agent:*", 1),
            new HubStats.PatternStats("task:*", 1));
        assertThat(eventSeqs(client.getReceivedOnNext()))
            .containsExactly(blocked1, done2, failed2, agentBlocked, anyStatus);
        client.cancel();
    }

    @Test
    void eventRejectedByOnePatternsSelectorButSelectedByAnotherArrivesOnce() {
        Hub h = hub();
        ConnectionStream stream = h.open("c-1");
        TestSubscriber<Object> client = TestSubscriber.create();
        stream.subscribe(client);
        subscribe(stream, filters("{\"status\":\"blocked\"}"), null, "task:*");
        subscribe(stream, filters("{\"status\":\"done\"}"), null, "task:T-1", "*");

        long blocked = publishStatus("task:T-1", "blocked").seq();
        long done = publishStatus("task:T-1", "done").seq();
        publishStatus("task:T-1", "other");
        long doneElsewhere = publishStatus("bot:B", "done").seq();
        barrier();

        assertThat(eventSeqs(client.getReceivedOnNext())).containsExactly(blocked, done, doneElsewhere);
        client.cancel();
    }

    @Test
    void subscriptionLimitCountsRepeatedPatternsOnceAndAllowsExactlyTheMaximum() {
        Hub h = hub(1000, 3);
        ConnectionStream stream = h.open("c-1");
        TestSubscriber<Object> client = TestSubscriber.create();
        stream.subscribe(client);
        subscribe(stream, "a:*", "b:*");

        Subscribed full = subscribe(stream, "c:*", "c:*", "a:*");
        h.subscribe(stream, command("sub-x", EventSelector.ALL, null, "d:*"))
            .as(StepVerifier::create)
            .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(GatewayException.class, g -> {
                assertThat(g.code()).isEqualTo(ErrorCode.WS_SUBSCRIPTION_LIMIT);
                assertThat(g.getMessage()).contains("4").contains("3").contains("ws.max-subscriptions");
                assertThat(g.details()).containsEntry("active", 3).containsEntry("max", 3);
            }))
            .verify(TIMEOUT);
        HubStats stats = barrier();

        assertThat(full.activeSubscriptions()).isEqualTo(3);
        assertThat(stream.patternCount()).isEqualTo(3);
        assertThat(patterns(stats)).extracting(HubStats.PatternStats::pattern).containsExactly("a:*", "b:*", "c:*");
        assertThat(client.getReceivedOnNext()).hasSize(2).allMatch(Subscribed.class::isInstance);
        client.cancel();
    }

    @Test
    void subscribeOnAClosedStreamFailsAndAddsNothing() {
        Hub h = hub();
        ConnectionStream stream = h.open("c-1");
        StepVerifier.create(stream, 0).thenCancel().verify(TIMEOUT);

        h.subscribe(stream, command("s", EventSelector.ALL, null, "task:*"))
            .as(StepVerifier::create)
            .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(GatewayException.class,
                g -> assertThat(g.code()).isEqualTo(ErrorCode.WS_INTERNAL_ERROR)))
            .verify(TIMEOUT);

        assertThat(barrier().patterns()).isEmpty();
    }

    @Test
    void subscribedReplyCarriesTheDispatchedHead() {
        Hub h = hub();
        publish("task:T-1");
        long head = publish("task:T-2").seq();
        barrier();
        ConnectionStream stream = h.open("c-1");
        TestSubscriber<Object> client = TestSubscriber.create();
        stream.subscribe(client);

        Subscribed reply = subscribe(stream, "task:*");

        assertThat(reply.headSeq()).isEqualTo(head).isEqualTo(h.headSeq());
        assertThat(reply.recovered()).isNull();
        assertThat(reply.topics()).containsExactly("task:*");
        assertThat(client.getReceivedOnNext()).containsExactly(reply);
        client.cancel();
    }

    @Test
    void sinceReplayReadInSmallStepsJoinsTheLiveStreamWithoutGapOrDuplicateWhilePublishersRun()
        throws Exception {
        Hub h = hub(100_000, 50);
        Random random = new Random(20260108L);
        String[] topics = {"task:T-1", "task:T-2", "stream:S-1", "stream:S-2", "agent:A", "bot:B"};
        String[] types = {"keep.a", "keep.b", "drop"};
        for (int i = 0; i < 300; i++) {
            publish(topics[random.nextInt(topics.length)], types[random.nextInt(types.length)]);
        }
        barrier();
        List<List<NewEvent>> batches = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            List<NewEvent> batch = new ArrayList<>();
            for (int j = random.nextInt(3); j >= 0; j--) {
                batch.add(new NewEvent(Topic.parse(topics[random.nextInt(topics.length)]),
                    types[random.nextInt(types.length)], EventCodec.JSON.createObjectNode()));
            }
            batches.add(batch);
        }
        Scheduler publishers = Schedulers.newSingle("publisher");
        List<TestSubscriber<Object>> clients = new ArrayList<>();
        List<SubscribeCommand> commands = new ArrayList<>();
        try {
            CompletableFuture<Void> published = Flux.fromIterable(batches)
                .concatMap(log::append)
                .then()
                .subscribeOn(publishers)
                .toFuture();
            for (int k = 0; k < 5; k++) {
                ConnectionStream stream = h.open("c-" + k);
                TestSubscriber<Object> client = TestSubscriber.builder().initialRequest(1).build();
                stream.subscribe(client);
                long since = random.nextInt((int) h.headSeq() + 1);
                SubscribeCommand cmd = command("s-" + k, k % 2 == 0 ? events("[\"keep.*\"]") : EventSelector.ALL,
                    since, k % 3 == 0 ? "*" : "task:*", "stream:S-1", "agent:*");
                assertThat(h.subscribe(stream, cmd).block(TIMEOUT)).isNotNull();
                clients.add(client);
                commands.add(cmd);
            }
            for (int step = 0; step < 3000 && !published.isDone(); step++) {
                TestSubscriber<Object> client = clients.get(random.nextInt(clients.size()));
                client.request(1 + random.nextInt(4));
            }
            clients.forEach(c -> c.request(Long.MAX_VALUE));
            published.get(60, TimeUnit.SECONDS);
            barrier();

            for (int k = 0; k < clients.size(); k++) {
                SubscribeCommand cmd = commands.get(k);
                List<Event> expected = log.read(new EventQuery(cmd.since(), Long.MAX_VALUE, cmd.patterns(),
                    Long.MAX_VALUE)).filter(cmd.selector()).collectList().block(TIMEOUT);
                List<Object> items = clients.get(k).getReceivedOnNext();
                assertThat(items.get(0)).as("connection %d starts with its reply", k).isInstanceOf(Subscribed.class);
                assertThat(items.subList(1, items.size())).as("connection %d: only events", k)
                    .allMatch(Event.class::isInstance);
                assertThat(eventSeqs(items)).as("connection %d since %d", k, cmd.since())
                    .isEqualTo(expected.stream().map(Event::seq).collect(Collectors.toList()));
                clients.get(k).cancel();
            }
        } finally {
            publishers.dispose();
        }
    }

    @Test
    void sinceAheadOfTheDispatchedHeadSkipsLiveEventsUpToItAndReplaysNothing() {
        Hub h = hub();
        publish("task:T-1");
        barrier();
        ConnectionStream stream = h.open("c-1");
        TestSubscriber<Object> client = TestSubscriber.create();
        stream.subscribe(client);

        Subscribed reply = subscribe(stream, EventSelector.ALL, 3L, "task:*");
        publish("task:T-2");
        publish("task:T-3");
        long fourth = publish("task:T-4").seq();
        barrier();

        assertThat(reply.recovered()).isTrue();
        assertThat(client.getReceivedOnNext()).hasSize(2).first().isEqualTo(reply);
        assertThat(eventSeqs(client.getReceivedOnNext())).containsExactly(fourth);
        client.cancel();
    }
}
