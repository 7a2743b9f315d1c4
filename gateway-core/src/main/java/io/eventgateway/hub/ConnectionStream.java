package io.eventgateway.hub;

import io.eventgateway.event.Event;
import io.eventgateway.topic.TopicPattern;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * One connection's outbound stream: the merge of its pattern subscriptions, with duplicate {@code seq} dropped,
 * a bounded buffer of live events that drops the oldest when full, the {@link Overflow} announcements, the
 * control replies ({@link Subscribed}, errors, pongs, ...) in order with the events, and replay blocks.
 *
 * <p><b>Threads.</b> Live events arrive from the hub's dispatcher thread only ({@link #offerLive}); control
 * items from any thread; demand and cancellation from the connection's event loop. One per-connection monitor
 * guards the queue: it is never shared across connections, and it is held only for a few field updates.
 * Delivery to the subscriber (the WebSocket outbound) is serialized by a classic work-in-progress counter.
 *
 * <p><b>Why not {@code Flux.merge(...).onBackpressureBuffer(n, DROP_OLDEST)}.</b> The merge gives each inner
 * source a prefetch of 32; with best-effort sinks an inner whose slots are full while another thread drains
 * counts as "no demand" and the sink drops events <em>silently</em>, before any drop-oldest counter sees them
 * (research/performance.md section 3 item 6). Here every pattern subscription requests unbounded and the only
 * place an event can be dropped is {@link #evictOldestEvent}, which records it. Recording the drop under the same
 * monitor as the poll also places the {@code overflow} frame exactly where the gap is; with
 * {@code onBackpressureBuffer} the overflow callback runs outside its lock and may race the consumer.
 *
 * <p><b>Memory.</b> The buffer holds references to shared, already-encoded events: a stalled connection costs
 * at most {@code bufferSize} references, never copies.
 */
public final class ConnectionStream extends Flux<Object> implements Subscription {

    /** How many replayed events are requested from the log at a time. */
    static final int REPLAY_BATCH = 256;

    private final String id;
    private final int bufferSize;

    // Guarded by "this".
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private int bufferedEvents;

    private long delivered;
    private long dropped;
    private boolean completeWhenDrained;

    /** Dispatcher thread only: the highest live seq accepted, to drop an event matched by several patterns. */
    private long lastLiveSeq;
    /** Dispatcher thread only: the active pattern subscriptions. */
    final Map<TopicPattern, PatternSubscription> subscriptions = new HashMap<>();

    /** Written by the dispatcher after each change of {@link #subscriptions}; read by status requests. */
    private volatile int patternCount;

    private volatile @Nullable CoreSubscriber<? super Object> actual;
    private volatile boolean cancelled;
    private boolean terminated;
    private volatile long requested;
    private static final AtomicLongFieldUpdater<ConnectionStream> REQUESTED =
        AtomicLongFieldUpdater.newUpdater(ConnectionStream.class, "requested");
    private volatile int wip;
    private static final AtomicIntegerFieldUpdater<ConnectionStream> WIP =
        AtomicIntegerFieldUpdater.newUpdater(ConnectionStream.class, "wip");
    private final Runnable onCancel;
    private final @Nullable LoopBatcher batcher;
    private volatile int dirty;
    private static final AtomicIntegerFieldUpdater<ConnectionStream> DIRTY =
        AtomicIntegerFieldUpdater.newUpdater(ConnectionStream.class, "dirty");

    ConnectionStream(String id, int bufferSize, Runnable onCancel, @Nullable LoopBatcher batcher) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be >= 1, got " + bufferSize);
        }
        this.id = Objects.requireNonNull(id, "id");
        this.bufferSize = bufferSize;
        this.onCancel = onCancel;
        this.batcher = batcher;
    }

    /**
     * The connection's id.
     *
     * @return the id sent in the {@code connected} frame
     */
    public String id() {
        return id;
    }

    /**
     * Offers a live event. Dispatcher thread only.
     * An event whose {@code seq} is not above the last accepted one (matched by another pattern of this
     * connection) is ignored. When the buffer holds {@code bufferSize} events the oldest is dropped and recorded.
     *
     * @param event the event
     */
    void offerLive(Event event) {
        offer(event.seq(), event);
    }

    /**
     * Records a live event this connection cannot be sent (it could not be encoded, see {@link Undeliverable}) as
     * dropped, where it stands in the queue: it is announced by an {@code overflow} frame like an evicted event.
     * Dispatcher thread only, with the same duplicate rule as {@link #offerLive}.
     *
     * @param seq the event's seq
     */
    void offerUndeliverable(long seq) {
        offer(seq, null);
    }

    /** Queues a live event, or records it as dropped when it is null (undeliverable). Dispatcher thread only. */
    private void offer(long seq, @Nullable Event event) {
        if (seq <= lastLiveSeq) {
            return;
        }
        lastLiveSeq = seq;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            if (event == null) {
                dropped++;
                Object last = queue.peekLast();
                if (last instanceof Gap) {
                    ((Gap) last).add(seq);
                } else {
                    queue.addLast(new Gap(seq));
                }
            } else {
                if (bufferedEvents == bufferSize) {
                    evictOldestEvent();
                }
                queue.addLast(event);
                bufferedEvents++;
            }
        }
        signal();
    }

    /**
     * Queues a control message (a reply, an error, a pong, a heartbeat ping) behind what is already queued.
     * Control messages are never dropped. Any thread.
     *
     * @param message the message; the server encodes it
     */
    public void offerControl(Object message) {
        Objects.requireNonNull(message, "message");
        synchronized (this) {
            if (cancelled) {
                return;
            }
            queue.addLast(message);
        }
        signal();
    }

    /**
     * Queues a replay: the events of {@code source} are delivered, in order and with back-pressure, when
     * everything queued before it has been delivered; live events queued after it wait behind it.
     * Dispatcher thread only, so that its position relative to live events is exact.
     *
     * @param source the replayed events, in increasing seq; subscribed when the replay reaches the head
     * @param since the replay's lower bound, reported as the last replayed seq if the read fails at once
     * @param onError turns a read failure and the last replayed seq into the control message queued in place
     *     of the rest of the replay
     */
    void offerReplay(Flux<Event> source, long since, BiFunction<Throwable, Long, Object> onError) {
        synchronized (this) {
            if (cancelled) {
                return;
            }
            queue.addLast(new ReplayBlock(source, since, onError));
        }
        signal();
    }

    /** Completes the stream once everything queued so far has been delivered. Any thread. */
    public void completeWhenDrained() {
        synchronized (this) {
            completeWhenDrained = true;
        }
        signal();
    }

    /**
     * Completes the stream as soon as the subscriber's in-flight items are written, discarding what is still
     * queued: the connection is about to be closed, and its client resumes with {@code since}. Any thread.
     */
    public void completeNow() {
        ArrayDeque<Object> leftovers;
        synchronized (this) {
            leftovers = new ArrayDeque<>(queue);
            queue.clear();
            bufferedEvents = 0;
            completeWhenDrained = true;
        }
        for (Object item : leftovers) {
            if (item instanceof ReplayBlock) {
                ((ReplayBlock) item).cancelUpstream();
            }
        }
        signal();
    }

    /**
     * Whether the stream was cancelled by its subscriber (the connection closed).
     *
     * @return true once cancelled
     */
    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * The connection's active patterns.
     *
     * @return the count
     */
    public int patternCount() {
        return patternCount;
    }

    /** Dispatcher thread only: publishes the size of {@link #subscriptions} for readers on other threads. */
    void subscriptionsChanged() {
        patternCount = subscriptions.size();
    }

    /**
     * The live events waiting in the buffer.
     *
     * @return the buffer depth
     */
    public synchronized int bufferDepth() {
        return bufferedEvents;
    }

    /**
     * Events handed to the connection's outbound so far (live and replayed).
     *
     * @return the count
     */
    public synchronized long delivered() {
        return delivered;
    }

    /**
     * Events dropped because the buffer was full.
     *
     * @return the count
     */
    public synchronized long dropped() {
        return dropped;
    }

    /**
     * Drops the oldest buffered live event and records it in a {@link Gap} that takes the event's place in the
     * queue, so the {@code overflow} is announced exactly where the dropped events stood: after the replies and
     * replay blocks queued before them, before whatever was queued after them. The oldest event is the first event
     * in the queue, so only the items before it are walked; consecutive drops extend the gap right before them.
     * Holds the monitor.
     */
    private void evictOldestEvent() {
        int before = 0;
        for (Object item : queue) {
            if (item instanceof Event) {
                break;
            }
            before++;
        }
        if (before == queue.size()) {
            return;
        }
        Object[] leading = new Object[before];
        for (int i = 0; i < before; i++) {
            leading[i] = queue.pollFirst();
        }
        Event evicted = (Event) queue.pollFirst();
        bufferedEvents--;
        dropped++;
        Object previous = before == 0 ? null : leading[before - 1];
        if (previous instanceof Gap) {
            ((Gap) previous).add(evicted.seq());
        } else {
            queue.offerFirst(new Gap(evicted.seq()));
        }
        for (int i = before - 1; i >= 0; i--) {
            queue.offerFirst(leading[i]);
        }
    }

    @Override
    public void subscribe(CoreSubscriber<? super Object> subscriber) {
        synchronized (this) {
            if (actual != null || cancelled) {
                Operators.error(subscriber, new IllegalStateException("ConnectionStream " + id
                    + " allows only one subscriber"));
                return;
            }
            actual = subscriber;
        }
        subscriber.onSubscribe(this);
        drain();
    }

    @Override
    public void request(long n) {
        if (Operators.validate(n)) {
            Operators.addCap(REQUESTED, this, n);
            drain();
        }
    }

    @Override
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        ArrayDeque<Object> leftovers;
        synchronized (this) {
            leftovers = new ArrayDeque<>(queue);
            queue.clear();
            bufferedEvents = 0;
        }
        for (Object item : leftovers) {
            if (item instanceof ReplayBlock) {
                ((ReplayBlock) item).cancelUpstream();
            }
        }
        onCancel.run();
    }

    /** The next deliverable item, a {@link ReplayBlock} that needs to start or request, or null. Monitor held. */
    private @Nullable Object poll() {
        for (;;) {
            Object head = queue.peekFirst();
            if (head instanceof Gap) {
                queue.pollFirst();
                return ((Gap) head).toOverflow();
            }
            if (head instanceof ReplayBlock) {
                ReplayBlock block = (ReplayBlock) head;
                Event replayed = block.buffered.pollFirst();
                if (replayed != null) {
                    block.lastSeq = replayed.seq();
                    delivered++;
                    return replayed;
                }
                if (block.done) {
                    queue.pollFirst();
                    if (block.error != null) {
                        return block.onError.apply(block.error, block.lastSeq);
                    }
                    continue;
                }
                if (!block.actionPending && block.outstanding == 0) {
                    block.actionPending = true;
                    return block;
                }
                return null;
            }
            if (head == null) {
                return null;
            }
            queue.pollFirst();
            if (head instanceof Event) {
                bufferedEvents--;
                delivered++;
            }
            return head;
        }
    }

    /**
     * Gets the new items delivered: on the connection's loop, in a batch with the other connections that got
     * items since the loop last ran (see {@link LoopBatcher}), or at once when the stream has no loop.
     */
    private void signal() {
        LoopBatcher b = batcher;
        if (b == null) {
            drain();
        } else if (dirty == 0 && DIRTY.compareAndSet(this, 0, 1)) {
            b.schedule(this);
        }
    }

    /** Called by the {@link LoopBatcher} on the connection's loop. */
    void drainFromBatch() {
        dirty = 0;
        drain();
    }

    private void drain() {
        if (WIP.getAndIncrement(this) != 0) {
            return;
        }
        int missed = 1;
        for (;;) {
            CoreSubscriber<? super Object> a = actual;
            if (a != null && !terminated) {
                long r = requested;
                long emitted = 0;
                while (emitted != r && !cancelled) {
                    Object next;
                    synchronized (this) {
                        next = poll();
                    }
                    if (next == null) {
                        break;
                    }
                    if (next instanceof ReplayBlock) {
                        ((ReplayBlock) next).act();
                        continue;
                    }
                    try {
                        a.onNext(next);
                    } catch (Throwable error) {
                        // A subscriber that throws broke its contract; end this stream alone, loudly, rather
                        // than leave it (and the batch that drains it) stuck.
                        Exceptions.throwIfJvmFatal(error);
                        cancel();
                        terminated = true;
                        a.onError(Operators.onOperatorError(error, a.currentContext()));
                        return;
                    }
                    emitted++;
                }
                if (emitted != 0) {
                    if (r != Long.MAX_VALUE) {
                        REQUESTED.addAndGet(this, -emitted);
                    }
                    if (a instanceof DrainListener) {
                        ((DrainListener) a).drained();
                    }
                }
                boolean finished;
                synchronized (this) {
                    finished = completeWhenDrained && queue.isEmpty();
                }
                if (finished && !cancelled) {
                    terminated = true;
                    a.onComplete();
                }
            }
            missed = WIP.addAndGet(this, -missed);
            if (missed == 0) {
                return;
            }
        }
    }

    /**
     * A subscriber that writes without flushing (a channel writer) is told when a drain pass has handed it what it
     * could, so that it flushes once per pass instead of once per item.
     */
    public interface DrainListener {
        /** Called on the draining thread after a pass that delivered at least one item. */
        void drained();
    }

    /** Consecutive dropped live events, queued where they stood; polled as one {@link Overflow}. */
    private static final class Gap {
        private final long first;
        private long last;
        private long count;

        Gap(long seq) {
            this.first = seq;
            this.last = seq;
            this.count = 1;
        }

        void add(long seq) {
            last = seq;
            count++;
        }

        Overflow toOverflow() {
            return new Overflow(count, first, last);
        }
    }

    /**
     * A replay in the queue: its events are pulled from the log in batches when it reaches the head.
     * Fields are guarded by the enclosing stream's monitor.
     */
    private final class ReplayBlock implements CoreSubscriber<Event> {
        private final Flux<Event> source;
        private final BiFunction<Throwable, Long, Object> onError;
        final ArrayDeque<Event> buffered = new ArrayDeque<>();
        long outstanding;
        long lastSeq;
        boolean actionPending;
        boolean done;
        @Nullable Throwable error;
        private @Nullable Subscription upstream;
        private boolean started;

        ReplayBlock(Flux<Event> source, long since, BiFunction<Throwable, Long, Object> onError) {
            this.source = source;
            this.lastSeq = since;
            this.onError = onError;
        }

        /** Starts the read, or asks for the next batch. Called by the drain loop without the monitor. */
        void act() {
            Subscription s;
            synchronized (ConnectionStream.this) {
                if (!started) {
                    started = true;
                    s = null;
                } else {
                    s = upstream;
                    outstanding = REPLAY_BATCH;
                    actionPending = false;
                }
            }
            if (s == null) {
                source.subscribe(this);
            } else {
                s.request(REPLAY_BATCH);
            }
        }

        void cancelUpstream() {
            Subscription s;
            synchronized (ConnectionStream.this) {
                s = upstream;
                done = true;
            }
            if (s != null) {
                s.cancel();
            }
        }

        @Override
        public void onSubscribe(Subscription s) {
            boolean cancelNow;
            synchronized (ConnectionStream.this) {
                upstream = s;
                outstanding = REPLAY_BATCH;
                actionPending = false;
                cancelNow = done || cancelled;
            }
            if (cancelNow) {
                s.cancel();
            } else {
                s.request(REPLAY_BATCH);
            }
        }

        @Override
        public void onNext(Event event) {
            synchronized (ConnectionStream.this) {
                if (done) {
                    return;
                }
                buffered.addLast(event);
                outstanding--;
            }
            signal();
        }

        @Override
        public void onError(Throwable t) {
            synchronized (ConnectionStream.this) {
                done = true;
                error = t;
            }
            signal();
        }

        @Override
        public void onComplete() {
            synchronized (ConnectionStream.this) {
                done = true;
            }
            signal();
        }
    }
}
