package io.eventgateway.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.BaseSubscriber;
import reactor.test.subscriber.TestSubscriber;

/** The {@link LoopBatcher}: one task per batch, and one connection's failure never stalls the others. */
final class LoopBatcherTest {

    /** An event loop stand-in that runs its tasks when the test says so. */
    private static final class ManualLoop implements Executor {
        final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        int runAll() {
            int ran = 0;
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
                ran++;
            }
            return ran;
        }
    }

    @Test
    void streamsThatBecomeDirtyTogetherAreDrainedByOneTask() {
        ManualLoop loop = new ManualLoop();
        LoopBatcher batcher = new LoopBatcher(loop, 0);
        TestSubscriber<Object> a = TestSubscriber.create();
        TestSubscriber<Object> b = TestSubscriber.create();
        ConnectionStream first = new ConnectionStream("c-1", 16, () -> { }, batcher);
        ConnectionStream second = new ConnectionStream("c-2", 16, () -> { }, batcher);
        first.subscribe(a);
        second.subscribe(b);

        first.offerControl("one");
        second.offerControl("two");
        first.offerControl("three");

        assertThat(loop.tasks).hasSize(1);
        assertThat(loop.runAll()).isEqualTo(1);
        assertThat(a.getReceivedOnNext()).containsExactly("one", "three");
        assertThat(b.getReceivedOnNext()).containsExactly("two");
    }

    @Test
    void aSubscriberThatThrowsEndsItsOwnStreamAndTheLoopsOtherConnectionsGoOn() {
        ManualLoop loop = new ManualLoop();
        LoopBatcher batcher = new LoopBatcher(loop, 0);
        ConnectionStream broken = new ConnectionStream("c-broken", 16, () -> { }, batcher);
        ConnectionStream healthy = new ConnectionStream("c-healthy", 16, () -> { }, batcher);
        Throwable[] brokenError = new Throwable[1];
        broken.subscribe(new BaseSubscriber<Object>() {
            @Override
            protected void hookOnNext(Object value) {
                throw new IllegalStateException("subscriber bug");
            }

            @Override
            protected void hookOnError(Throwable throwable) {
                brokenError[0] = throwable;
            }
        });
        TestSubscriber<Object> other = TestSubscriber.create();
        healthy.subscribe(other);

        broken.offerControl("boom");
        healthy.offerControl("first");
        loop.runAll();
        healthy.offerControl("second");
        loop.runAll();

        assertThat(brokenError[0]).hasMessageContaining("subscriber bug");
        assertThat(other.getReceivedOnNext()).isEqualTo(List.of("first", "second"));
    }
}
