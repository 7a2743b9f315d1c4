package io.eventgateway.hub;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.Event;
import io.eventgateway.log.CommitListener;
import io.eventgateway.log.EventLog;
import io.eventgateway.log.EventQuery;
import io.eventgateway.topic.PatternIndex;
import io.eventgateway.topic.TopicPattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The fan-out hub: one {@code Sinks.Many} per active pattern, shared by every connection subscribed to it,
 * created with the first subscriber and removed with the last; a {@link PatternIndex} to find the sinks of a
 * topic; one dispatcher thread that emits every committed event, in {@code seq} order.
 *
 * <p><b>Single writer.</b> Everything that touches the index, the sinks or a connection's subscriptions runs on
 * the dispatcher {@link Scheduler} (a single thread): committed batches, subscribe, unsubscribe, close. That
 * serializes {@code emitNext} (the sinks never see concurrent emission) and makes a subscription take effect
 * exactly between two events, which is what lets a replay join the live stream without gap or duplicate.
 *
 * <p><b>Cost per event.</b> One index lookup, the event encoded once (when some pattern matches), and per
 * matching subscriber one selector test and one buffer offer. Nothing here logs, serializes per connection or
 * takes a lock shared across connections.
 */
public final class Hub implements CommitListener {

    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

    private final EventLog log;
    private final int bufferSize;
    private final int maxSubscriptions;
    private final Scheduler dispatcher;

    // Dispatcher thread only.
    private final PatternIndex<PatternSink> index = new PatternIndex<>();
    private final Map<String, PatternSink> sinks = new HashMap<>();
    private final EmitToSink emitter = new EmitToSink();
    /**
     * The streams not yet closed. A stream enters on the dispatcher after {@link #open} and leaves it in the same
     * dispatcher task that adds its counts to {@link #closedDelivered}: a snapshot counts every stream exactly once,
     * so the totals of {@link #stats()} never go down (reading the live list and the closed totals apart let a
     * closing connection fall between the two for a moment).
     */
    private final Set<ConnectionStream> openStreams = new HashSet<>();
    private long closedDelivered;
    private long closedDropped;

    private final Map<Executor, LoopBatcher> batchers = new ConcurrentHashMap<>();
    private volatile long headSeq;
    private volatile long published;

    private final long writeDelayNanos;
    private final HubRecorder recorder;
    /** The commit time ({@code System.nanoTime()}) of the batch being dispatched, 0 between batches. */
    private volatile long dispatchingCommitNanos;

    private Hub(EventLog log, int bufferSize, int maxSubscriptions, Scheduler dispatcher, Duration writeDelay,
                HubRecorder recorder) {
        this.writeDelayNanos = writeDelay.toNanos();
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.log = Objects.requireNonNull(log, "log");
        this.bufferSize = bufferSize;
        this.maxSubscriptions = maxSubscriptions;
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
        this.headSeq = log.headSeq();
    }

    /**
     * Creates a hub and registers it as the log's commit listener.
     *
     * @param log the event log whose committed batches it dispatches
     * @param bufferSize {@code ws.buffer-size}: live events buffered per connection (default 1000)
     * @param maxSubscriptions {@code ws.max-subscriptions}: active patterns per connection (default 50)
     * @param dispatcher a single-threaded scheduler, the hub's dispatcher thread
     * @return the hub
     */
    public static Hub create(EventLog log, int bufferSize, int maxSubscriptions, Scheduler dispatcher) {
        return create(log, bufferSize, maxSubscriptions, dispatcher, Duration.ZERO);
    }

    /**
     * Creates a hub with a write delay and registers it as the log's commit listener.
     *
     * @param log the event log whose committed batches it dispatches
     * @param bufferSize {@code ws.buffer-size}: live events buffered per connection (default 1000)
     * @param maxSubscriptions {@code ws.max-subscriptions}: active patterns per connection (default 50)
     * @param dispatcher a single-threaded scheduler, the hub's dispatcher thread
     * @param writeDelay {@code ws.write-delay}: how long a connection's loop gathers events before writing them
     *     (default 0: at once)
     * @return the hub
     */
    public static Hub create(EventLog log, int bufferSize, int maxSubscriptions, Scheduler dispatcher,
                             Duration writeDelay) {
        return create(log, bufferSize, maxSubscriptions, dispatcher, writeDelay, HubRecorder.NOOP);
    }

    /**
     * Creates a hub that reports to a recorder, and registers it as the log's commit listener.
     *
     * @param log the event log whose committed batches it dispatches
     * @param bufferSize {@code ws.buffer-size}: live events buffered per connection (default 1000)
     * @param maxSubscriptions {@code ws.max-subscriptions}: active patterns per connection (default 50)
     * @param dispatcher a single-threaded scheduler, the hub's dispatcher thread
     * @param writeDelay {@code ws.write-delay} (default 0: at once)
     * @param recorder receives one call per dispatched batch and per loop batch (default {@link HubRecorder#NOOP})
     * @return the hub
     */
    public static Hub create(EventLog log, int bufferSize, int maxSubscriptions, Scheduler dispatcher,
                             Duration writeDelay, HubRecorder recorder) {
        Hub hub = new Hub(log, bufferSize, maxSubscriptions, dispatcher, writeDelay, recorder);
        log.setCommitListener(hub);
        return hub;
    }

    /**
     * The highest {@code seq} dispatched: every event up to it has been offered to every matching connection.
     * A client that subscribes with {@code since} = this value misses nothing.
     *
     * @return the dispatched head
     */
    public long headSeq() {
        return headSeq;
    }

    /**
     * The events dispatched since start.
     *
     * @return the count
     */
    public long published() {
        return published;
    }

    /**
     * Opens a connection's stream that is drained on the calling thread of each signal (tests, tools).
     * Cancelling the stream (the connection closed) removes its subscriptions.
     *
     * @param connectionId the connection's id
     * @return its stream, to be subscribed once by the connection's outbound
     */
    public ConnectionStream open(String connectionId) {
        return open(connectionId, null);
    }

    /**
     * Opens a connection's stream that is drained on the thread that owns the connection (its Netty event
     * loop), in batches with the loop's other connections. Cancelling the stream removes its subscriptions.
     *
     * @param connectionId the connection's id
     * @param loop the connection's event loop, or null to drain on the signalling thread
     * @return its stream, to be subscribed once by the connection's outbound
     */
    public ConnectionStream open(String connectionId, @Nullable Executor loop) {
        LoopBatcher batcher = loop == null ? null
            : batchers.computeIfAbsent(loop, l -> new LoopBatcher(l, writeDelayNanos, recorder,
                () -> dispatchingCommitNanos));
        ConnectionStream[] holder = new ConnectionStream[1];
        ConnectionStream stream = new ConnectionStream(connectionId, bufferSize, () -> close(holder[0]), batcher);
        holder[0] = stream;
        try {
            dispatcher.schedule(() -> openStreams.add(stream));
        } catch (RejectedExecutionException e) {
            // The hub has shut down: nothing is counted any more.
        }
        return stream;
    }

    @Override
    public void onCommit(List<Event> batch) {
        long committedAt = recorder.enabled() ? System.nanoTime() : 0L;
        dispatcher.schedule(() -> dispatch(batch, committedAt));
    }

    private void dispatch(List<Event> batch, long committedAt) {
        // Read by the loop batchers this batch schedules: their one latency sample starts at this commit.
        dispatchingCommitNanos = committedAt;
        for (int i = 0; i < batch.size(); i++) {
            Event event = batch.get(i);
            if (index.size() > 0) {
                emitter.start(event);
                index.forEachMatch(event.topic(), emitter);
            }
            headSeq = event.seq();
        }
        published += batch.size();
        recorder.dispatched(batch);
        dispatchingCommitNanos = 0L;
    }

    /**
     * Applies a subscribe request atomically: either every pattern becomes active (new ones attached, existing
     * ones get the request's selector) and the {@link Subscribed} reply is queued, followed by the replay when
     * {@code since} is set, or nothing changes and the Mono fails with {@link ErrorCode#WS_SUBSCRIPTION_LIMIT}.
     *
     * @param stream the connection's stream
     * @param command the validated request
     * @return the reply that was queued
     */
    public Mono<Subscribed> subscribe(ConnectionStream stream, SubscribeCommand command) {
        return Mono.fromCallable(() -> subscribeNow(stream, command)).subscribeOn(dispatcher);
    }

    private Subscribed subscribeNow(ConnectionStream stream, SubscribeCommand command) {
        if (stream.isCancelled()) {
            throw new GatewayException(ErrorCode.WS_INTERNAL_ERROR, "the connection is closing");
        }
        Map<TopicPattern, String> requested = new LinkedHashMap<>();
        for (int i = 0; i < command.patterns().size(); i++) {
            requested.putIfAbsent(command.patterns().get(i), command.topics().get(i));
        }
        int added = 0;
        for (TopicPattern pattern : requested.keySet()) {
            if (!stream.subscriptions.containsKey(pattern)) {
                added++;
            }
        }
        int active = stream.subscriptions.size() + added;
        if (active > maxSubscriptions) {
            throw new GatewayException(ErrorCode.WS_SUBSCRIPTION_LIMIT,
                "this request would leave " + active + " active patterns; at most " + maxSubscriptions
                    + " are allowed per connection (ws.max-subscriptions): unsubscribe some first",
                Map.of("active", stream.subscriptions.size(), "requested", added, "max", maxSubscriptions));
        }
        Long since = command.since();
        long head = headSeq;
        long purged = log.purgedThrough();
        Boolean recovered = since == null ? null : purged <= since;
        Subscribed reply = new Subscribed(command.requestId(), command.topics(), active, head, recovered);
        stream.offerControl(reply);
        if (since != null) {
            List<TopicPattern> patterns = new ArrayList<>(requested.keySet());
            Flux<Event> replay = since >= head ? Flux.empty()
                // From the purge floor the reply announced: anything purged after it fails the read, never skips.
                : log.read(new EventQuery(Math.max(since, purged), head, patterns, Long.MAX_VALUE))
                    .filter(command.selector());
            String requestId = command.requestId();
            stream.offerReplay(replay, since, (error, lastSeq) -> new ReplayFailed(requestId, lastSeq,
                "replay failed after seq " + lastSeq + ": " + error.getMessage()
                    + "; subscribe again with since=" + lastSeq));
        }
        for (Map.Entry<TopicPattern, String> entry : requested.entrySet()) {
            PatternSubscription subscription = stream.subscriptions.get(entry.getKey());
            if (subscription != null) {
                subscription.selector = command.selector();
            } else {
                subscription = attach(stream, entry.getKey(), entry.getValue(), command);
            }
            if (since != null && since > head) {
                subscription.skipThrough = since;
            }
        }
        stream.subscriptionsChanged();
        return reply;
    }

    private PatternSubscription attach(ConnectionStream stream, TopicPattern pattern, String text,
                                       SubscribeCommand command) {
        PatternSink sink = index.get(pattern);
        if (sink == null) {
            sink = new PatternSink(pattern.value());
            index.put(pattern, sink);
            sinks.put(pattern.value(), sink);
        }
        PatternSubscription subscription = new PatternSubscription(pattern, text, command.selector(), stream);
        stream.subscriptions.put(pattern, subscription);
        sink.subscribers++;
        sink.sink.asFlux().subscribe(subscription);
        return subscription;
    }

    private void detach(PatternSubscription subscription) {
        subscription.cancel();
        PatternSink sink = index.get(subscription.pattern);
        if (sink != null && --sink.subscribers == 0) {
            index.remove(subscription.pattern);
            sinks.remove(subscription.pattern.value());
            sink.sink.tryEmitComplete();
        }
    }

    /**
     * Removes patterns atomically: when one of them is not active, nothing changes and the Mono fails with
     * {@link ErrorCode#WS_NOT_SUBSCRIBED} naming it; otherwise the {@link Unsubscribed} reply is queued.
     *
     * @param stream the connection's stream
     * @param requestId the request's id, or null
     * @param patterns the patterns to remove
     * @param topics the patterns as the client wrote them, echoed in the reply
     * @return the reply that was queued
     */
    public Mono<Unsubscribed> unsubscribe(ConnectionStream stream, @Nullable String requestId,
                                          List<TopicPattern> patterns, List<String> topics) {
        return Mono.fromCallable(() -> {
            Set<TopicPattern> unique = new LinkedHashSet<>(patterns);
            for (TopicPattern pattern : unique) {
                if (!stream.subscriptions.containsKey(pattern)) {
                    throw new GatewayException(ErrorCode.WS_NOT_SUBSCRIBED,
                        "'" + pattern.value() + "' is not an active pattern of this connection;"
                            + " unsubscribe takes the patterns exactly as subscribed",
                        Map.of("topic", pattern.value()));
                }
            }
            for (TopicPattern pattern : unique) {
                detach(stream.subscriptions.remove(pattern));
            }
            stream.subscriptionsChanged();
            Unsubscribed reply = new Unsubscribed(requestId, topics, stream.subscriptions.size());
            stream.offerControl(reply);
            return reply;
        }).subscribeOn(dispatcher);
    }

    /**
     * Removes, in one step on the dispatcher, every active pattern of a connection that {@code keep} refuses: a
     * connection whose credentials were replaced by narrower ones keeps only what they still allow. When patterns
     * were removed, an {@link Unsubscribed} without request id listing them (as the client wrote them, sorted) is
     * queued.
     * Requests queued on the dispatcher before this call are applied before it.
     *
     * @param stream the connection's stream
     * @param keep whether an active pattern may stay
     * @return the number of active patterns afterwards
     */
    public Mono<Integer> retain(ConnectionStream stream, Predicate<TopicPattern> keep) {
        return Mono.fromCallable(() -> {
            List<String> removed = new ArrayList<>();
            Iterator<PatternSubscription> active = stream.subscriptions.values().iterator();
            while (active.hasNext()) {
                PatternSubscription subscription = active.next();
                if (!keep.test(subscription.pattern)) {
                    active.remove();
                    detach(subscription);
                    removed.add(subscription.topicText);
                }
            }
            if (!removed.isEmpty()) {
                // Sorted: the map has no order, and the client gets the same frame for the same change.
                removed.sort(Comparator.naturalOrder());
                stream.subscriptionsChanged();
                stream.offerControl(new Unsubscribed(null, removed, stream.subscriptions.size()));
            }
            return stream.subscriptions.size();
        }).subscribeOn(dispatcher);
    }

    private void close(ConnectionStream stream) {
        try {
            dispatcher.schedule(() -> {
                for (PatternSubscription subscription : stream.subscriptions.values()) {
                    detach(subscription);
                }
                stream.subscriptions.clear();
                stream.subscriptionsChanged();
                if (openStreams.remove(stream)) {
                    closedDelivered += stream.delivered();
                    closedDropped += stream.dropped();
                }
            });
        } catch (RejectedExecutionException e) {
            // The hub has shut down: there are no subscriptions left to remove.
        }
    }

    /**
     * A snapshot of the active patterns and their subscriber counts, and the delivery totals of every connection,
     * open and closed (O(open connections): for status and metrics reads, not per event).
     *
     * @return the snapshot, taken on the dispatcher thread
     */
    public Mono<HubStats> stats() {
        return Mono.fromCallable(() -> {
            List<HubStats.PatternStats> patterns = new ArrayList<>(sinks.size());
            for (PatternSink sink : sinks.values()) {
                patterns.add(new HubStats.PatternStats(sink.pattern, sink.subscribers));
            }
            patterns.sort(Comparator.comparing(HubStats.PatternStats::pattern));
            long delivered = closedDelivered;
            long dropped = closedDropped;
            for (ConnectionStream stream : openStreams) {
                delivered += stream.delivered();
                dropped += stream.dropped();
            }
            return new HubStats(headSeq, published, patterns, delivered, dropped);
        }).subscribeOn(dispatcher);
    }

    /** A pattern's shared sink and its subscriber count (dispatcher thread only). */
    private static final class PatternSink {
        final String pattern;
        /**
         * Best effort, not buffered: a buffered multicast sink conforms to its slowest subscriber and terminates
         * on overflow (research/performance.md section 3 item 1). Every subscriber here requests unbounded.
         */
        final Sinks.Many<Object> sink = Sinks.many().multicast().directBestEffort();
        int subscribers;

        PatternSink(String pattern) {
            this.pattern = pattern;
        }
    }

    /**
     * The per-event emission, one reusable instance so the dispatch loop allocates nothing per match. The event is
     * encoded once, on the dispatcher, at its first match, before any connection can race to encode it. An event
     * that cannot be encoded (a bug: its data holds something JSON cannot represent) must not end the dispatch
     * task, which would lose the rest of the batch for everyone: it is logged, and its subscribers get an
     * {@link Undeliverable} in its place, which their streams announce as a dropped event (PROTOCOL.md section 7
     * point 3).
     */
    private static final class EmitToSink implements Consumer<PatternSink> {
        private @Nullable Event event;
        private @Nullable Object item;

        void start(Event next) {
            event = next;
            item = null;
        }

        @Override
        public void accept(PatternSink target) {
            Object emitted = item;
            if (emitted == null) {
                emitted = encoded(Objects.requireNonNull(event));
                item = emitted;
            }
            target.sink.tryEmitNext(emitted);
        }

        private static Object encoded(Event e) {
            try {
                e.frame();
                return e;
            } catch (RuntimeException error) {
                LOG.error("event {} ({} on {}) cannot be encoded; its subscribers are told it was dropped",
                    e.seq(), e.eventType(), e.topic(), error);
                return new Undeliverable(e.seq());
            }
        }
    }
}
