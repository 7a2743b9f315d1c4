package io.eventgateway.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.domain.Domain;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.state.Answer;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The state routes of PROTOCOL.md section 8 (tasks, streams, checkpoints, agents, handoffs), with 404 for an
 * unknown path under them and 405 with {@code Allow} for a known path and another method. Path segments are
 * percent-decoded, so an id with a {@code /} is addressed as {@code %2F}.
 *
 * <p>Every answer is {@code {"<resource>": ..., "seq": n}} or {@code {"<resources>": [...], "seq": n}}: the
 * event-log head read before the state (a read) or the seq of the write's last event. A write completes on the
 * log's writer; its answer is built back on the request's own event loop.
 */
final class DomainRoutes {

    private final TasksResource tasks;
    private final StreamsResource streams;
    private final CheckpointsResource checkpoints;
    private final AgentsResource agents;

    DomainRoutes(Domain domain) {
        this.tasks = new TasksResource(domain.tasks());
        this.streams = new StreamsResource(domain.streams());
        this.checkpoints = new CheckpointsResource(domain.checkpoints());
        this.agents = new AgentsResource(domain.agents());
    }

    /**
     * Routes a request whose path starts with {@code /api/}.
     *
     * @param request the request
     * @param response its response
     * @return the handling, or null when the path is none of the state routes
     */
    @Nullable Mono<Void> route(HttpServerRequest request, HttpServerResponse response) {
        List<String> path = segments(request.uri());
        if (path.size() < 2 || !path.get(0).equals("api")) {
            return null;
        }
        HttpMethod method = request.method();
        String resource = path.get(1);
        int size = path.size();
        switch (resource) {
            case "tasks":
                if (size == 2) {
                    return method.equals(HttpMethod.POST) ? tasks.create(request, response)
                        : HttpRouter.only(method, List.of(HttpMethod.GET, HttpMethod.POST), response)
                            .then(Mono.defer(() -> tasks.list(request, response)));
                }
                if (size == 3) {
                    String id = path.get(2);
                    return method.equals(HttpMethod.PATCH) ? tasks.update(id, request, response)
                        : HttpRouter.only(method, List.of(HttpMethod.GET, HttpMethod.PATCH), response)
                            .then(Mono.defer(() -> tasks.get(id, response)));
                }
                if (size == 4 && path.get(3).equals("checkpoints")) {
                    String id = path.get(2);
                    return HttpRouter.only(method, List.of(HttpMethod.POST), response)
                        .then(Mono.defer(() -> checkpoints.create(id, request, response)));
                }
                return notFound(request);
            case "streams":
                if (size == 2) {
                    return method.equals(HttpMethod.POST) ? streams.create(request, response)
                        : HttpRouter.only(method, List.of(HttpMethod.GET, HttpMethod.POST), response)
                            .then(Mono.defer(() -> streams.list(request, response)));
                }
                if (size == 3) {
                    String id = path.get(2);
                    return HttpRouter.only(method, List.of(HttpMethod.GET), response)
                        .then(Mono.defer(() -> streams.get(id, response)));
                }
                return notFound(request);
            case "checkpoints":
                if (size == 2) {
                    return HttpRouter.only(method, List.of(HttpMethod.GET), response)
                        .then(Mono.defer(() -> checkpoints.list(request, response)));
                }
                if (size == 4 && path.get(3).equals("resume")) {
                    String id = path.get(2);
                    return HttpRouter.only(method, List.of(HttpMethod.POST), response)
                        .then(Mono.defer(() -> checkpoints.resume(id, request, response)));
                }
                return notFound(request);
            case "agents":
                if (size == 4 && path.get(3).equals("activity")) {
                    String id = path.get(2);
                    return HttpRouter.only(method, List.of(HttpMethod.POST), response)
                        .then(Mono.defer(() -> agents.activity(id, request, response)));
                }
                return notFound(request);
            case "handoffs":
                if (size == 2) {
                    return HttpRouter.only(method, List.of(HttpMethod.POST), response)
                        .then(Mono.defer(() -> agents.handoff(request, response)));
                }
                return notFound(request);
            default:
                return null;
        }
    }

    private static Mono<Void> notFound(HttpServerRequest request) {
        String path = request.fullPath();
        return Mono.error(new GatewayException(ErrorCode.NOT_FOUND, "no route for " + request.method() + " " + path
            + "; see docs/PROTOCOL.md section 8 for the state routes", Map.of("path", path)));
    }

    /** The decoded segments of a request URI's path ({@code /api/tasks/a%2Fb?x} is {@code [api, tasks, a/b]}). */
    static List<String> segments(String uri) {
        int end = uri.length();
        int query = uri.indexOf('?');
        if (query >= 0) {
            end = query;
        }
        int fragment = uri.indexOf('#');
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        String path = uri.substring(0, end);
        List<String> segments = new ArrayList<>();
        for (String raw : path.split("/", -1)) {
            if (!raw.isEmpty()) {
                // decodeComponent follows form encoding, where '+' is a space; in a path it is itself.
                segments.add(QueryStringDecoder.decodeComponent(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    /**
     * The query parameters, refusing any the route does not know (400 naming it: a misspelt filter must not
     * silently return everything).
     *
     * @param request the request
     * @param known the parameters the route knows
     * @return the parameters
     */
    static Map<String, List<String>> query(HttpServerRequest request, Set<String> known) {
        Map<String, List<String>> params = new QueryStringDecoder(request.uri()).parameters();
        for (String name : params.keySet()) {
            if (!known.contains(name)) {
                throw new GatewayException(ErrorCode.BAD_REQUEST, "unknown query parameter '" + name + "'"
                    + (known.isEmpty() ? "; this route takes none" : "; the parameters are " + String.join(", ",
                    known)), Map.of("parameter", name));
            }
        }
        return params;
    }

    /**
     * One query parameter's value.
     *
     * @param params the parameters
     * @param name the parameter
     * @return its first value, or null when absent or empty
     */
    static @Nullable String param(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty() || values.get(0).isEmpty()) {
            return null;
        }
        return values.get(0);
    }

    /**
     * Sends one resource: {@code {"<name>": {...}, "seq": n}}.
     *
     * @param response the response
     * @param status the status
     * @param name the resource's name, e.g. {@code task}
     * @param answer the state and its seq
     * @param json writes the state
     * @param <T> the state's type
     * @return the sending
     */
    static <T> Mono<Void> send(HttpServerResponse response, HttpResponseStatus status, String name, Answer<T> answer,
                               Function<T, ObjectNode> json) {
        ObjectNode value = json.apply(answer.value());
        return Json.send(response, status, g -> {
            g.writeStartObject();
            g.writeFieldName(name);
            g.writeTree(value);
            g.writeNumberField("seq", answer.seq());
            g.writeEndObject();
        });
    }

    /**
     * Sends a list: {@code {"<name>": [...], "seq": n}}.
     *
     * @param response the response
     * @param name the list's name, e.g. {@code tasks}
     * @param answer the states and their seq
     * @param json writes one state
     * @param <T> the state's type
     * @return the sending
     */
    static <T> Mono<Void> sendList(HttpServerResponse response, String name, Answer<List<T>> answer,
                                   Function<T, ObjectNode> json) {
        return Json.send(response, HttpResponseStatus.OK, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart(name);
            for (T item : answer.value()) {
                g.writeTree(json.apply(item));
            }
            g.writeEndArray();
            g.writeNumberField("seq", answer.seq());
            g.writeEndObject();
        });
    }

    /**
     * The request's own event loop, where a write's answer is built (not on the log's writer thread, the one that
     * limits durable throughput).
     *
     * @param request the request
     * @return its loop as a scheduler
     */
    static Scheduler loopOf(HttpServerRequest request) {
        Executor[] loop = new Executor[1];
        request.withConnection(connection -> loop[0] = connection.channel().eventLoop());
        return loop[0] == null ? Schedulers.immediate() : Schedulers.fromExecutor(loop[0]);
    }
}
