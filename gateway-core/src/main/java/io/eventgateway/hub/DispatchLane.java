package io.eventgateway.hub;

import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * The hub's single writer: its tasks run one at a time, in the order they were queued, each seeing everything the
 * ones before it did, but not always on the same thread. Whoever finds the lane idle runs it:
 * <ul>
 *   <li>a task queued with {@link #execute} hands the lane to the hub's own thread (a single-threaded
 *       {@link Scheduler});</li>
 *   <li>a task queued with {@link #runOnCaller} runs on the calling thread, followed by what was queued meanwhile.
 *       A caller that owns its thread (the durable log's writer) runs whatever it finds; any other caller (a Netty
 *       event loop) runs at most {@value #CALLER_BUDGET} tasks, and only tasks queued the same way, then hands the
 *       rest of the lane to the hub's thread, so that its connections never wait behind a task meant for the
 *       hub's thread, nor behind other threads' work for long.</li>
 * </ul>
 * A task queued while the lane runs elsewhere waits for that thread to reach it.
 *
 * <p>Why: every committed batch used to cross to the hub's thread, a wake-up and a context switch per batch (about
 * 5,000 a second in many-topics) on two cores where each hand-off can wait behind another thread's time slice;
 * the thread that committed the batch, which has it in its cache, now dispatches it when it may
 * (docs/BENCHMARKS.md has the measurements).
 *
 * <p>Memory effects: a task's writes happen-before the next task's reads, whichever threads run them (the queue
 * orders each task's offer before its poll, and the work-in-progress counter orders one runner's last task before
 * the next runner's first).
 */
final class DispatchLane {

    /** Tasks a caller that does not own its thread runs before it hands the lane to the hub's thread. */
    static final int CALLER_BUDGET = 64;

    private static final Logger LOG = LoggerFactory.getLogger(DispatchLane.class);

    private final Scheduler thread;
    private final Queue<Task> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();

    /**
     * Creates a lane.
     *
     * @param thread a single-threaded scheduler: the lane's own thread
     */
    DispatchLane(Scheduler thread) {
        this.thread = thread;
    }

    /**
     * Queues a task for the hub's thread, or for the thread that runs the lane when it is queued if that thread may
     * run it. Once the hub's scheduler is disposed a queued task is rejected: a {@link #call}'s Mono fails with a
     * {@link RejectedExecutionException}, any other task is dropped.
     *
     * @param task the task
     */
    void execute(Runnable task) {
        submit(new Task(task, false, null));
    }

    /**
     * Queues a task and, when the lane is idle, runs it on the calling thread with what is queued while it runs
     * (see the class comment for what a caller that does not own its thread runs).
     *
     * @param task the task
     * @param callerOwnsThread whether the calling thread is one that may do any of the hub's work (the durable
     *     log's writer) rather than one whose own work must not wait (an event loop)
     */
    void runOnCaller(Runnable task, boolean callerOwnsThread) {
        tasks.offer(new Task(task, true, null));
        if (wip.getAndIncrement() == 0) {
            if (callerOwnsThread) {
                drain();
            } else {
                drainWithin(CALLER_BUDGET);
            }
        }
    }

    /**
     * A Mono of a result computed on the lane (queued as with {@link #execute}); it fails with the callable's
     * exception, or with a {@link RejectedExecutionException} once the hub's scheduler is disposed.
     *
     * @param work the work
     * @param <T> its result
     * @return the result, signalled on the thread that ran it
     */
    <T> Mono<T> call(Callable<T> work) {
        return Mono.create(sink -> submit(new Task(() -> {
            T result;
            try {
                result = work.call();
            } catch (Throwable error) {
                Exceptions.throwIfJvmFatal(error);
                sink.error(error);
                return;
            }
            sink.success(result);
        }, false, sink)));
    }

    private void submit(Task task) {
        tasks.offer(task);
        if (wip.getAndIncrement() == 0) {
            handOver();
        }
    }

    /** Runs everything queued, until the lane is idle. */
    private void drain() {
        int missed = 1;
        for (;;) {
            Task task;
            while ((task = tasks.poll()) != null) {
                run(task);
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    /**
     * Runs the tasks queued for any caller, at most {@code budget} of them, until the lane is idle; hands the lane
     * to the hub's thread at the first other task or when the budget is spent. The lane has one runner at a time,
     * so the peeked head is the one polled.
     */
    private void drainWithin(int budget) {
        int missed = 1;
        int ran = 0;
        for (;;) {
            Task task;
            while ((task = tasks.peek()) != null) {
                if (!task.anyCaller || ran == budget) {
                    // The lane changes hands with its work-in-progress count: the hub's thread takes it as is.
                    handOver();
                    return;
                }
                tasks.poll();
                run(task);
                ran++;
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void handOver() {
        try {
            thread.schedule(this::drain);
        } catch (RejectedExecutionException e) {
            // The hub shut down: nothing will run the lane again. Fail what is queued rather than leave it waiting.
            int missed = 1;
            for (;;) {
                Task task;
                while ((task = tasks.poll()) != null) {
                    task.rejected(e);
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }
    }

    private static void run(Task task) {
        try {
            task.run();
        } catch (Throwable error) {
            // One failed task must not stop the lane: every later one (the next batch, for everyone) would wait
            // forever.
            Exceptions.throwIfJvmFatal(error);
            LOG.error("a hub task failed; the hub goes on with the next one", error);
        }
    }

    /** A queued task: its work, whether a caller that does not own its thread may run it, who to tell if not run. */
    private static final class Task {
        private final Runnable work;
        final boolean anyCaller;
        private final @Nullable MonoSink<?> onRejected;

        Task(Runnable work, boolean anyCaller, @Nullable MonoSink<?> onRejected) {
            this.work = work;
            this.anyCaller = anyCaller;
            this.onRejected = onRejected;
        }

        void run() {
            work.run();
        }

        /** Called instead of {@link #run} when the lane can no longer run (the hub shut down). */
        void rejected(RejectedExecutionException cause) {
            if (onRejected != null) {
                onRejected.error(cause);
            }
        }
    }
}
