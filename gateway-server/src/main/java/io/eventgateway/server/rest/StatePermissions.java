package io.eventgateway.server.rest;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.server.auth.Grant;
import io.eventgateway.topic.TopicPattern;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;

/**
 * What the state routes of PROTOCOL.md section 8 need (section 11.3), checked before they are routed: a read needs
 * {@code subscribe} patterns covering the whole entities its answer shows, a write needs {@code publish} patterns
 * covering the whole entities of the events it may emit (section 9). Entity-wide, not per id: a state answer
 * aggregates several ids and entities (a stream with its task list, a task update with its stream's progress), so
 * only an entity-wide grant can allow it without leaking what a narrower one hides.
 */
final class StatePermissions {

    private static final TopicPattern TASKS = TopicPattern.parse("task:*");
    private static final TopicPattern STREAMS = TopicPattern.parse("stream:*");
    private static final TopicPattern CHECKPOINTS = TopicPattern.parse("checkpoint:*");
    private static final TopicPattern AGENTS = TopicPattern.parse("agent:*");

    private StatePermissions() {
    }

    /**
     * Fails unless the grant allows the request; does nothing for paths that are not state routes.
     *
     * @param grant the request's grant
     * @param method its method
     * @param path its path, without the query
     * @throws io.eventgateway.error.GatewayException {@link ErrorCode#FORBIDDEN} naming the entity pattern
     */
    static void check(Grant grant, HttpMethod method, String path) {
        String[] segments = path.split("/");
        if (segments.length < 3 || !segments[1].equals("api")) {
            return;
        }
        boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
        List<TopicPattern> entities = switch (segments[2]) {
            case "tasks" -> segments.length == 5 && segments[4].equals("checkpoints") ? List.of(CHECKPOINTS)
                : read ? List.of(TASKS) : List.of(TASKS, STREAMS);
            case "streams" -> read ? List.of(STREAMS, TASKS) : List.of(STREAMS);
            case "checkpoints" -> List.of(CHECKPOINTS);
            case "agents", "handoffs" -> List.of(AGENTS);
            default -> List.of();
        };
        for (TopicPattern entity : entities) {
            if (read) {
                grant.checkSubscribe(List.of(entity), ErrorCode.FORBIDDEN);
            } else {
                grant.checkPublishAll(entity, ErrorCode.FORBIDDEN);
            }
        }
    }
}
