package io.eventgateway.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.event.Event;
import io.eventgateway.event.EventCodec;
import io.eventgateway.event.EventSelector;
import io.eventgateway.event.NewEvent;
import io.eventgateway.log.EventLog;
import io.eventgateway.topic.Topic;
import io.eventgateway.topic.TopicPattern;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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
    void dispatchedIsCalledOncePerCommittedBatchOnTheDispatcherThread() {
        append(event("task:T-1"));
        append(event("task:T-2"), event("agent:A-1"));
        append(event("bot:B-1"));
        barrier();

        assertThat(recorder.batchSizes).containsExactly(1, 2, 1);
        assertThat(recorder.dispatchThreads).allMatch(name -> name.startsWith("test-hub"));
        assertThat(recorder.samples).as("no connection, nothing written").isEmpty();
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
