package io.eventgateway.server.rest;

import io.eventgateway.domain.checkpoint.Checkpoint;
import io.eventgateway.domain.checkpoint.CheckpointService;
import io.eventgateway.domain.checkpoint.NewCheckpoint;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code POST /api/tasks/{id}/checkpoints}, {@code POST /api/checkpoints/{id}/resume} and
 * {@code GET /api/checkpoints?taskId=} (PROTOCOL.md section 8).
 */
final class CheckpointsResource {

    private static final Set<String> CREATE_FIELDS =
        Set.of("trigger", "executionPhase", "executionStep", "draft", "expiresAt");

    private final CheckpointService checkpoints;

    CheckpointsResource(CheckpointService checkpoints) {
        this.checkpoints = checkpoints;
    }

    /** {@code GET /api/checkpoints?taskId=}. */
    Mono<Void> list(HttpServerRequest request, HttpServerResponse response) {
        return Mono.defer(() -> {
            Map<String, List<String>> params = DomainRoutes.query(request, Set.of("taskId"));
            return DomainRoutes.sendList(response, "checkpoints",
                checkpoints.list(DomainRoutes.param(params, "taskId")), Checkpoint::toJson);
        });
    }

    /** {@code POST /api/tasks/{taskId}/checkpoints}: 201. */
    Mono<Void> create(String taskId, HttpServerRequest request, HttpServerResponse response) {
        return JsonBody.read(request, CREATE_FIELDS).flatMap(body -> {
            body.require("trigger");
            NewCheckpoint checkpoint = new NewCheckpoint(body.text("trigger"), body.text("executionPhase"),
                body.integer("executionStep"), body.value("draft"), body.time("expiresAt"));
            return checkpoints.create(taskId, checkpoint).publishOn(DomainRoutes.loopOf(request))
                .flatMap(answer -> DomainRoutes.send(response, HttpResponseStatus.CREATED, "checkpoint", answer,
                    Checkpoint::toJson));
        });
    }

    /** {@code POST /api/checkpoints/{id}/resume}: 200 with the draft. The request body, if any, is ignored. */
    Mono<Void> resume(String id, HttpServerRequest request, HttpServerResponse response) {
        return request.receive().then(Mono.defer(() -> checkpoints.resume(id)))
            .publishOn(DomainRoutes.loopOf(request))
            .flatMap(answer -> DomainRoutes.send(response, HttpResponseStatus.OK, "checkpoint", answer,
                Checkpoint::toJsonWithDraft));
    }
}
