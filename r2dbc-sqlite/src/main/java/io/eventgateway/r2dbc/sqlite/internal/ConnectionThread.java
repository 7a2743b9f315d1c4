package io.eventgateway.r2dbc.sqlite.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread a connection's JDBC objects are confined to: a FIFO of tasks drained by a daemon thread named
 * {@code r2dbc-sqlite-N}.
 *
 * <p>Submitting never blocks the caller (a lock-free queue plus {@link LockSupport#unpark}), so it is safe from
 * Reactor's non-blocking threads; BlockHound would flag the lock of a {@code LinkedBlockingQueue} under contention.
 * The thread itself is an ordinary (blocking-allowed) thread, which is where the blocking JDBC calls belong.
 */
public final class ConnectionThread implements Executor {

    private static final AtomicLong COUNTER = new AtomicLong();

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    private final Thread thread;

    private volatile boolean shutdown;

    /**
     * Starts a new daemon thread named {@code r2dbc-sqlite-N}.
     */
    public ConnectionThread() {
        this.thread = new Thread(this::loop, "r2dbc-sqlite-" + COUNTER.incrementAndGet());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues a task; tasks run one at a time in submission order.
     *
     * @param task the task
     * @throws RejectedExecutionException after {@link #shutdown()}
     */
    @Override
    public void execute(Runnable task) {
        if (this.shutdown) {
            throw new RejectedExecutionException("the SQLite connection thread " + this.thread.getName()
                + " is shut down");
        }
        this.tasks.offer(task);
        LockSupport.unpark(this.thread);
    }

    /**
     * Tells whether the calling thread is this connection thread.
     *
     * @return {@code true} on the connection thread
     */
    public boolean inThread() {
        return Thread.currentThread() == this.thread;
    }

    /**
     * The thread's name, e.g. {@code r2dbc-sqlite-3}.
     *
     * @return the name
     */
    public String name() {
        return this.thread.getName();
    }

    /**
     * Lets the thread finish the queued tasks and end; later submissions are rejected.
     */
    public void shutdown() {
        this.shutdown = true;
        LockSupport.unpark(this.thread);
    }

    private void loop() {
        for (;;) {
            Runnable task = this.tasks.poll();
            if (task != null) {
                try {
                    task.run();
                } catch (Throwable t) {
                    // Tasks report their own failures to their subscribers; this is a last resort.
                    Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), t);
                }
                continue;
            }
            if (this.shutdown) {
                return;
            }
            LockSupport.park(this);
        }
    }
}
