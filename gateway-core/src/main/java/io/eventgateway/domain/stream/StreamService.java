package io.eventgateway.domain.stream;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.domain.task.Task;
import io.eventgateway.domain.task.TaskObserver;
import io.eventgateway.domain.task.TaskStatus;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.log.EventLog;
import io.eventgateway.log.StateStore;
import io.eventgateway.state.Answer;
import io.eventgateway.state.PlanBuilder;
import io.eventgateway.state.Seqlock;
import io.eventgateway.state.Values;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Streams: the in-memory table with each stream's tasks and counts, {@code POST/GET /api/streams}, and the stream
 * half of every task change ({@link TaskObserver}), planned in the task's own transaction.
 *
 * <p>A task change touches the stream it leaves and the stream it joins (the same one when it stays). For each
 * stream whose counts change, in that order, the change emits on {@code stream:{id}}:
 * <ol>
 *   <li>{@code stream.started}, the first time a task of the stream is {@code in_progress};</li>
 *   <li>{@code stream.progress}, always (the counts changed: a task's status, a task created in it, a task that
 *       joined or left it);</li>
 *   <li>{@code stream.blocked}, when a task of the stream became blocked or a blocked task joined it;</li>
 *   <li>{@code stream.completed}, when every task of its work ({@link StatusCounts#totalTasks()}) is now completed
 *       and was not before; {@code duration} runs from {@code startedAt} (from {@code createdAt} when no task of it
 *       ever went {@code in_progress}).</li>
 * </ol>
 */
public final class StreamService implements TaskObserver {

    static final String INSERT = "INSERT INTO streams (stream_id, stream_name, created_at, started_at, completed_at,"
        + " updated_at) VALUES (?, ?, ?, ?, ?, ?)";
    static final String UPDATE = "UPDATE streams SET started_at = ?, completed_at = ?, updated_at = ?"
        + " WHERE stream_id = ?";
    static final String SELECT = "SELECT stream_id, stream_name, created_at, started_at, completed_at, updated_at"
        + " FROM streams";

    private static final Comparator<Task> TASK_ORDER = Comparator.comparing(Task::createdAt)
        .thenComparing(Task::id);

    private final EventLog log;
    private final Seqlock seqlock;
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    /** Each stream's tasks by id, as they are after every committed or planned change. */
    private final Map<String, Map<String, Task>> members = new ConcurrentHashMap<>();

    /**
     * Creates the service, empty.
     *
     * @param log the log every change commits through
     * @param seqlock the domain's seqlock: every change writes under it, views read under it
     */
    public StreamService(EventLog log, Seqlock seqlock) {
        this.log = Objects.requireNonNull(log, "log");
        this.seqlock = Objects.requireNonNull(seqlock, "seqlock");
    }

    /**
     * Loads the streams from the state table; once, at start, before the tasks (whose loading counts them).
     *
     * @param store the store
     * @return completes when loaded
     */
    public Mono<Void> load(StateStore store) {
        return store.load(SELECT, row -> new Stream(
                Objects.requireNonNull(row.get(0, String.class)),
                Objects.requireNonNull(row.get(1, String.class)),
                Objects.requireNonNull(Values.instant(row.get(2, Long.class))),
                Values.instant(row.get(3, Long.class)),
                Values.instant(row.get(4, Long.class)),
                Objects.requireNonNull(Values.instant(row.get(5, Long.class))),
                StatusCounts.NONE))
            .doOnNext(stream -> {
                streams.put(stream.streamId(), stream);
                members.put(stream.streamId(), new ConcurrentHashMap<>());
            })
            .then();
    }

    /**
     * A stream as it is now, with the counts kept up to date by every task change (the ones its events carry).
     *
     * @param streamId the id
     * @return the stream, or null
     */
    public @Nullable Stream find(String streamId) {
        return streams.get(streamId);
    }

    /**
     * {@code GET /api/streams/{id}}.
     *
     * @param streamId the id
     * @return the stream with its tasks, and the head read before them
     * @throws GatewayException 404 when there is no such stream
     */
    public Answer<StreamView> get(String streamId) {
        long seq = log.headSeq();
        Read read = seqlock.read(() -> {
            Stream stream = streams.get(streamId);
            return stream == null ? null : read(stream);
        });
        if (read == null) {
            throw Values.notFound("stream", "streamId", streamId);
        }
        return new Answer<>(read.view(), seq);
    }

    /**
     * {@code GET /api/streams}: every stream with its tasks, oldest first.
     *
     * @return the streams and the head read before them
     */
    public Answer<List<StreamView>> list() {
        long seq = log.headSeq();
        List<Read> reads = seqlock.read(() -> {
            List<Read> all = new ArrayList<>(streams.size());
            for (Stream stream : streams.values()) {
                all.add(read(stream));
            }
            return all;
        });
        List<StreamView> views = new ArrayList<>(reads.size());
        for (Read read : reads) {
            views.add(read.view());
        }
        views.sort(Comparator.comparing((StreamView v) -> v.stream().createdAt())
            .thenComparing(v -> v.stream().streamId()));
        return new Answer<>(List.copyOf(views), seq);
    }

    /**
     * {@code POST /api/streams}: creates an empty stream. It emits no event (PROTOCOL.md section 8); its first
     * {@code stream.progress} comes with its first task.
     *
     * @param streamId the id (used in the topic {@code stream:{streamId}})
     * @param streamName the name, not blank
     * @return the stream; fails with 409 when the id exists
     */
    public Mono<Answer<StreamView>> create(String streamId, String streamName) {
        Values.id("streamId", streamId);
        Values.text("streamName", streamName, Values.MAX_TEXT);
        return log.transact(PlanBuilder.change(seqlock, (now, plan) -> {
            if (streams.containsKey(streamId)) {
                throw new GatewayException(ErrorCode.CONFLICT, "a stream with id '" + streamId + "' already exists",
                    Map.of("field", "streamId", "id", streamId));
            }
            Stream stream = new Stream(streamId, streamName, now, null, null, now, StatusCounts.NONE);
            plan.put(streams, streamId, stream);
            plan.put(members, streamId, new ConcurrentHashMap<>());
            plan.write(INSERT, streamId, streamName, now.toEpochMilli(), null, null, now.toEpochMilli());
            StreamView view = new StreamView(stream, List.of(), List.of());
            return events -> Answer.written(view, events, log);
        }));
    }

    @Override
    public void check(Task task) {
        String streamId = task.streamId();
        if (streamId != null && !streams.containsKey(streamId)) {
            throw Values.notFound("stream", "streamId", streamId);
        }
    }

    @Override
    public void loaded(Task task) {
        String streamId = task.streamId();
        Stream stream = streamId == null ? null : streams.get(streamId);
        if (stream == null) {
            return;
        }
        members.get(streamId).put(task.id(), task);
        streams.put(streamId, new Stream(stream.streamId(), stream.streamName(), stream.createdAt(),
            stream.startedAt(), stream.completedAt(), stream.lastUpdated(), stream.counts().plus(task.status(), 1)));
    }

    @Override
    public void changed(@Nullable Task before, Task after, Instant now, PlanBuilder plan) {
        String from = before == null ? null : before.streamId();
        String to = after.streamId();
        if (before != null && Objects.equals(from, to)) {
            if (to == null) {
                return;
            }
            plan.put(members(to), after.id(), after);
            if (before.status() != after.status()) {
                apply(to, before, after, now, plan);
            }
            return;
        }
        if (from != null) {
            plan.remove(members(from), after.id());
            apply(from, before, null, now, plan);
        }
        if (to != null) {
            plan.put(members(to), after.id(), after);
            apply(to, null, after, now, plan);
        }
    }

    private Map<String, Task> members(String streamId) {
        return Objects.requireNonNull(members.get(streamId), streamId);
    }

    /**
     * Moves one task's count in a stream (the task as it was counted leaves, the task as it is enters; either may
     * be absent) and emits the stream's events.
     */
    private void apply(String streamId, @Nullable Task leaving, @Nullable Task entering, Instant now,
                       PlanBuilder plan) {
        Stream old = Objects.requireNonNull(streams.get(streamId), streamId);
        StatusCounts counts = old.counts();
        if (leaving != null) {
            counts = counts.plus(leaving.status(), -1);
        }
        if (entering != null) {
            counts = counts.plus(entering.status(), 1);
        }
        Instant startedAt = old.startedAt();
        boolean started = startedAt == null && counts.inProgress() > 0;
        if (started) {
            startedAt = now;
        }
        boolean complete = counts.complete();
        boolean completedNow = complete && old.completedAt() == null;
        Instant completedAt = complete ? (completedNow ? now : old.completedAt()) : null;
        Stream stream = new Stream(streamId, old.streamName(), old.createdAt(), startedAt, completedAt, now, counts);
        plan.put(streams, streamId, stream);
        plan.write(UPDATE, Values.millis(startedAt), Values.millis(completedAt), now.toEpochMilli(), streamId);

        String topic = "stream:" + streamId;
        if (started) {
            ObjectNode data = Values.object();
            data.put("streamId", streamId);
            data.put("streamName", stream.streamName());
            data.put("taskId", entering == null ? null : entering.id());
            data.put("totalTasks", counts.totalTasks());
            Values.putTime(data, "startedAt", now);
            plan.event(topic, "stream.started", data);
        }
        plan.event(topic, "stream.progress", stream.progressJson());
        boolean blockedNow = entering != null && entering.status() == TaskStatus.BLOCKED
            && (leaving == null || leaving.status() != TaskStatus.BLOCKED);
        if (blockedNow) {
            ObjectNode data = Values.object();
            data.put("streamId", streamId);
            data.put("streamName", stream.streamName());
            data.put("blockedReason", "task " + entering.id() + " (" + entering.title() + ") is blocked");
            ArrayNode ids = data.putArray("blockedTaskIds");
            blockedTaskIds(streamId).forEach(ids::add);
            plan.event(topic, "stream.blocked", data);
        }
        if (completedNow) {
            Instant from = startedAt != null ? startedAt : old.createdAt();
            ObjectNode data = Values.object();
            data.put("streamId", streamId);
            data.put("streamName", stream.streamName());
            data.put("totalTasks", counts.totalTasks());
            Values.putTime(data, "completedAt", now);
            data.put("duration", Duration.between(from, now).toMillis());
            plan.event(topic, "stream.completed", data);
        }
    }

    private List<String> blockedTaskIds(String streamId) {
        List<String> ids = new ArrayList<>();
        for (Task task : members(streamId).values()) {
            if (task.status() == TaskStatus.BLOCKED) {
                ids.add(task.id());
            }
        }
        ids.sort(null);
        return ids;
    }

    /** The references a view is built from; taken under the seqlock, so kept short. */
    private Read read(Stream stream) {
        return new Read(stream, members(stream.streamId()).values().toArray(new Task[0]));
    }

    /**
     * A stream and its tasks as one read saw them. The view's counts are recounted from exactly the tasks it lists,
     * so an answer never shows counts that disagree with its {@code taskList}, even when a reader that kept
     * overlapping changes gave up waiting for a quiet moment ({@link Seqlock}).
     */
    private record Read(Stream stream, Task[] tasks) {
        StreamView view() {
            List<Task> list = new ArrayList<>(List.of(tasks));
            list.sort(TASK_ORDER);
            StatusCounts counts = StatusCounts.NONE;
            List<String> blocked = new ArrayList<>();
            for (Task task : list) {
                counts = counts.plus(task.status(), 1);
                if (task.status() == TaskStatus.BLOCKED) {
                    blocked.add(task.id());
                }
            }
            blocked.sort(null);
            Stream recounted = new Stream(stream.streamId(), stream.streamName(), stream.createdAt(),
                stream.startedAt(), stream.completedAt(), stream.lastUpdated(), counts);
            return new StreamView(recounted, list, blocked);
        }
    }
}
