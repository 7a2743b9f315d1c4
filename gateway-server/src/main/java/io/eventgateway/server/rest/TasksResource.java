package io.eventgateway.server.rest;

import io.eventgateway.domain.task.NewTask;
import io.eventgateway.domain.task.Task;
import io.eventgateway.domain.task.TaskFilter;
import io.eventgateway.domain.task.TaskPatch;
import io.eventgateway.domain.task.TaskService;
import io.eventgateway.domain.task.TaskStatus;
import io.eventgateway.state.Values;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** {@code /api/tasks} and {@code /api/tasks/{id}} (PROTOCOL.md section 8). */
final class TasksResource {

    private static final Set<String> CREATE_FIELDS =
        Set.of("id", "title", "status", "streamId", "assignedAgent", "metadata");
    private static final Set<String> PATCH_FIELDS =
        Set.of("title", "status", "assignedAgent", "streamId", "progress", "metadata");
    private static final Set<String> LIST_PARAMS = Set.of("status", "streamId", "assignedAgent");

    private final TaskService tasks;

    TasksResource(TaskService tasks) {
        this.tasks = tasks;
    }

    /** {@code GET /api/tasks?status=a,b&streamId=&assignedAgent=}. */
    Mono<Void> list(HttpServerRequest request, HttpServerResponse response) {
        return Mono.defer(() -> {
            Map<String, List<String>> params = DomainRoutes.query(request, LIST_PARAMS);
            Set<TaskStatus> statuses = EnumSet.noneOf(TaskStatus.class);
            List<String> values = params.get("status");
            if (values != null) {
                for (String value : values) {
                    for (String name : value.split(",", -1)) {
                        statuses.add(TaskStatus.parse("status", name.trim()));
                    }
                }
            }
            TaskFilter filter = new TaskFilter(statuses, DomainRoutes.param(params, "streamId"),
                DomainRoutes.param(params, "assignedAgent"));
            return DomainRoutes.sendList(response, "tasks", tasks.list(filter), Task::toJson);
        });
    }

    /** {@code GET /api/tasks/{id}}. */
    Mono<Void> get(String id, HttpServerResponse response) {
        return Mono.defer(() -> DomainRoutes.send(response, HttpResponseStatus.OK, "task", tasks.get(id),
            Task::toJson));
    }

    /** {@code POST /api/tasks}: 201. */
    Mono<Void> create(HttpServerRequest request, HttpServerResponse response) {
        return JsonBody.read(request, CREATE_FIELDS).flatMap(body -> {
            body.require("title");
            String status = body.text("status");
            NewTask task = new NewTask(body.text("id"), body.text("title"),
                status == null ? null : TaskStatus.parse("status", status), body.text("streamId"),
                body.text("assignedAgent"), body.object("metadata"));
            return tasks.create(task).publishOn(DomainRoutes.loopOf(request))
                .flatMap(answer -> DomainRoutes.send(response, HttpResponseStatus.CREATED, "task", answer,
                    Task::toJson));
        });
    }

    /** {@code PATCH /api/tasks/{id}}: 200. */
    Mono<Void> update(String id, HttpServerRequest request, HttpServerResponse response) {
        return JsonBody.read(request, PATCH_FIELDS).flatMap(body -> {
            TaskPatch.Builder patch = TaskPatch.builder();
            if (body.has("title")) {
                patch.title(required(body, "title"));
            }
            if (body.has("status")) {
                patch.status(TaskStatus.parse("status", required(body, "status")));
            }
            if (body.has("assignedAgent")) {
                patch.assignedAgent(body.text("assignedAgent"));
            }
            if (body.has("streamId")) {
                patch.streamId(body.text("streamId"));
            }
            if (body.has("progress")) {
                body.require("progress");
                patch.progress(nonNull(body.number("progress")));
            }
            if (body.has("metadata")) {
                body.require("metadata");
                patch.metadata(nonNull(body.object("metadata")));
            }
            return tasks.update(id, patch.build()).publishOn(DomainRoutes.loopOf(request))
                .flatMap(answer -> DomainRoutes.send(response, HttpResponseStatus.OK, "task", answer,
                    Task::toJson));
        });
    }

    /** A string field that may not be null when present. */
    private static String required(JsonBody body, String field) {
        String value = body.text(field);
        if (value == null) {
            throw Values.invalid(field, "'" + field + "' may not be null");
        }
        return value;
    }

    private static <T> T nonNull(@Nullable T value) {
        if (value == null) {
            throw new IllegalStateException("checked by require");
        }
        return value;
    }
}
