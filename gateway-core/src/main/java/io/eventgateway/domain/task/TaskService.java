package io.eventgateway.domain.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.EventCodec;
import io.eventgateway.log.EventLog;
import io.eventgateway.log.StateStore;
import io.eventgateway.state.Answer;
import io.eventgateway.state.PlanBuilder;
import io.eventgateway.state.Seqlock;
import io.eventgateway.state.Values;
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
 * Tasks: the in-memory table (any thread reads it), and the changes of PROTOCOL.md section 8, each committed with
 * its {@code task.*} events (section 9) and its observer's (the streams') in one transaction.
 *
 * <p>Events of a change, in order: {@code task.created} or {@code task.updated} (with {@code changes}); on a change
 * of status {@code task.status_changed}; {@code task.blocked} or {@code task.completed} when the task enters that
 * status (also when created in it); then the observer's. Every task event's {@code data} carries the task's
 * {@code taskId, taskTitle, status, streamId, assignedAgent}, so subscription filters on them work for each.
 */
public final class TaskService {

    static final String INSERT = "INSERT INTO tasks (id, title, status, stream_id, assigned_agent, progress, metadata,"
        + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String UPDATE = "UPDATE tasks SET title = ?, status = ?, stream_id = ?, assigned_agent = ?,"
        + " progress = ?, metadata = ?, updated_at = ? WHERE id = ?";
    static final String SELECT = "SELECT id, title, status, stream_id, assigned_agent, progress, metadata, created_at,"
        + " updated_at FROM tasks";

    private static final Comparator<Task> ORDER = Comparator.comparing(Task::createdAt).thenComparing(Task::id);

    private final EventLog log;
    private final Seqlock seqlock;
    private final TaskObserver observer;
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();

    /**
     * Creates the service, empty.
     *
     * @param log the log every change commits through
     * @param seqlock the domain's seqlock: every change writes under it, lists read under it
     * @param observer hears of every change in its plan (the streams)
     */
    public TaskService(EventLog log, Seqlock seqlock, TaskObserver observer) {
        this.log = Objects.requireNonNull(log, "log");
        this.seqlock = Objects.requireNonNull(seqlock, "seqlock");
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /**
     * Loads the tasks from the state table; once, at start, before any change.
     *
     * @param store the store
     * @return completes when loaded
     */
    public Mono<Void> load(StateStore store) {
        return store.load(SELECT, row -> new Task(
                Objects.requireNonNull(row.get(0, String.class)),
                Objects.requireNonNull(row.get(1, String.class)),
                TaskStatus.parse("status", row.get(2, String.class)),
                row.get(3, String.class),
                row.get(4, String.class),
                Objects.requireNonNull(row.get(5, Double.class)),
                parseObject(Objects.requireNonNull(row.get(6, String.class))),
                Objects.requireNonNull(Values.instant(row.get(7, Long.class))),
                Objects.requireNonNull(Values.instant(row.get(8, Long.class)))))
            .doOnNext(task -> {
                tasks.put(task.id(), task);
                observer.loaded(task);
            })
            .then();
    }

    /**
     * A task as it is now.
     *
     * @param id the id
     * @return the task, or null when there is none
     */
    public @Nullable Task find(String id) {
        return tasks.get(id);
    }

    /**
     * {@code GET /api/tasks/{id}}.
     *
     * @param id the id
     * @return the task with the head read before it
     * @throws GatewayException 404 when there is no such task
     */
    public Answer<Task> get(String id) {
        long seq = log.headSeq();
        Task task = tasks.get(id);
        if (task == null) {
            throw Values.notFound("task", "taskId", id);
        }
        return new Answer<>(task, seq);
    }

    /**
     * {@code GET /api/tasks}: the tasks that pass the filter, oldest first.
     *
     * @param filter the filter
     * @return the tasks with the head read before them
     */
    public Answer<List<Task>> list(TaskFilter filter) {
        long seq = log.headSeq();
        List<Task> list = seqlock.read(() -> {
            List<Task> kept = new ArrayList<>();
            for (Task task : tasks.values()) {
                if (filter.test(task)) {
                    kept.add(task);
                }
            }
            return kept;
        });
        list.sort(ORDER);
        return new Answer<>(List.copyOf(list), seq);
    }

    /**
     * {@code POST /api/tasks}: creates a task; emits {@code task.created} (and {@code task.blocked} or
     * {@code task.completed} when created in that status) and its stream's events.
     *
     * @param request the new task
     * @return the task with the seq of its last event; fails with 409 when the id exists, 404 when the stream
     *     does not
     */
    public Mono<Answer<Task>> create(NewTask request) {
        return log.transact(PlanBuilder.change(seqlock, (now, plan) -> {
            String id = request.id();
            if (id == null) {
                do {
                    id = Values.newId("T-");
                } while (tasks.containsKey(id));
            } else if (tasks.containsKey(id)) {
                throw new GatewayException(ErrorCode.CONFLICT, "a task with id '" + id + "' already exists",
                    Map.of("field", "id", "id", id));
            }
            ObjectNode metadata = request.metadata() == null ? Values.object() : request.metadata();
            TaskStatus status = request.status() == null ? TaskStatus.PENDING : request.status();
            Task task = new Task(id, request.title(), status, request.streamId(), request.assignedAgent(), 0,
                metadata, now, now);
            observer.check(task);
            plan.put(tasks, id, task);
            plan.write(INSERT, id, task.title(), status.wire(), task.streamId(), task.assignedAgent(),
                task.progress(), metadata.toString(), now.toEpochMilli(), now.toEpochMilli());
            ObjectNode created = data(task);
            created.put("progress", task.progress());
            created.set("metadata", metadata);
            Values.putTime(created, "createdAt", now);
            plan.event(topic(id), "task.created", created);
            entered(task, now, plan);
            observer.changed(null, task, now, plan);
            return events -> Answer.written(task, events, log);
        }));
    }

    /**
     * {@code PATCH /api/tasks/{id}}: changes a task; emits {@code task.updated}, on a change of status
     * {@code task.status_changed} and {@code task.blocked} or {@code task.completed} where it applies, and the
     * stream events. A patch that changes nothing emits nothing and answers the task as it is.
     *
     * @param id the task's id
     * @param patch the change
     * @return the task with the seq of its last event; fails with 404 when there is no such task or stream
     */
    public Mono<Answer<Task>> update(String id, TaskPatch patch) {
        return log.transact(PlanBuilder.change(seqlock, (now, plan) -> {
            Task before = tasks.get(id);
            if (before == null) {
                throw Values.notFound("task", "taskId", id);
            }
            Task after = patch.applyTo(before, now);
            ArrayNode changes = changes(before, after);
            if (changes.isEmpty()) {
                return events -> Answer.written(before, events, log);
            }
            observer.check(after);
            plan.put(tasks, id, after);
            plan.write(UPDATE, after.title(), after.status().wire(), after.streamId(), after.assignedAgent(),
                after.progress(), after.metadata().toString(), now.toEpochMilli(), id);
            ObjectNode updated = data(after);
            updated.set("changes", changes);
            Values.putTime(updated, "updatedAt", now);
            plan.event(topic(id), "task.updated", updated);
            if (before.status() != after.status()) {
                ObjectNode statusChanged = data(after);
                statusChanged.put("oldStatus", before.status().wire());
                statusChanged.put("newStatus", after.status().wire());
                Values.putTime(statusChanged, "statusChangedAt", now);
                plan.event(topic(id), "task.status_changed", statusChanged);
                entered(after, now, plan);
            }
            observer.changed(before, after, now, plan);
            return events -> Answer.written(after, events, log);
        }));
    }

    /** {@code task.blocked} / {@code task.completed} for a task that has just entered that status. */
    private static void entered(Task task, Instant now, PlanBuilder plan) {
        if (task.status() == TaskStatus.BLOCKED) {
            plan.event(topic(task.id()), "task.blocked", Values.putTime(data(task), "blockedAt", now));
        } else if (task.status() == TaskStatus.COMPLETED) {
            plan.event(topic(task.id()), "task.completed", Values.putTime(data(task), "completedAt", now));
        }
    }

    /** The fields every task event carries. */
    private static ObjectNode data(Task task) {
        ObjectNode data = Values.object();
        data.put("taskId", task.id());
        data.put("taskTitle", task.title());
        data.put("status", task.status().wire());
        data.put("streamId", task.streamId());
        data.put("assignedAgent", task.assignedAgent());
        return data;
    }

    /** {@code [{field, oldValue, newValue}]} in {@link TaskPatch.Field} order, for the fields that differ. */
    static ArrayNode changes(Task before, Task after) {
        ArrayNode changes = EventCodec.JSON.createArrayNode();
        for (TaskPatch.Field field : TaskPatch.Field.values()) {
            JsonNode old = value(before, field);
            JsonNode now = value(after, field);
            if (!old.equals(now)) {
                ObjectNode change = changes.addObject();
                change.put("field", field.wire());
                change.set("oldValue", old);
                change.set("newValue", now);
            }
        }
        return changes;
    }

    private static JsonNode value(Task task, TaskPatch.Field field) {
        switch (field) {
            case TITLE:
                return text(task.title());
            case STATUS:
                return text(task.status().wire());
            case ASSIGNED_AGENT:
                return text(task.assignedAgent());
            case STREAM_ID:
                return text(task.streamId());
            case PROGRESS:
                return EventCodec.JSON.getNodeFactory().numberNode(task.progress());
            case METADATA:
                return task.metadata();
            default:
                throw new IllegalStateException("unknown field " + field);
        }
    }

    private static JsonNode text(@Nullable String value) {
        return value == null ? NullNode.getInstance() : TextNode.valueOf(value);
    }

    private static String topic(String id) {
        return "task:" + id;
    }

    private static ObjectNode parseObject(String json) {
        try {
            JsonNode node = EventCodec.JSON.readTree(json);
            if (node instanceof ObjectNode) {
                return (ObjectNode) node;
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a task's metadata in the store is not JSON: " + e.getOriginalMessage(), e);
        }
        throw new IllegalStateException("a task's metadata in the store is not a JSON object: " + json);
    }
}
