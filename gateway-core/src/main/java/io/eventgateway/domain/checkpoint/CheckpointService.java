package io.eventgateway.domain.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.domain.task.Task;
import io.eventgateway.domain.task.TaskService;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.EventCodec;
import io.eventgateway.log.EventLog;
import io.eventgateway.log.StateStore;
import io.eventgateway.state.Answer;
import io.eventgateway.state.PlanBuilder;
import io.eventgateway.state.Seqlock;
import io.eventgateway.state.Values;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Checkpoints: the in-memory table, {@code POST /api/tasks/{id}/checkpoints}, {@code POST
 * /api/checkpoints/{id}/resume}, {@code GET /api/checkpoints}, and their expiry. Events go to
 * {@code checkpoint:{taskId}} (PROTOCOL.md section 9).
 *
 * <p><b>Expiry, exactly once.</b> A checkpoint with an {@code expiresAt} that is neither resumed nor expired waits
 * in a set ordered by {@code expiresAt}; a timer ({@link CheckpointExpiry}, on the injected clock and scheduler)
 * fires when the earliest passes and commits, in one change, {@code expired_at} and {@code checkpoint.expired} for
 * every one due. Because the mark and the event commit together and the plan skips a checkpoint already marked, the
 * event is emitted once, also across restarts: one that expired while the gateway was down is due at start and
 * expires then. A checkpoint past its {@code expiresAt} can no longer be resumed, even before the timer ran.
 */
public final class CheckpointService implements Disposable {

    /** The most checkpoints one expiry change marks; more due ones follow in the next change at once. */
    static final int MAX_EXPIRED_PER_CHANGE = 1000;

    static final String INSERT = "INSERT INTO checkpoints (id, task_id, sequence, trigger, execution_phase,"
        + " execution_step, draft, expires_at, created_at, resumed_at, expired_at)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)";
    static final String RESUMED = "UPDATE checkpoints SET resumed_at = ? WHERE id = ?";
    static final String EXPIRED = "UPDATE checkpoints SET expired_at = ? WHERE id = ?";
    static final String SELECT = "SELECT id, task_id, sequence, trigger, execution_phase, execution_step, draft,"
        + " expires_at, created_at, resumed_at, expired_at FROM checkpoints";

    private static final Comparator<Checkpoint> ORDER = Comparator.comparing(Checkpoint::createdAt)
        .thenComparing(Checkpoint::taskId).thenComparingInt(Checkpoint::sequence);

    private final EventLog log;
    private final Seqlock seqlock;
    private final TaskService tasks;
    private final Map<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();
    /** The highest sequence of each task's checkpoints. */
    private final Map<String, Integer> sequences = new ConcurrentHashMap<>();
    /** Checkpoints that will expire (neither resumed nor expired), earliest first. */
    private final NavigableSet<Due> due = new ConcurrentSkipListSet<>();
    private final CheckpointExpiry expiry;

    /**
     * Creates the service, empty; its timer starts with {@link #startExpiry()}.
     *
     * @param log the log every change commits through
     * @param seqlock the domain's seqlock
     * @param tasks the tasks (a checkpoint belongs to one)
     * @param clock the clock the log stamps changes with; the timer's delays are computed on it
     * @param timer the scheduler of the expiry timer
     */
    public CheckpointService(EventLog log, Seqlock seqlock, TaskService tasks, Clock clock, Scheduler timer) {
        this.log = Objects.requireNonNull(log, "log");
        this.seqlock = Objects.requireNonNull(seqlock, "seqlock");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        this.expiry = new CheckpointExpiry(this, clock, timer);
    }

    /**
     * Loads the checkpoints from the state table; once, at start, before any change.
     *
     * @param store the store
     * @return completes when loaded
     */
    public Mono<Void> load(StateStore store) {
        return store.load(SELECT, row -> {
            String draft = row.get(6, String.class);
            Long step = row.get(5, Long.class);
            return new Checkpoint(
                Objects.requireNonNull(row.get(0, String.class)),
                Objects.requireNonNull(row.get(1, String.class)),
                Objects.requireNonNull(row.get(2, Long.class)).intValue(),
                Objects.requireNonNull(row.get(3, String.class)),
                row.get(4, String.class),
                step == null ? null : step.intValue(),
                draft == null ? null : parse(draft),
                Values.instant(row.get(7, Long.class)),
                Objects.requireNonNull(Values.instant(row.get(8, Long.class))),
                Values.instant(row.get(9, Long.class)),
                Values.instant(row.get(10, Long.class)));
        }).doOnNext(checkpoint -> {
            checkpoints.put(checkpoint.id(), checkpoint);
            sequences.merge(checkpoint.taskId(), checkpoint.sequence(), Math::max);
            if (waiting(checkpoint)) {
                due.add(new Due(Objects.requireNonNull(checkpoint.expiresAt()), checkpoint.id()));
            }
        }).then();
    }

    /**
     * Starts the expiry timer: checkpoints that expired while the gateway was down expire at once.
     */
    public void startExpiry() {
        expiry.arm();
    }

    /**
     * {@code GET /api/checkpoints?taskId=}: the checkpoints, of one task or all, oldest first.
     *
     * @param taskId the task to keep, or null for every task
     * @return the checkpoints and the head read before them
     */
    public Answer<List<Checkpoint>> list(@Nullable String taskId) {
        long seq = log.headSeq();
        List<Checkpoint> list = seqlock.read(() -> {
            List<Checkpoint> kept = new ArrayList<>();
            for (Checkpoint checkpoint : checkpoints.values()) {
                if (taskId == null || taskId.equals(checkpoint.taskId())) {
                    kept.add(checkpoint);
                }
            }
            return kept;
        });
        list.sort(ORDER);
        return new Answer<>(List.copyOf(list), seq);
    }

    /**
     * A checkpoint as it is now.
     *
     * @param id the id
     * @return the checkpoint, or null
     */
    public @Nullable Checkpoint find(String id) {
        return checkpoints.get(id);
    }

    /**
     * {@code POST /api/tasks/{id}/checkpoints}: creates the task's next checkpoint; emits {@code checkpoint.created}.
     *
     * @param taskId the task
     * @param request the checkpoint
     * @return the checkpoint with the seq of its event; fails with 404 for an unknown task, 400 when
     *     {@code expiresAt} is not later than now
     */
    public Mono<Answer<Checkpoint>> create(String taskId, NewCheckpoint request) {
        return log.transact(PlanBuilder.change(seqlock, (now, plan) -> {
            Task task = tasks.find(taskId);
            if (task == null) {
                throw Values.notFound("task", "taskId", taskId);
            }
            Instant expiresAt = request.expiresAt();
            if (expiresAt != null && !expiresAt.isAfter(now)) {
                throw Values.invalid("expiresAt", "'expiresAt' must be later than now ("
                    + EventCodec.timestamp(now) + "), got " + EventCodec.timestamp(expiresAt));
            }
            String id;
            do {
                id = Values.newId("CP-");
            } while (checkpoints.containsKey(id));
            int sequence = sequences.getOrDefault(taskId, 0) + 1;
            Checkpoint checkpoint = new Checkpoint(id, taskId, sequence, request.trigger(), request.executionPhase(),
                request.executionStep(), request.draft(), expiresAt, now, null, null);
            plan.put(sequences, taskId, sequence);
            plan.put(checkpoints, id, checkpoint);
            if (expiresAt != null) {
                plan.add(due, new Due(expiresAt, id));
            }
            JsonNode draft = request.draft();
            plan.write(INSERT, id, taskId, sequence, request.trigger(), request.executionPhase(),
                request.executionStep(), draft == null ? null : draft.toString(), Values.millis(expiresAt),
                now.toEpochMilli());
            ObjectNode data = data(checkpoint, task);
            data.put("executionPhase", checkpoint.executionPhase());
            data.put("executionStep", checkpoint.executionStep());
            data.put("hasDraft", checkpoint.hasDraft());
            Values.putTime(data, "expiresAt", expiresAt);
            Values.putTime(data, "createdAt", now);
            plan.event(topic(taskId), "checkpoint.created", data);
            return events -> Answer.written(checkpoint, events, log);
        })).doOnSuccess(answer -> {
            if (answer.value().expiresAt() != null) {
                expiry.arm();
            }
        });
    }

    /**
     * {@code POST /api/checkpoints/{id}/resume}: marks a checkpoint resumed; emits {@code checkpoint.resumed}.
     *
     * @param id the checkpoint's id
     * @return the checkpoint (with its draft) and the seq of its event; fails with 404 for an unknown checkpoint,
     *     409 when it was already resumed or has expired
     */
    public Mono<Answer<Checkpoint>> resume(String id) {
        return log.transact(PlanBuilder.change(seqlock, (now, plan) -> {
            Checkpoint checkpoint = checkpoints.get(id);
            if (checkpoint == null) {
                throw Values.notFound("checkpoint", "checkpointId", id);
            }
            Instant resumedAt = checkpoint.resumedAt();
            if (resumedAt != null) {
                throw new GatewayException(ErrorCode.CONFLICT, "checkpoint '" + id + "' was already resumed at "
                    + EventCodec.timestamp(resumedAt) + "; a checkpoint is resumed once",
                    Map.of("checkpointId", id, "resumedAt", EventCodec.timestamp(resumedAt)));
            }
            Instant expiresAt = checkpoint.expiresAt();
            if (expiresAt != null && !now.isBefore(expiresAt)) {
                throw new GatewayException(ErrorCode.CONFLICT, "checkpoint '" + id + "' expired at "
                    + EventCodec.timestamp(expiresAt) + " and can no longer be resumed",
                    Map.of("checkpointId", id, "expiresAt", EventCodec.timestamp(expiresAt)));
            }
            Checkpoint resumed = new Checkpoint(id, checkpoint.taskId(), checkpoint.sequence(), checkpoint.trigger(),
                checkpoint.executionPhase(), checkpoint.executionStep(), checkpoint.draft(), expiresAt,
                checkpoint.createdAt(), now, null);
            plan.put(checkpoints, id, resumed);
            if (expiresAt != null) {
                plan.remove(due, new Due(expiresAt, id));
            }
            plan.write(RESUMED, now.toEpochMilli(), id);
            ObjectNode data = data(resumed, tasks.find(resumed.taskId()));
            data.put("executionPhase", resumed.executionPhase());
            data.put("executionStep", resumed.executionStep());
            data.put("hasDraft", resumed.hasDraft());
            Values.putTime(data, "resumedAt", now);
            plan.event(topic(resumed.taskId()), "checkpoint.resumed", data);
            return events -> Answer.written(resumed, events, log);
        }));
    }

    /**
     * The earliest {@code expiresAt} still to expire.
     *
     * @return it, or null when none waits
     */
    @Nullable Instant nextDue() {
        Due first = due.isEmpty() ? null : due.first();
        return first == null ? null : first.expiresAt();
    }

    /**
     * Expires every checkpoint whose {@code expiresAt} is not later than the change's time (at most
     * {@link #MAX_EXPIRED_PER_CHANGE}), with their {@code checkpoint.expired} events, in one change.
     *
     * @return how many expired
     */
    Mono<Integer> expireDue() {
        return log.transact(PlanBuilder.change(seqlock, (now, plan) -> {
            List<Due> ready = new ArrayList<>();
            for (Due d : due) {
                if (d.expiresAt().isAfter(now) || ready.size() >= MAX_EXPIRED_PER_CHANGE) {
                    break;
                }
                ready.add(d);
            }
            int expired = 0;
            for (Due d : ready) {
                plan.remove(due, d);
                Checkpoint checkpoint = checkpoints.get(d.id());
                if (checkpoint == null || !waiting(checkpoint)) {
                    continue;
                }
                Checkpoint marked = new Checkpoint(checkpoint.id(), checkpoint.taskId(), checkpoint.sequence(),
                    checkpoint.trigger(), checkpoint.executionPhase(), checkpoint.executionStep(), checkpoint.draft(),
                    checkpoint.expiresAt(), checkpoint.createdAt(), null, now);
                plan.put(checkpoints, marked.id(), marked);
                plan.write(EXPIRED, now.toEpochMilli(), marked.id());
                ObjectNode data = data(marked, tasks.find(marked.taskId()));
                Values.putTime(data, "expiresAt", marked.expiresAt());
                Values.putTime(data, "expiredAt", now);
                plan.event(topic(marked.taskId()), "checkpoint.expired", data);
                expired++;
            }
            int count = expired;
            return events -> count;
        }));
    }

    private static boolean waiting(Checkpoint checkpoint) {
        return checkpoint.expiresAt() != null && checkpoint.resumedAt() == null && checkpoint.expiredAt() == null;
    }

    /** The fields every checkpoint event carries. */
    private static ObjectNode data(Checkpoint checkpoint, @Nullable Task task) {
        ObjectNode data = Values.object();
        data.put("checkpointId", checkpoint.id());
        data.put("taskId", checkpoint.taskId());
        data.put("taskTitle", task == null ? null : task.title());
        data.put("sequence", checkpoint.sequence());
        data.put("trigger", checkpoint.trigger());
        return data;
    }

    private static String topic(String taskId) {
        return "checkpoint:" + taskId;
    }

    private static JsonNode parse(String json) {
        try {
            return EventCodec.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a checkpoint's draft in the store is not JSON: " + e.getOriginalMessage(),
                e);
        }
    }

    @Override
    public void dispose() {
        expiry.dispose();
    }

    @Override
    public boolean isDisposed() {
        return expiry.isDisposed();
    }

    /** A checkpoint waiting to expire, ordered by {@code expiresAt} then id. */
    record Due(Instant expiresAt, String id) implements Comparable<Due> {
        @Override
        public int compareTo(Due other) {
            int byTime = expiresAt.compareTo(other.expiresAt);
            return byTime != 0 ? byTime : id.compareTo(other.id);
        }
    }
}
