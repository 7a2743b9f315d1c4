package io.eventgateway.server.rest;

import io.eventgateway.domain.Domain;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.hub.Hub;
import io.eventgateway.hub.HubStats;
import io.eventgateway.log.EventLog;
import io.eventgateway.server.GatewayVersion;
import io.eventgateway.server.auth.Grant;
import io.eventgateway.server.auth.HttpAuthentication;
import io.eventgateway.server.limit.RequestGuard;
import io.eventgateway.server.metrics.GatewayMetrics;
import io.eventgateway.server.metrics.GatewayMetricsRecorder;
import io.eventgateway.server.ws.WebSocketEndpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Routes every HTTP request: the {@code Host} check first (403, PROTOCOL.md section 6), then the credentials when
 * auth is on (401; every path but {@code /health}, the dashboard's files and {@code /ws}, whose endpoint checks them
 * itself), then the endpoints of section 1, with 404 for unknown paths and 405 (with {@code Allow}) for a known
 * path and another method. A route checks what the request's {@link Grant} allows (section 11.3).
 */
public final class HttpRouter implements BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> {

    private static final String DASHBOARD_PREFIX = "/dashboard/";

    private final RequestGuard guard;
    private final WebSocketEndpoint webSocket;
    private final EventsResource events;
    private final DomainRoutes domain;
    private final EventLog log;
    private final Hub hub;
    private final Clock clock;
    private final long startedAtMillis;
    private final @Nullable GatewayMetrics metrics;
    private final GatewayMetricsRecorder recorder;
    private final DashboardResource dashboard = new DashboardResource();
    private final HttpAuthentication auth;

    /**
     * Creates the router.
     *
     * @param guard the Host check
     * @param webSocket the {@code /ws} endpoint
     * @param log the event log
     * @param hub the hub
     * @param clock the clock for uptime
     * @param metrics the meters behind {@code /metrics}, or null when {@code metrics.enabled} is false
     * @param auth authenticates requests (off: every request gets {@link Grant#UNRESTRICTED})
     * @param domain the orchestration domain behind the state routes (PROTOCOL.md section 8)
     */
    public HttpRouter(RequestGuard guard, WebSocketEndpoint webSocket, EventLog log, Hub hub, Clock clock,
                      @Nullable GatewayMetrics metrics, HttpAuthentication auth, Domain domain) {
        this.auth = auth;
        this.metrics = metrics;
        this.recorder = metrics == null ? GatewayMetricsRecorder.NOOP : metrics.recorder();
        this.guard = guard;
        this.webSocket = webSocket;
        this.events = new EventsResource(log);
        this.domain = new DomainRoutes(domain);
        this.log = log;
        this.hub = hub;
        this.clock = clock;
        this.startedAtMillis = clock.millis();
    }

    @Override
    public Publisher<Void> apply(HttpServerRequest request, HttpServerResponse response) {
        return Mono.defer(() -> route(request, response))
            .onErrorResume(error -> {
                recorder.error(error instanceof GatewayException ? ((GatewayException) error).code()
                    : ErrorCode.INTERNAL_ERROR, GatewayMetricsRecorder.Transport.HTTP);
                return Mono.from(HttpErrors.send(response, error));
            });
    }

    private Mono<Void> route(HttpServerRequest request, HttpServerResponse response) {
        String host = request.requestHeaders().get(HttpHeaderNames.HOST);
        if (!guard.hostAllowed(host)) {
            return Mono.error(new GatewayException(ErrorCode.FORBIDDEN, "Host '" + host + "' is not allowed:"
                + " the gateway is bound to loopback; add the name to server.allowed-hosts to allow it",
                Map.of("host", String.valueOf(host))));
        }
        String path = request.fullPath();
        HttpMethod method = request.method();
        Grant grant = isOpen(path) ? Grant.UNRESTRICTED : auth.authenticate(request.requestHeaders(), request.uri());
        StatePermissions.check(grant, method, path);
        switch (path) {
            case "/ws":
                return only(method, List.of(HttpMethod.GET), response)
                    .then(Mono.defer(() -> Mono.from(webSocket.upgrade(request, response))));
            case "/api/events":
                if (method.equals(HttpMethod.POST)) {
                    return events.post(request, response, grant);
                }
                return only(method, List.of(HttpMethod.GET, HttpMethod.POST), response)
                    .then(Mono.defer(() -> events.get(request, response, grant)));
            case "/health":
                return only(method, List.of(HttpMethod.GET), response).then(Mono.defer(() -> health(response)));
            case "/api/status":
                grant.checkAdmin(path);
                return only(method, List.of(HttpMethod.GET), response).then(Mono.defer(() -> status(response)));
            case "/metrics":
                grant.checkAdmin(path);
                return only(method, List.of(HttpMethod.GET), response)
                    .then(Mono.defer(() -> metrics(request, response)));
            case "/":
            case "/index.html":
                return only(method, List.of(HttpMethod.GET), response)
                    .then(Mono.defer(() -> dashboard.serve("index.html", request, response)));
            default:
                if (path.startsWith("/api/")) {
                    Mono<Void> state = domain.route(request, response);
                    if (state != null) {
                        return state;
                    }
                }
                if (path.startsWith(DASHBOARD_PREFIX)) {
                    return only(method, List.of(HttpMethod.GET), response).then(Mono.defer(() ->
                        dashboard.serve(path.substring(DASHBOARD_PREFIX.length()), request, response)));
                }
                return Mono.error(new GatewayException(ErrorCode.NOT_FOUND, "no route for " + method + " " + path
                    + "; see docs/PROTOCOL.md section 1 for the endpoints", Map.of("path", path)));
        }
    }

    /**
     * The paths anyone may request while auth is on: {@code /health} (for load balancers), the dashboard page and
     * its static files (it asks for a token and sends it on its own API calls), and {@code /ws}, whose endpoint
     * authenticates the upgrade itself.
     */
    private static boolean isOpen(String path) {
        return path.equals("/health") || path.equals("/ws") || path.equals("/") || path.equals("/index.html")
            || path.startsWith("/dashboard/");
    }

    /** Fails with 405 and an {@code Allow} header unless the method is one of those allowed. */
    static Mono<Void> only(HttpMethod method, List<HttpMethod> allowed, HttpServerResponse response) {
        if (allowed.contains(method) || (method.equals(HttpMethod.HEAD) && allowed.contains(HttpMethod.GET))) {
            return Mono.empty();
        }
        StringBuilder allow = new StringBuilder();
        for (HttpMethod m : allowed) {
            allow.append(allow.length() == 0 ? "" : ", ").append(m.name());
        }
        response.header(HttpHeaderNames.ALLOW, allow.toString());
        return Mono.error(new GatewayException(ErrorCode.METHOD_NOT_ALLOWED, method + " is not allowed here; use "
            + allow, Map.of("allow", allow.toString())));
    }

    private Mono<Void> health(HttpServerResponse response) {
        return log.healthy().onErrorReturn(false).flatMap(ok -> Json.send(response,
            ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, g -> {
                g.writeStartObject();
                g.writeStringField("status", ok ? "ok" : "unavailable");
                g.writeStringField("version", GatewayVersion.VERSION);
                g.writeNumberField("headSeq", hub.headSeq());
                g.writeNumberField("uptimeMs", clock.millis() - startedAtMillis);
                if (!ok) {
                    g.writeStringField("message", "the event store does not answer");
                }
                g.writeEndObject();
            }));
    }

    private Mono<Void> status(HttpServerResponse response) {
        return hub.stats().flatMap(stats -> {
            List<WebSocketEndpoint.ConnectionInfo> connections = webSocket.connections();
            return Json.send(response, HttpResponseStatus.OK, g -> {
                g.writeStartObject();
                g.writeStringField("version", GatewayVersion.VERSION);
                g.writeNumberField("uptimeMs", clock.millis() - startedAtMillis);
                g.writeNumberField("headSeq", stats.headSeq());
                g.writeObjectFieldStart("connections");
                g.writeNumberField("active", webSocket.active());
                g.writeNumberField("total", webSocket.total());
                g.writeEndObject();
                g.writeArrayFieldStart("patterns");
                for (HubStats.PatternStats p : stats.patterns()) {
                    g.writeStartObject();
                    g.writeStringField("pattern", p.pattern());
                    g.writeNumberField("subscribers", p.subscribers());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeObjectFieldStart("events");
                g.writeNumberField("published", stats.published());
                g.writeNumberField("delivered", stats.delivered());
                g.writeNumberField("dropped", stats.dropped());
                g.writeEndObject();
                g.writeArrayFieldStart("connectionDetails");
                for (WebSocketEndpoint.ConnectionInfo c : connections) {
                    g.writeStartObject();
                    g.writeStringField("connectionId", c.connectionId());
                    g.writeStringField("remote", c.remote());
                    g.writeNumberField("patterns", c.patterns());
                    g.writeNumberField("bufferDepth", c.bufferDepth());
                    g.writeNumberField("dropped", c.dropped());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            });
        });
    }

    /**
     * Prometheus text of every meter (docs/METRICS.md). The totals the hub and the connections keep are read on the
     * hub's dispatcher, then the text is written back on the request's own event loop, off the dispatcher.
     */
    private Mono<Void> metrics(HttpServerRequest request, HttpServerResponse response) {
        GatewayMetrics meters = metrics;
        if (meters == null) {
            return Mono.error(new GatewayException(ErrorCode.NOT_FOUND,
                "metrics are disabled (metrics.enabled=false); start the gateway with --metrics.enabled=true"));
        }
        return hub.stats().publishOn(loopOf(request)).flatMap(stats -> {
            long subscriptions = 0;
            for (HubStats.PatternStats p : stats.patterns()) {
                subscriptions += p.subscribers();
            }
            GatewayMetrics.Snapshot snapshot = new GatewayMetrics.Snapshot(webSocket.active(), subscriptions,
                stats.patterns().size(), stats.delivered(), stats.dropped(), log.headSeq());
            ByteBuf body = response.alloc().buffer(16 * 1024);
            try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
                meters.scrape(snapshot, out);
            } catch (IOException | RuntimeException e) {
                body.release();
                return Mono.error(e instanceof IOException ? new UncheckedIOException((IOException) e) : e);
            }
            return response.header(HttpHeaderNames.CONTENT_TYPE, meters.contentType()).sendObject(body).then();
        });
    }

    private static Scheduler loopOf(HttpServerRequest request) {
        Executor[] loop = new Executor[1];
        request.withConnection(connection -> loop[0] = connection.channel().eventLoop());
        return loop[0] == null ? Schedulers.immediate() : Schedulers.fromExecutor(loop[0]);
    }
}
