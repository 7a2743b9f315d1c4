package io.eventgateway.server.rest;

import io.eventgateway.domain.agent.ActivityKind;
import io.eventgateway.domain.agent.AgentActivity;
import io.eventgateway.domain.agent.AgentService;
import io.eventgateway.domain.agent.Handoff;
import io.eventgateway.domain.agent.NewActivity;
import io.eventgateway.domain.agent.NewHandoff;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** {@code POST /api/agents/{agentId}/activity} and {@code POST /api/handoffs} (PROTOCOL.md section 8). */
final class AgentsResource {

    private static final Set<String> ACTIVITY_FIELDS =
        Set.of("kind", "streamId", "taskId", "phase", "activityDescription", "agentName");
    private static final Set<String> HANDOFF_FIELDS = Set.of("taskId", "fromAgent", "toAgent", "chainPosition",
        "chainLength", "handoffContext", "workProductId");

    private final AgentService agents;

    AgentsResource(AgentService agents) {
        this.agents = agents;
    }

    /** {@code POST /api/agents/{agentId}/activity}: 202. */
    Mono<Void> activity(String agentId, HttpServerRequest request, HttpServerResponse response) {
        return JsonBody.read(request, ACTIVITY_FIELDS).flatMap(body -> {
            NewActivity activity = new NewActivity(ActivityKind.parse(body.text("kind")), body.text("streamId"),
                body.text("taskId"), body.text("phase"), body.text("activityDescription"), body.text("agentName"));
            return agents.report(agentId, activity).publishOn(DomainRoutes.loopOf(request))
                .flatMap(answer -> DomainRoutes.send(response, HttpResponseStatus.ACCEPTED, "agent", answer,
                    AgentActivity::toJson));
        });
    }

    /** {@code POST /api/handoffs}: 201. */
    Mono<Void> handoff(HttpServerRequest request, HttpServerResponse response) {
        return JsonBody.read(request, HANDOFF_FIELDS).flatMap(body -> {
            for (String field : new String[] {"taskId", "fromAgent", "toAgent", "chainPosition", "chainLength",
                "handoffContext"}) {
                body.require(field);
            }
            NewHandoff handoff = new NewHandoff(body.text("taskId"), body.text("fromAgent"), body.text("toAgent"),
                Objects.requireNonNull(body.integer("chainPosition")), Objects.requireNonNull(
                body.integer("chainLength")), body.text("handoffContext"), body.text("workProductId"));
            return agents.handoff(handoff).publishOn(DomainRoutes.loopOf(request))
                .flatMap(answer -> DomainRoutes.send(response, HttpResponseStatus.CREATED, "handoff", answer,
                    Handoff::toJson));
        });
    }
}
