package io.eventgateway.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.event.Event;
import io.eventgateway.event.EventCodec;
import io.eventgateway.event.EventSelector;
import io.eventgateway.event.NewEvent;
import io.eventgateway.log.EventLog;
import io.eventgateway.topic.Topic;
import io.eventgateway.topic.TopicPattern;
import io.eventgateway.r2dbc.sqlite.SqliteConnectionFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.subscriber.TestSubscriber;

/**
 * What the hub tells its {@link HubRecorder}: one {@code dispatched} call per committed batch on the dispatcher,
 * and one {@code written} sample per loop batch that a dispatch made due, measured from the commit.
 */
final class HubRecorderTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Scheduler dispatcher = Schedulers.newSingle("test-hub");
    private final EventLog log =
        EventLog.inMemory(Clock.systemUTC(), 1_000_000, Duration.ofDays(7), Duration.ofMinutes(5));
    private final Recording recorder = new Recording();
    private final Hub hub = Hub.create(log, 1000, 50, dispatcher, Duration.ZERO, recorder);

    @AfterEach
    void tearDown() {
        dispatcher.dispose();
        log.disposeLater().block(TIMEOUT);
    }

    /** Records every call, with the thread it came from. */
    private static final class Recording implements HubRecorder {
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        final List<String> dispatchThreads = new CopyOnWriteArrayList<>();
        final List<Long> samples = new CopyOnWriteArrayList<>();

        @Override
        public void dispatched(List<Event> batch) {
            batchSizes.add(batch.size());
            dispatchThreads.add(Thread.currentThread().getName());
        }

        @Override
        public void written(long commitToWriteNanos) {
            samples.add(commitToWriteNanos);
        }
    }

    /** An event loop stand-in that runs its tasks when the test says so. */
    private static final class ManualLoop implements Executor {
        final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            for (;;) {
                Runnable task;
                synchronized (this) {
                    task = tasks.poll();
                }
                if (task == null) {
                    return;
                }
                task.run();
            }
        }
    }

    private static NewEvent event(String topic) {
        return new NewEvent(Topic.parse(topic), "test.event", EventCodec.JSON.createObjectNode());
    }

    private void append(NewEvent... events) {
        assertThat(log.append(List.of(events)).block(TIMEOUT)).hasSize(events.length);
    }

    /** Waits until the dispatcher has run every task queued so far. */
    private void barrier() {
        assertThat(hub.stats().block(TIMEOUT)).isNotNull();
    }

    private void subscribe(ConnectionStream stream, String pattern) {
        SubscribeCommand command = new SubscribeCommand("s", List.of(TopicPattern.parse(pattern)), List.of(pattern),
            EventSelector.ALL, null);
        assertThat(hub.subscribe(stream, command).block(TIMEOUT)).isNotNull();
    }

    @Test
    void dispatchedIsCalledOncePerCommittedBatchOnTheThreadThatCommittedALightOne() {
        append(event("task:T-1"));
        append(event("task:T-2"), event("agent:A-1"));
        append(event("bot:B-1"));
        barrier();

        assertThat(recorder.batchSizes).containsExactly(1, 2, 1);
        // The in-memory log commits on the appending thread; light batches are dispatched there, not handed over.
        assertThat(recorder.dispatchThreads).containsOnly(Thread.currentThread().getName());
        assertThat(recorder.samples).as("no connection, nothing written").isEmpty();
    }

    /**
     * A hub whose own thread is {@code hubThread}, run by the test: what the hub hands to its thread waits for
     * {@link ManualLoop#runAll}, and what it dispatches on the caller's thread is done before {@code append} returns.
     */
    private Hub manualHub(EventLog of, ManualLoop hubThread, Recording calls) {
        return Hub.create(of, 1000, 50, Schedulers.fromExecutor(hubThread), Duration.ZERO, calls);
    }

    private static EventLog memoryLog() {
        return EventLog.inMemory(Clock.systemUTC(), 1_000_000, Duration.ofDays(7), Duration.ofMinutes(5));
    }

    private static void append(EventLog to, NewEvent... events) {
        assertThat(to.append(List.of(events)).block(TIMEOUT)).hasSize(events.length);
    }

    @Test
    void aBatchOfMoreThanTheLightNumberOfEventsIsHandedToTheHubThread() {
        EventLog memory = memoryLog();
        ManualLoop hubThread = new ManualLoop();
        Recording calls = new Recording();
        manualHub(memory, hubThread, calls);
        NewEvent[] batch = new NewEvent[Hub.LIGHT_BATCH + 1];
        Arrays.fill(batch, event("task:T-1"));

        append(memory, batch);
        assertThat(calls.batchSizes).as("waits for the hub thread").isEmpty();
        hubThread.runAll();
        assertThat(calls.batchSizes).containsExactly(Hub.LIGHT_BATCH + 1);

        append(memory, Arrays.copyOf(batch, Hub.LIGHT_BATCH));
        assertThat(calls.batchSizes).as("dispatched by the appending thread").containsExactly(Hub.LIGHT_BATCH + 1,
            Hub.LIGHT_BATCH);
        memory.dispose();
    }

    @Test
    void whileAPatternHasMoreThanTheLightNumberOfSubscribersEveryBatchIsHandedToTheHubThread() {
        EventLog memory = memoryLog();
        ManualLoop hubThread = new ManualLoop();
        Recording calls = new Recording();
        Hub manual = manualHub(memory, hubThread, calls);
        List<ConnectionStream> streams = new ArrayList<>();
        for (int i = 0; i <= Hub.LIGHT_SUBSCRIBERS; i++) {
            ConnectionStream stream = manual.open("c-" + i);
            stream.subscribe(TestSubscriber.create());
            SubscribeCommand command = new SubscribeCommand("s", List.of(TopicPattern.parse("task:*")),
                List.of("task:*"), EventSelector.ALL, null);
            CompletableFuture<Subscribed> reply = manual.subscribe(stream, command).toFuture();
            hubThread.runAll();
            assertThat(reply.getNow(null)).as("replied on the hub thread").isNotNull();
            streams.add(stream);
            if (i == Hub.LIGHT_SUBSCRIBERS - 1) {
                append(memory, event("agent:A-1"));
                assertThat(calls.batchSizes).as("at the light limit: dispatched by the appending thread").hasSize(1);
            }
        }

        append(memory, event("agent:A-2"));
        assertThat(calls.batchSizes).as("one subscriber above it, whatever the topic: waits for the hub thread")
            .hasSize(1);
        hubThread.runAll();
        assertThat(calls.batchSizes).hasSize(2);

        streams.get(0).cancel();
        hubThread.runAll();
        append(memory, event("agent:A-3"));
        assertThat(calls.batchSizes).as("back at the limit").hasSize(3);
        streams.forEach(ConnectionStream::cancel);
        memory.dispose();
    }

    @Test
    void theDurableLogHasEveryBatchDispatchedOnItsWriterThreadHeavyOrNot(@TempDir Path dir) {
        EventLog durable = EventLog.r2dbc(SqliteConnectionFactory.from("r2dbc:sqlite:" + dir.resolve("e.db")),
            Clock.systemUTC(), 1_000_000, Duration.ofDays(7), Duration.ofMinutes(5), Schedulers.parallel())
            .block(TIMEOUT);
        assertThat(durable).isNotNull();
        try {
            Recording calls = new Recording();
            Hub onWriter = Hub.create(durable, 1000, 50, dispatcher, Duration.ZERO, calls);
            NewEvent[] heavy = new NewEvent[Hub.LIGHT_BATCH + 1];
            Arrays.fill(heavy, event("task:T-1"));
            assertThat(durable.append(List.of(heavy)).block(TIMEOUT)).hasSize(heavy.length);
            assertThat(durable.append(List.of(event("task:T-2"))).block(TIMEOUT)).hasSize(1);
            assertThat(onWriter.stats().block(TIMEOUT)).isNotNull();

            assertThat(durable.commitsOnOwnThread()).isTrue();
            assertThat(log.commitsOnOwnThread()).isFalse();
            assertThat(calls.batchSizes).containsExactly(Hub.LIGHT_BATCH + 1, 1);
            assertThat(calls.dispatchThreads).allMatch(name -> name.startsWith("r2dbc-sqlite-"));
        } finally {
            durable.disposeLater().block(TIMEOUT);
        }
    }

    @Test
    void oneWriteSampleIsRecordedPerLoopBatchAndItStartsAtTheCommit() {
        ManualLoop loop = new ManualLoop();
        ConnectionStream stream = hub.open("c-1", loop);
        TestSubscriber<Object> socket = TestSubscriber.create();
        stream.subscribe(socket);
        subscribe(stream, "task:*");
        loop.runAll();
        assertThat(recorder.samples).as("a reply is not a dispatched event: no sample").isEmpty();

        long before = System.nanoTime();
        append(event("task:T-1"));
        append(event("task:T-2"));
        append(event("task:T-3"));
        barrier();
        loop.runAll();
        long after = System.nanoTime();

        assertThat(socket.getReceivedOnNext()).filteredOn(Event.class::isInstance).hasSize(3);
        assertThat(recorder.samples).as("three commits, one loop batch, one sample").hasSize(1);
        assertThat(recorder.samples.get(0)).isPositive().isLessThanOrEqualTo(after - before);

        append(event("task:T-4"));
        barrier();
        loop.runAll();
        assertThat(recorder.samples).hasSize(2);
        stream.cancel();
    }

    @Test
    void aBatchMadeDueOutsideADispatchRecordsNoSample() {
        ManualLoop loop = new ManualLoop();
        ConnectionStream stream = hub.open("c-1", loop);
        TestSubscriber<Object> socket = TestSubscriber.create();
        stream.subscribe(socket);

        stream.offerControl("pong");
        loop.runAll();

        assertThat(socket.getReceivedOnNext()).containsExactly("pong");
        assertThat(recorder.samples).isEmpty();
        stream.cancel();
    }

    @Test
    void theNoopRecorderIsTheOnlyOneThatIsDisabled() {
        assertThat(HubRecorder.NOOP.enabled()).isFalse();
        assertThat(new Recording().enabled()).isTrue();
        List<Event> ignored = new ArrayList<>();
        HubRecorder.NOOP.dispatched(ignored);
        HubRecorder.NOOP.written(1L);
        assertThat(ignored).isEmpty();
    }
}
