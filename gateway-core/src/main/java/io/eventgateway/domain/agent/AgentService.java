package io.eventgateway.domain.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.domain.stream.Stream;
import io.eventgateway.domain.stream.StreamService;
import io.eventgateway.domain.task.Task;
import io.eventgateway.domain.task.TaskService;
import io.eventgateway.log.EventLog;
import io.eventgateway.log.StateStore;
import io.eventgateway.state.Answer;
import io.eventgateway.state.PlanBuilder;
import io.eventgateway.state.Seqlock;
import io.eventgateway.state.Values;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Agents: each agent's current activity (table {@code agent_activity}) and the handoffs (table {@code handoffs}),
 * with their events on {@code agent:{agentId}} (PROTOCOL.md section 9).
 *
 * <p>{@code agent.started}, {@code agent.heartbeat} and {@code agent.completed} carry the seed design's
 * {@code AgentActivityData} ({@code streamId, streamName, agentId, agentName, taskId, taskTitle,
 * activityDescription, phase, startedAt}), plus {@code heartbeatAt} or {@code completedAt}. A {@code heartbeat} or
 * {@code completed} that leaves a field out keeps the one its activity has, so a heartbeat can be {@code {"kind":
 * "heartbeat"}}. {@code agent.handoff} ({@code AgentHandoffData}) is emitted on the topics of both agents, the
 * giving one first.
 */
public final class AgentService {

    static final String UPSERT = "INSERT OR REPLACE INTO agent_activity (agent_id, agent_name, status, stream_id,"
        + " task_id, phase, activity_description, started_at, last_heartbeat_at, completed_at, updated_at)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String SELECT = "SELECT agent_id, agent_name, status, stream_id, task_id, phase,"
        + " activity_description, started_at, last_heartbeat_at, completed_at, updated_at FROM agent_activity";
    static final String INSERT_HANDOFF = "INSERT INTO handoffs (id, task_id, from_agent, to_agent, chain_position,"
        + " chain_length, handoff_context, work_product_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final EventLog log;
    private final Seqlock seqlock;
    private final TaskService tasks;
    private final StreamService streams;
    private final Map<String, AgentActivity> agents = new ConcurrentHashMap<>();

    /**
     * Creates the service, empty.
     *
     * @param log the log every change commits through
     * @param seqlock the domain's seqlock
     * @param tasks the tasks an activity or a handoff names
     * @param streams the streams an activity names
     */
    public AgentService(EventLog log, Seqlock seqlock, TaskService tasks, StreamService streams) {
        this.log = Objects.requireNonNull(log, "log");
        this.seqlock = Objects.requireNonNull(seqlock, "seqlock");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        this.streams = Objects.requireNonNull(streams, "streams");
    }

    /**
     * Loads the agents' activity from the state table; once, at start, before any change.
     *
     * @param store the store
     * @return completes when loaded
     */
    public Mono<Void> load(StateStore store) {
        return store.load(SELECT, row -> new AgentActivity(
                Objects.requireNonNull(row.get(0, String.class)),
                row.get(1, String.class),
                Objects.requireNonNull(row.get(2, String.class)),
                row.get(3, String.class),
                row.get(4, String.class),
                row.get(5, String.class),
                row.get(6, String.class),
                Values.instant(row.get(7, Long.class)),
                Values.instant(row.get(8, Long.class)),
                Values.instant(row.get(9, Long.class)),
                Objects.requireNonNull(Values.instant(row.get(10, Long.class)))))
            .doOnNext(activity -> agents.put(activity.agentId(), activity))
            .then();
    }

    /**
     * An agent's current activity.
     *
     * @param agentId the agent
     * @return its activity, or null when it never reported any
     */
    public @Nullable AgentActivity find(String agentId) {
        return agents.get(agentId);
    }

    /**
     * {@code POST /api/agents/{agentId}/activity}: records an activity report; emits {@code agent.started},
     * {@code agent.heartbeat} or {@code agent.completed}.
     *
     * @param agentId the agent (used in the topic {@code agent:{agentId}})
     * @param report the report
     * @return the agent's activity and the seq of the event; fails with 404 when the named stream or task does
     *     not exist
     */
    public Mono<Answer<AgentActivity>> report(String agentId, NewActivity report) {
        Values.id("agentId", agentId);
        return log.transact(PlanBuilder.change(seqlock, (now, plan) -> {
            if (report.streamId() != null && streams.find(report.streamId()) == null) {
                throw Values.notFound("stream", "streamId", report.streamId());
            }
            if (report.taskId() != null && tasks.find(report.taskId()) == null) {
                throw Values.notFound("task", "taskId", report.taskId());
            }
            AgentActivity before = agents.get(agentId);
            AgentActivity after = next(agentId, before, report, now);
            plan.put(agents, agentId, after);
            plan.write(UPSERT, agentId, after.agentName(), after.status(), after.streamId(), after.taskId(),
                after.phase(), after.activityDescription(), Values.millis(after.startedAt()),
                Values.millis(after.lastHeartbeatAt()), Values.millis(after.completedAt()), now.toEpochMilli());
            ObjectNode data = activityData(after);
            if (report.kind() == ActivityKind.HEARTBEAT) {
                Values.putTime(data, "heartbeatAt", now);
            } else if (report.kind() == ActivityKind.COMPLETED) {
                Values.putTime(data, "completedAt", now);
            }
            plan.event("agent:" + agentId, report.kind().eventType(), data);
            return events -> Answer.written(after, events, log);
        }));
    }

    private static AgentActivity next(String agentId, @Nullable AgentActivity before, NewActivity report,
                                      Instant now) {
        String name = report.agentName() != null ? report.agentName() : before == null ? null : before.agentName();
        if (report.kind() == ActivityKind.STARTED || before == null) {
            boolean started = report.kind() == ActivityKind.STARTED;
            return new AgentActivity(agentId, name, report.kind() == ActivityKind.COMPLETED ? "completed" : "active",
                report.streamId(), report.taskId(), report.phase(), report.activityDescription(),
                started ? now : null, report.kind() == ActivityKind.HEARTBEAT ? now : null,
                report.kind() == ActivityKind.COMPLETED ? now : null, now);
        }
        boolean completed = report.kind() == ActivityKind.COMPLETED;
        return new AgentActivity(agentId, name, completed ? "completed" : "active",
            or(report.streamId(), before.streamId()), or(report.taskId(), before.taskId()),
            or(report.phase(), before.phase()), or(report.activityDescription(), before.activityDescription()),
            before.startedAt(), completed ? before.lastHeartbeatAt() : now, completed ? now : null, now);
    }

    private static @Nullable String or(@Nullable String given, @Nullable String kept) {
        return given != null ? given : kept;
    }

    /** The seed design's {@code AgentActivityData}, with names looked up as they are now. */
    private ObjectNode activityData(AgentActivity activity) {
        Stream stream = activity.streamId() == null ? null : streams.find(activity.streamId());
        Task task = activity.taskId() == null ? null : tasks.find(activity.taskId());
        ObjectNode data = Values.object();
        data.put("streamId", activity.streamId());
        data.put("streamName", stream == null ? null : stream.streamName());
        data.put("agentId", activity.agentId());
        data.put("agentName", activity.agentName() != null ? activity.agentName() : activity.agentId());
        data.put("taskId", activity.taskId());
        data.put("taskTitle", task == null ? null : task.title());
        data.put("activityDescription", activity.activityDescription());
        data.put("phase", activity.phase());
        Values.putTime(data, "startedAt", activity.startedAt());
        return data;
    }

    /**
     * {@code POST /api/handoffs}: records a handoff; emits {@code agent.handoff} on {@code agent:{fromAgent}} and
     * on {@code agent:{toAgent}}.
     *
     * @param request the handoff
     * @return the handoff and the seq of the second event; fails with 404 when the task does not exist
     */
    public Mono<Answer<Handoff>> handoff(NewHandoff request) {
        return log.transact(PlanBuilder.change(seqlock, (now, plan) -> {
            if (tasks.find(request.taskId()) == null) {
                throw Values.notFound("task", "taskId", request.taskId());
            }
            Handoff handoff = new Handoff(Values.newId("HO-"), request.taskId(), request.fromAgent(),
                request.toAgent(), request.chainPosition(), request.chainLength(), request.handoffContext(),
                request.workProductId(), now);
            plan.write(INSERT_HANDOFF, handoff.handoffId(), handoff.taskId(), handoff.fromAgent(), handoff.toAgent(),
                handoff.chainPosition(), handoff.chainLength(), handoff.handoffContext(), handoff.workProductId(),
                now.toEpochMilli());
            plan.event("agent:" + handoff.fromAgent(), "agent.handoff", handoff.toJson());
            plan.event("agent:" + handoff.toAgent(), "agent.handoff", handoff.toJson());
            return events -> Answer.written(handoff, events, log);
        }));
    }
}
