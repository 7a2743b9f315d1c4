package io.eventgateway.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.event.Event;
import io.eventgateway.event.EventCodec;
import io.eventgateway.event.NewEvent;
import io.eventgateway.testing.MutableClock;
import io.eventgateway.topic.Topic;
import io.eventgateway.topic.TopicPattern;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The {@link EventLog} contract: every implementation subclasses this test. Nothing here assumes that an append
 * or a read completes synchronously; every result is awaited with a bound.
 */
public abstract class AbstractEventLogContractTest {

    /** How long any single log operation may take in a test. */
    protected static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final List<EventLog> open = new ArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-08T12:00:00.000Z"));

    /**
     * Creates the log under test.
     *
     * @param clock the clock that stamps events
     * @param retentionEvents the newest events kept
     * @param retentionAge the oldest age kept
     * @param idempotencyWindow how long an idempotency key is remembered
     * @return a new, empty log
     */
    protected abstract EventLog createLog(Clock clock, long retentionEvents, Duration retentionAge,
                                          Duration idempotencyWindow);

    /**
     * Closes a log created by {@link #createLog}.
     *
     * @param log the log
     */
    protected void closeLog(EventLog log) {
        log.disposeLater().block(TIMEOUT);
    }

    @AfterEach
    final void closeLogs() {
        for (EventLog log : open) {
            closeLog(log);
        }
        open.clear();
    }

    /** The test clock, for subclasses' own tests. */
    protected final MutableClock clock() {
        return clock;
    }

    /** A log with retention that never purges in a test and a 5 minute idempotency window. */
    protected final EventLog newLog() {
        return newLog(1_000_000, Duration.ofDays(7), Duration.ofMinutes(5));
    }

    protected final EventLog newLog(long retentionEvents, Duration retentionAge, Duration idempotencyWindow) {
        EventLog log = createLog(clock, retentionEvents, retentionAge, idempotencyWindow);
        open.add(log);
        return log;
    }

    protected static NewEvent newEvent(String topic, String type, int n) {
        ObjectNode data = EventCodec.JSON.createObjectNode();
        data.put("n", n);
        return new NewEvent(Topic.parse(topic), type, data);
    }

    protected static NewEvent keyed(String topic, int n, String key) {
        NewEvent e = newEvent(topic, "test.keyed", n);
        return new NewEvent(e.topic(), e.eventType(), e.data(), key);
    }

    protected static List<Event> append(EventLog log, NewEvent... events) {
        List<Event> stored = log.append(List.of(events)).block(TIMEOUT);
        assertThat(stored).isNotNull();
        return stored;
    }

    private static List<Long> seqs(List<Event> events) {
        return events.stream().map(Event::seq).collect(Collectors.toList());
    }

    private static List<Long> read(EventLog log, EventQuery query) {
        List<Event> events = log.read(query).collectList().block(TIMEOUT);
        assertThat(events).isNotNull();
        return seqs(events);
    }

    protected static EventQuery query(long since, long until, long limit, String... patterns) {
        List<TopicPattern> parsed = new ArrayList<>();
        for (String p : patterns) {
            parsed.add(TopicPattern.parse(p));
        }
        return new EventQuery(since, until, parsed, limit);
    }

    /** Appends ten events, one at a time: odd n to task topics, even n to stream topics. Returns their seqs. */
    private static List<Long> appendTen(EventLog log) {
        List<Long> seqs = new ArrayList<>();
        for (int n = 1; n <= 10; n++) {
            String topic = n % 2 == 1 ? "task:T-" + n : "stream:Stream-" + n;
            seqs.add(append(log, newEvent(topic, "test.n", n)).get(0).seq());
        }
        return seqs;
    }

    /** A change that counts in memory and emits the count; undo restores the count it found. */
    protected static StateChange<Long> countingChange(int[] counter, List<StateChange.StateWrite> writes) {
        return now -> {
            int before = counter[0];
            counter[0] = before + 1;
            ObjectNode data = EventCodec.JSON.createObjectNode();
            data.put("n", counter[0]);
            return new StateChange.Plan<>(writes, List.of(new NewEvent(Topic.parse("counter:c"), "counted", data)),
                events -> events.get(events.size() - 1).seq(), () -> counter[0] = before);
        };
    }

    @Test
    void transactAppendsThePlansEventsAndAnswersWithTheirSeqs() {
        EventLog log = newLog();
        List<Event> heard = new ArrayList<>();
        log.setCommitListener(heard::addAll);
        append(log, newEvent("task:T-1", "before", 0));
        int[] counter = {0};

        Long seq = log.transact(countingChange(counter, List.of())).block(TIMEOUT);

        assertThat(seq).isEqualTo(2L);
        assertThat(log.headSeq()).isEqualTo(2L);
        assertThat(heard).extracting(Event::eventType).containsExactly("before", "counted");
        assertThat(heard.get(1).timestamp()).isEqualTo(clock.instant());
        assertThat(read(log, query(0, Long.MAX_VALUE, Long.MAX_VALUE, "counter:*"))).containsExactly(2L);
    }

    @Test
    void transactPlansRunOneAtATimeInOrderSoEachSeesTheChangesBeforeIt() {
        EventLog log = newLog();
        int[] counter = {0};

        List<Long> answers = Flux.range(0, 200)
            .flatMap(i -> log.transact(countingChange(counter, List.of())), 64)
            .collectList().block(TIMEOUT);

        assertThat(answers).hasSize(200).doesNotHaveDuplicates();
        List<Event> events = log.read(query(0, Long.MAX_VALUE, Long.MAX_VALUE)).collectList().block(TIMEOUT);
        assertThat(events).hasSize(200);
        // The count each event carries rises with its seq: plans ran in commit order, none saw a later one.
        assertThat(events).extracting(e -> e.data().get("n").intValue())
            .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 200).boxed().toList());
    }

    @Test
    void aRefusedChangeWritesNothingAndFailsWithItsOwnError() {
        EventLog log = newLog();
        append(log, newEvent("task:T-1", "a", 1));
        IllegalArgumentException refusal = new IllegalArgumentException("no such task");

        log.transact(now -> {
            throw refusal;
        }).as(StepVerifier::create).expectErrorMatches(e -> e == refusal).verify(TIMEOUT);

        assertThat(log.headSeq()).isEqualTo(1L);
        assertThat(append(log, newEvent("task:T-1", "b", 2)).get(0).seq()).isEqualTo(2L);
    }

    @Test
    void aChangeWithoutEventsAnswersWithoutMovingTheHead() {
        EventLog log = newLog();

        String answer = log.transact(now -> new StateChange.Plan<>(List.of(), List.of(), events -> "none",
            () -> { })).block(TIMEOUT);

        assertThat(answer).isEqualTo("none");
        assertThat(log.headSeq()).isZero();
    }

    @Test
    void emptyLogHasHeadZeroOldestOneAndNothingPurged() {
        EventLog log = newLog();

        assertThat(log.headSeq()).isZero();
        assertThat(log.oldestSeq()).isEqualTo(1L);
        assertThat(log.purgedThrough()).isZero();
        log.read(query(0, Long.MAX_VALUE, Long.MAX_VALUE)).as(StepVerifier::create).expectComplete().verify(TIMEOUT);
    }

    @Test
    void healthyEmitsTrueWhileOpen() {
        EventLog log = newLog();

        log.healthy().as(StepVerifier::create).expectNext(true).expectComplete().verify(TIMEOUT);
        assertThat(log.isDisposed()).isFalse();
    }

    @Test
    void appendAssignsStrictlyIncreasingSeqsInListOrder() {
        EventLog log = newLog();

        List<Event> first = append(log, newEvent("task:T-1", "a", 1), newEvent("task:T-2", "b", 2),
            newEvent("stream:S", "c", 3));
        List<Event> second = append(log, newEvent("task:T-1", "d", 4), newEvent("task:T-1", "e", 5));

        List<Event> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(all).extracting(Event::eventType).containsExactly("a", "b", "c", "d", "e");
        assertThat(all).extracting(e -> e.data().get("n").intValue()).containsExactly(1, 2, 3, 4, 5);
        assertThat(seqs(all)).isSorted().doesNotHaveDuplicates().allMatch(s -> s >= 1);
        assertThat(log.headSeq()).isEqualTo(all.get(4).seq());
        assertThat(log.oldestSeq()).isEqualTo(all.get(0).seq());
        assertThat(read(log, query(0, Long.MAX_VALUE, Long.MAX_VALUE))).isEqualTo(seqs(all));
    }

    @Test
    void appendStampsEventsWithTheClock() {
        EventLog log = newLog();
        Instant first = clock.instant();

        Event a = append(log, newEvent("task:T-1", "a", 1)).get(0);
        clock.advance(Duration.ofMillis(1234));
        Event b = append(log, newEvent("task:T-1", "b", 2)).get(0);

        assertThat(a.timestamp()).isEqualTo(first);
        assertThat(b.timestamp()).isEqualTo(first.plusMillis(1234));
        List<Event> read = log.read(query(0, Long.MAX_VALUE, Long.MAX_VALUE)).collectList().block(TIMEOUT);
        assertThat(read).extracting(Event::timestamp).containsExactly(first, first.plusMillis(1234));
    }

    @Test
    void readReturnsTopicTypeAndDataAsAppended() {
        EventLog log = newLog();
        ObjectNode data = EventCodec.JSON.createObjectNode();
        data.put("text", "h\u00e9llo \"x\"").put("pi", 3.25).put("flag", true).putNull("none");
        data.putArray("list").add(1).add("two");
        data.putObject("nested").put("k", "v");
        append(log, new NewEvent(Topic.parse("a:b:c"), "type.with.dots", data));

        List<Event> read = log.read(query(0, Long.MAX_VALUE, Long.MAX_VALUE)).collectList().block(TIMEOUT);

        assertThat(read).hasSize(1);
        assertThat(read.get(0).topic()).isEqualTo(Topic.parse("a:b:c"));
        assertThat(read.get(0).eventType()).isEqualTo("type.with.dots");
        assertThat(read.get(0).data()).isEqualTo(data);
    }

    @Test
    void commitListenerSeesEveryBatchOnceInSeqOrderBeforeAppendCompletes() {
        EventLog log = newLog();
        Queue<List<Event>> batches = new ConcurrentLinkedQueue<>();
        log.setCommitListener(batches::add);
        AtomicReference<Integer> seenAtCompletion = new AtomicReference<>();

        List<Event> first = log.append(List.of(newEvent("task:T-1", "a", 1), newEvent("task:T-2", "b", 2)))
            .doOnNext(events -> seenAtCompletion.set(batches.size()))
            .block(TIMEOUT);
        assertThat(seenAtCompletion.get()).isEqualTo(1);
        List<Event> second = log.append(List.of(newEvent("task:T-3", "c", 3)))
            .doOnNext(events -> seenAtCompletion.set(batches.size()))
            .block(TIMEOUT);
        assertThat(seenAtCompletion.get()).isEqualTo(2);

        List<Event> listened = new ArrayList<>();
        for (List<Event> batch : batches) {
            assertThat(batch).isNotEmpty();
            assertThat(seqs(batch)).isSorted();
            listened.addAll(batch);
        }
        List<Event> appended = new ArrayList<>(first);
        appended.addAll(second);
        assertThat(seqs(listened)).isEqualTo(seqs(appended));
    }

    @Test
    void readHonoursSinceExclusiveAndUntilInclusive() {
        EventLog log = newLog();
        List<Long> s = appendTen(log);

        assertThat(read(log, query(0, Long.MAX_VALUE, Long.MAX_VALUE))).isEqualTo(s);
        assertThat(read(log, query(s.get(2), Long.MAX_VALUE, Long.MAX_VALUE))).isEqualTo(s.subList(3, 10));
        assertThat(read(log, query(s.get(2), s.get(6), Long.MAX_VALUE))).isEqualTo(s.subList(3, 7));
        assertThat(read(log, query(0, s.get(0), Long.MAX_VALUE))).containsExactly(s.get(0));
        assertThat(read(log, query(s.get(9), Long.MAX_VALUE, Long.MAX_VALUE))).isEmpty();
        assertThat(read(log, query(s.get(9) + 100, Long.MAX_VALUE, Long.MAX_VALUE))).isEmpty();
        assertThat(read(log, query(s.get(5), s.get(5), Long.MAX_VALUE))).isEmpty();
        assertThat(read(log, query(s.get(5), s.get(2), Long.MAX_VALUE))).isEmpty();
    }

    @Test
    void readKeepsOnlyTopicsOfThePatternsAndEmptyPatternsMeanAll() {
        EventLog log = newLog();
        List<Long> s = appendTen(log);
        List<Long> odd = List.of(s.get(0), s.get(2), s.get(4), s.get(6), s.get(8));
        List<Long> even = List.of(s.get(1), s.get(3), s.get(5), s.get(7), s.get(9));

        assertThat(read(log, query(0, Long.MAX_VALUE, Long.MAX_VALUE, "task:*"))).isEqualTo(odd);
        assertThat(read(log, query(0, Long.MAX_VALUE, Long.MAX_VALUE, "stream:Stream-*"))).isEqualTo(even);
        assertThat(read(log, query(0, Long.MAX_VALUE, Long.MAX_VALUE, "task:T-3", "stream:Stream-1*")))
            .containsExactly(s.get(2), s.get(9));
        assertThat(read(log, query(0, Long.MAX_VALUE, Long.MAX_VALUE, "task:*", "task:T-3"))).isEqualTo(odd);
        assertThat(read(log, query(0, Long.MAX_VALUE, Long.MAX_VALUE, "*"))).isEqualTo(s);
        assertThat(read(log, query(0, Long.MAX_VALUE, Long.MAX_VALUE, "bot:*"))).isEmpty();
        assertThat(read(log, query(0, Long.MAX_VALUE, Long.MAX_VALUE, "task:t-1", "task:t*"))).isEmpty();
    }

    @Test
    void readStopsAtTheLimitAfterFilteringByPattern() {
        EventLog log = newLog();
        List<Long> s = appendTen(log);

        assertThat(read(log, query(0, Long.MAX_VALUE, 3))).isEqualTo(s.subList(0, 3));
        assertThat(read(log, query(0, Long.MAX_VALUE, 2, "stream:*"))).containsExactly(s.get(1), s.get(3));
        assertThat(read(log, query(s.get(4), s.get(8), 100, "task:*"))).containsExactly(s.get(6), s.get(8));
        assertThat(read(log, query(0, Long.MAX_VALUE, 1))).containsExactly(s.get(0));
    }

    @Test
    void readHonoursBackPressure() {
        EventLog log = newLog();
        List<Long> s = appendTen(log);

        StepVerifier.create(log.read(query(0, Long.MAX_VALUE, Long.MAX_VALUE)).map(Event::seq), 1)
            .expectNext(s.get(0))
            .expectNoEvent(Duration.ofMillis(50))
            .thenRequest(2)
            .expectNext(s.get(1), s.get(2))
            .expectNoEvent(Duration.ofMillis(50))
            .thenRequest(Long.MAX_VALUE)
            .expectNextSequence(s.subList(3, 10))
            .expectComplete()
            .verify(TIMEOUT);
    }

    @Test
    void readCanBeCancelledMidway() {
        EventLog log = newLog();
        List<Long> s = appendTen(log);

        StepVerifier.create(log.read(query(0, Long.MAX_VALUE, Long.MAX_VALUE)).map(Event::seq), 2)
            .expectNext(s.get(0), s.get(1))
            .thenCancel()
            .verify(TIMEOUT);
        assertThat(read(log, query(0, Long.MAX_VALUE, Long.MAX_VALUE))).isEqualTo(s);
    }

    @Test
    void readIsColdAndSeesTheHeadAtSubscription() {
        EventLog log = newLog();
        Flux<Long> all = log.read(query(0, Long.MAX_VALUE, Long.MAX_VALUE)).map(Event::seq);
        long seq = append(log, newEvent("task:T-1", "a", 1)).get(0).seq();

        all.as(StepVerifier::create).expectNext(seq).expectComplete().verify(TIMEOUT);
    }

    @Test
    void idempotencyKeyWithinTheWindowReturnsTheOriginalAndAppendsNothing() {
        EventLog log = newLog();
        Queue<List<Event>> batches = new ConcurrentLinkedQueue<>();
        log.setCommitListener(batches::add);
        Event original = append(log, keyed("task:T-9", 1, "orch-42:T-9")).get(0);
        long head = log.headSeq();
        clock.advance(Duration.ofMinutes(4));

        List<Event> retried = append(log, keyed("task:T-9", 2, "orch-42:T-9"));

        assertThat(retried).hasSize(1);
        assertThat(retried.get(0).seq()).isEqualTo(original.seq());
        assertThat(retried.get(0).data().get("n").intValue()).isEqualTo(1);
        assertThat(log.headSeq()).isEqualTo(head);
        assertThat(batches).hasSize(1);
        assertThat(read(log, query(0, Long.MAX_VALUE, Long.MAX_VALUE))).containsExactly(original.seq());
    }

    @Test
    void idempotentRetryInAMixedBatchAppendsOnlyTheNewEvents() {
        EventLog log = newLog();
        Queue<List<Event>> batches = new ConcurrentLinkedQueue<>();
        log.setCommitListener(batches::add);
        Event original = append(log, keyed("task:T-1", 1, "k1")).get(0);

        List<Event> mixed = append(log, newEvent("task:T-2", "plain", 2), keyed("task:T-1", 3, "k1"),
            keyed("task:T-3", 4, "k2"), keyed("task:T-3", 5, "k2"));

        assertThat(mixed.get(1).seq()).isEqualTo(original.seq());
        assertThat(mixed.get(0).seq()).isGreaterThan(original.seq());
        assertThat(mixed.get(2).seq()).isGreaterThan(mixed.get(0).seq());
        assertThat(mixed.get(3).seq()).isEqualTo(mixed.get(2).seq());
        assertThat(log.headSeq()).isEqualTo(mixed.get(2).seq());
        assertThat(batches).hasSize(2);
        assertThat(seqs(batches.stream().skip(1).findFirst().orElseThrow()))
            .containsExactly(mixed.get(0).seq(), mixed.get(2).seq());
        assertThat(read(log, query(0, Long.MAX_VALUE, Long.MAX_VALUE)))
            .containsExactly(original.seq(), mixed.get(0).seq(), mixed.get(2).seq());
    }

    @Test
    void idempotencyKeyOutsideTheWindowAppendsAgain() {
        EventLog log = newLog(1_000_000, Duration.ofDays(7), Duration.ofMinutes(5));
        Queue<List<Event>> batches = new ConcurrentLinkedQueue<>();
        log.setCommitListener(batches::add);
        Event original = append(log, keyed("task:T-9", 1, "k")).get(0);
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));

        Event again = append(log, keyed("task:T-9", 2, "k")).get(0);
        Event retried = append(log, keyed("task:T-9", 3, "k")).get(0);

        assertThat(again.seq()).isGreaterThan(original.seq());
        assertThat(log.headSeq()).isEqualTo(again.seq());
        assertThat(again.data().get("n").intValue()).isEqualTo(2);
        assertThat(again.timestamp()).isEqualTo(clock.instant());
        assertThat(retried.seq()).as("the new append starts a new window").isEqualTo(again.seq());
        assertThat(batches).hasSize(2);
        assertThat(read(log, query(0, Long.MAX_VALUE, Long.MAX_VALUE))).containsExactly(original.seq(), again.seq());
    }

    @Test
    void concurrentAppendsGetUniqueSeqsAndTheListenerSeesThemInIncreasingOrder() {
        EventLog log = newLog();
        Queue<Long> listened = new ConcurrentLinkedQueue<>();
        log.setCommitListener(batch -> batch.forEach(e -> listened.add(e.seq())));
        Scheduler appenders = Schedulers.newParallel("appenders", 4);
        int perThread = 100;
        try {
            List<Event> all = Flux.range(0, 4)
                .flatMap(t -> Flux.range(0, perThread)
                    .concatMap(i -> log.append(List.of(newEvent("task:T-" + t, "test.concurrent", i),
                        newEvent("stream:S-" + t, "test.concurrent", i))))
                    .flatMapIterable(events -> events)
                    .subscribeOn(appenders))
                .collectList()
                .block(Duration.ofSeconds(60));

            assertThat(all).hasSize(4 * perThread * 2);
            Set<Long> unique = new HashSet<>(seqs(all));
            assertThat(unique).hasSize(all.size());
            List<Long> order = new ArrayList<>(listened);
            assertThat(order).hasSize(all.size()).isSorted().doesNotHaveDuplicates();
            assertThat(new HashSet<>(order)).isEqualTo(unique);
            assertThat(log.headSeq()).isEqualTo(order.get(order.size() - 1));
            assertThat(read(log, query(0, Long.MAX_VALUE, Long.MAX_VALUE))).isEqualTo(order);
        } finally {
            appenders.dispose();
        }
    }

    @Test
    void disposedLogRefusesAppendsAndReportsUnhealthy() {
        EventLog log = newLog();
        append(log, newEvent("task:T-1", "a", 1));

        closeLog(log);
        open.remove(log);

        assertThat(log.isDisposed()).isTrue();
        log.append(List.of(newEvent("task:T-1", "b", 2))).as(StepVerifier::create)
            .expectError(IllegalStateException.class)
            .verify(TIMEOUT);
        log.healthy().as(StepVerifier::create).expectNext(false).expectComplete().verify(TIMEOUT);
        assertThat(log.headSeq()).isEqualTo(1L);
    }

    /**
     * Waits until retention has purged through {@code expected}: an implementation may purge on append, or later
     * on its own thread or timer. Polls without blocking any Reactor thread, bounded by {@link #TIMEOUT}.
     *
     * @param log the log
     * @param expected the seq retention must have purged through
     */
    protected static void awaitPurgedThrough(EventLog log, long expected) {
        Long reached = Flux.interval(Duration.ZERO, Duration.ofMillis(10))
            .map(tick -> log.purgedThrough())
            .takeUntil(purged -> purged >= expected)
            .take(TIMEOUT)
            .blockLast(TIMEOUT.plusSeconds(5));
        assertThat(reached).as("purgedThrough within %s", TIMEOUT).isEqualTo(expected);
    }

    @Test
    void retentionByCountPurgesTheOldestAndReadNoLongerReturnsThem() {
        EventLog log = newLog(5, Duration.ofDays(7), Duration.ofMinutes(5));
        List<Long> s = new ArrayList<>();
        for (int n = 1; n <= 8; n++) {
            s.add(append(log, newEvent("task:T-" + n, "a", n)).get(0).seq());
        }

        awaitPurgedThrough(log, s.get(2));

        assertThat(log.headSeq()).isEqualTo(s.get(7));
        assertThat(log.oldestSeq()).isEqualTo(s.get(3));
        long floor = log.purgedThrough();
        assertThat(read(log, query(floor, Long.MAX_VALUE, Long.MAX_VALUE))).isEqualTo(s.subList(3, 8));
        assertThat(read(log, query(floor, Long.MAX_VALUE, Long.MAX_VALUE, "task:T-1", "task:T-2", "task:T-3")))
            .isEmpty();
        assertThat(read(log, query(floor, s.get(4), Long.MAX_VALUE))).containsExactly(s.get(3), s.get(4));
        assertThat(read(log, query(floor, Long.MAX_VALUE, 1))).containsExactly(s.get(3));
    }

    @Test
    void aReadFromBelowThePurgeFloorFailsInsteadOfSkippingThePurgedEvents() {
        EventLog log = newLog(5, Duration.ofDays(7), Duration.ofMinutes(5));
        for (int n = 1; n <= 8; n++) {
            append(log, newEvent("task:T-" + n, "a", n));
        }
        awaitPurgedThrough(log, 3);

        // Whatever the patterns: seq 3 is gone even though the read would not have selected it.
        log.read(query(2, Long.MAX_VALUE, Long.MAX_VALUE, "task:T-8")).as(StepVerifier::create)
            .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(EventsPurgedException.class)
                .hasMessageContaining("after seq 2"))
            .verify(TIMEOUT);
        log.read(query(0, 2, Long.MAX_VALUE)).as(StepVerifier::create)
            .expectError(EventsPurgedException.class).verify(TIMEOUT);
        assertThat(read(log, query(3, Long.MAX_VALUE, Long.MAX_VALUE, "task:T-8"))).containsExactly(8L);
    }

    @Test
    void retentionByAgePurgesEventsOlderThanTheAge() {
        EventLog log = newLog(1_000_000, Duration.ofMinutes(10), Duration.ofMinutes(5));
        long first = append(log, newEvent("task:T-1", "a", 1)).get(0).seq();
        clock.advance(Duration.ofMinutes(1));
        long second = append(log, newEvent("task:T-1", "a", 2)).get(0).seq();
        clock.advance(Duration.ofMinutes(10).plusMillis(1));

        long third = append(log, newEvent("task:T-1", "a", 3)).get(0).seq();

        awaitPurgedThrough(log, second);
        assertThat(first).isLessThan(second);
        assertThat(log.oldestSeq()).isEqualTo(third);
        assertThat(log.headSeq()).isEqualTo(third);
        assertThat(read(log, query(log.purgedThrough(), Long.MAX_VALUE, Long.MAX_VALUE))).containsExactly(third);
    }

    @Test
    void retentionByAgeKeepsEventsYoungerThanTheAge() {
        EventLog log = newLog(1_000_000, Duration.ofMinutes(10), Duration.ofMinutes(5));
        long first = append(log, newEvent("task:T-1", "a", 1)).get(0).seq();
        clock.advance(Duration.ofMinutes(5));
        long second = append(log, newEvent("task:T-1", "a", 2)).get(0).seq();
        clock.advance(Duration.ofMinutes(5).plusMillis(1));

        long third = append(log, newEvent("task:T-1", "a", 3)).get(0).seq();

        awaitPurgedThrough(log, first);
        assertThat(log.oldestSeq()).isEqualTo(second);
        assertThat(read(log, query(log.purgedThrough(), Long.MAX_VALUE, Long.MAX_VALUE)))
            .containsExactly(second, third);
    }
}
