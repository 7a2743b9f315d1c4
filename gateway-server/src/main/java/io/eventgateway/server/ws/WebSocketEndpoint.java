package io.eventgateway.server.ws;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.hub.ConnectionStream;
import io.eventgateway.hub.Hub;
import io.eventgateway.log.EventLog;
import io.eventgateway.server.auth.Grant;
import io.eventgateway.server.auth.HttpAuthentication;
import io.eventgateway.server.config.WsConfig;
import io.eventgateway.server.limit.RequestGuard;
import io.eventgateway.server.metrics.GatewayMetricsRecorder;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * {@code GET /ws}: checks the upgrade ({@code Origin}, {@code server.max-connections}), then runs one
 * {@link WsSession} per connection and keeps the registry of open sessions for {@code /api/status} and for
 * shutdown (close 1001 to every client). Each connection opened and closed is counted, and logged on one line at
 * DEBUG (never at INFO: a busy gateway opens thousands; never with event payloads).
 */
public final class WebSocketEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketEndpoint.class);
    /** The upgrade's query parameter that asks for {@code batch} frames. */
    static final String BATCH_PARAMETER = "batch";

    private final Hub hub;
    private final EventLog log;
    private final WsConfig config;
    private final int maxConnections;
    private final RequestGuard guard;
    private final ServerFrames frames;
    private final Scheduler timer;
    private final WebsocketServerSpec spec;
    private final WebsocketServerSpec specWithSubprotocol;
    private final GatewayMetricsRecorder recorder;
    private final HttpAuthentication auth;
    private final Duration refreshWindow;
    private final Clock clock;
    private final Set<WsSession> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong total = new AtomicLong();
    /** Completed when shutting down and the last connection was released. */
    private final Sinks.Empty<Void> allClosed = Sinks.empty();
    private volatile boolean shuttingDown;

    /**
     * Creates the endpoint.
     *
     * @param hub the hub
     * @param log the event log, for {@code publish}
     * @param config the {@code ws.*} settings
     * @param maxConnections {@code server.max-connections}
     * @param guard the Origin check
     * @param clock stamps the frames' {@code timestamp}
     * @param timer runs heartbeats and idle checks, and is the sessions' clock
     * @param recorder counts connections, error frames and overflow frames
     * @param auth authenticates the upgrades and the connections' {@code auth} messages
     * @param refreshWindow {@code auth.refresh-window}
     */
    public WebSocketEndpoint(Hub hub, EventLog log, WsConfig config, int maxConnections, RequestGuard guard,
                             Clock clock, Scheduler timer, GatewayMetricsRecorder recorder, HttpAuthentication auth,
                             Duration refreshWindow) {
        this.recorder = recorder;
        this.auth = auth;
        this.refreshWindow = refreshWindow;
        this.clock = clock;
        this.hub = hub;
        this.log = log;
        this.config = config;
        this.maxConnections = maxConnections;
        this.guard = guard;
        this.frames = new ServerFrames(clock, recorder);
        this.timer = timer;
        this.spec = WebsocketServerSpec.builder()
            .maxFramePayloadLength(config.maxMessageBytes())
            .handlePing(true)
            .compress(config.compression())
            .build();
        // For upgrades that offer the gateway's subprotocol (browsers sending bearer.<token> must, PROTOCOL.md
        // section 11.1): it is selected. Only for those: reactor-netty runs no handler for an upgrade that offers
        // none of a spec's protocols.
        this.specWithSubprotocol = WebsocketServerSpec.builder()
            .maxFramePayloadLength(config.maxMessageBytes())
            .handlePing(true)
            .compress(config.compression())
            .protocols(HttpAuthentication.SUBPROTOCOL)
            .build();
    }

    /**
     * Upgrades the request, or fails with {@link ErrorCode#FORBIDDEN} (Origin), {@link ErrorCode#UNAUTHORIZED}
     * (credentials, when auth is on), {@link ErrorCode#UNAVAILABLE} (too many connections, shutting down) or
     * {@link ErrorCode#BAD_REQUEST} (not an upgrade).
     *
     * @param request the HTTP request
     * @param response its response
     * @return the connection's lifetime
     */
    public Publisher<Void> upgrade(HttpServerRequest request, HttpServerResponse response) {
        if (!request.requestHeaders().containsValue(HttpHeaderNames.UPGRADE, "websocket", true)) {
            return Mono.error(new GatewayException(ErrorCode.BAD_REQUEST,
                "/ws expects a WebSocket upgrade (Connection: Upgrade, Upgrade: websocket)"));
        }
        String origin = request.requestHeaders().get(HttpHeaderNames.ORIGIN);
        if (!guard.originAllowed(origin, request.requestHeaders().get(HttpHeaderNames.HOST))) {
            return Mono.error(new GatewayException(ErrorCode.FORBIDDEN,
                "origin '" + origin + "' may not open a WebSocket here; add it to ws.allowed-origins",
                Map.of("origin", String.valueOf(origin))));
        }
        boolean batch;
        try {
            batch = batchRequested(request.uri());
        } catch (GatewayException e) {
            return Mono.error(e);
        }
        Grant grant;
        try {
            // Once per connection: its requests are checked against this grant, its events never are.
            grant = auth.authenticate(request.requestHeaders(), request.uri());
        } catch (GatewayException e) {
            return Mono.error(e);
        }
        if (shuttingDown) {
            return Mono.error(new GatewayException(ErrorCode.UNAVAILABLE, "the gateway is shutting down"));
        }
        if (active.incrementAndGet() > maxConnections) {
            active.decrementAndGet();
            return Mono.error(new GatewayException(ErrorCode.UNAVAILABLE,
                "the gateway has " + maxConnections + " open connections (server.max-connections); retry later",
                Map.of("maxConnections", maxConnections)));
        }
        long n = total.incrementAndGet();
        String id = "c-" + Long.toHexString(n);
        String remote = remote(request.remoteAddress());
        Executor[] loop = new Executor[1];
        request.withConnection(connection -> loop[0] = connection.channel().eventLoop());
        ConnectionStream stream = hub.open(id, loop[0]);
        WsSession session = new WsSession(id, stream, hub, log, config, frames, timer, remote, grant,
            auth.authenticator(), refreshWindow, clock, batch);
        AtomicBoolean started = new AtomicBoolean();
        AtomicBoolean released = new AtomicBoolean();
        AtomicLong openedAt = new AtomicLong();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                sessions.remove(session);
                session.stream().cancel();
                if (started.get()) {
                    recordClose(loop[0], session, openedAt.get());
                }
                if (active.decrementAndGet() == 0 && shuttingDown) {
                    allClosed.tryEmitEmpty();
                }
            }
        };
        return response.sendWebsocket((in, out) -> {
            started.set(true);
            openedAt.set(timer.now(TimeUnit.MILLISECONDS));
            recorder.connectionOpened();
            if (LOG.isDebugEnabled()) {
                LOG.debug("connection {} opened from {}", id, remote);
            }
            sessions.add(session);
            if (shuttingDown) {
                session.close(CloseCode.GOING_AWAY);
            }
            return session.run(in, out).doFinally(signal -> release.run());
        }, offersSubprotocol(request) ? specWithSubprotocol : spec).doFinally(signal -> {
            // A failed handshake never runs the handler: release the connection slot here instead.
            if (!started.get()) {
                release.run();
            }
        });
    }

    /**
     * The query parameter {@code batch} of the upgrade (PROTOCOL.md section 5, "batch"): absent or {@code false}
     * one message per frame, {@code true} several per {@code batch} frame.
     *
     * @param uri the request's URI with its query
     * @return whether the client asked for batch frames
     * @throws GatewayException {@link ErrorCode#BAD_REQUEST} for any other value, or the parameter given twice
     */
    static boolean batchRequested(String uri) {
        List<String> values = new QueryStringDecoder(uri).parameters().get(BATCH_PARAMETER);
        if (values == null) {
            return false;
        }
        if (values.size() == 1 && (values.get(0).equals("true") || values.get(0).equals("false"))) {
            return values.get(0).equals("true");
        }
        throw new GatewayException(ErrorCode.BAD_REQUEST,
            "the query parameter batch must be given once, as true or false; it was " + values,
            Map.of("parameter", BATCH_PARAMETER));
    }

    private static boolean offersSubprotocol(HttpServerRequest request) {
        for (String header : request.requestHeaders().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String protocol : header.split(",")) {
                if (protocol.trim().equals(HttpAuthentication.SUBPROTOCOL)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Records a close once the connection's loop has finished its current task: when Netty's frame decoder closes
     * on a protocol violation, the socket is closed (and this connection released) before the decoder's exception
     * reaches the session, which is how the session learns that the gateway closed it (1009).
     */
    private void recordClose(@Nullable Executor loop, WsSession session, long openedAtMillis) {
        if (loop != null) {
            try {
                loop.execute(() -> closed(session, openedAtMillis));
                return;
            } catch (RejectedExecutionException e) {
                // The loop is shutting down: record now.
            }
        }
        closed(session, openedAtMillis);
    }

    private void closed(WsSession session, long openedAtMillis) {
        int code = session.closeCode();
        boolean byServer = session.closedByServer();
        recorder.connectionClosed(code, byServer);
        if (LOG.isDebugEnabled()) {
            ConnectionStream stream = session.stream();
            Throwable failure = session.failure();
            LOG.debug("connection {} closed: code {} by {} after {} ms, {} events delivered, {} dropped{}",
                session.id(), code, byServer ? "server" : "client", timer.now(TimeUnit.MILLISECONDS) - openedAtMillis,
                stream.delivered(), stream.dropped(), failure == null ? "" : ", on " + failure);
        }
    }

    private static String remote(@Nullable SocketAddress address) {
        return address == null ? "unknown" : address.toString().replaceFirst("^/", "");
    }

    /**
     * Open WebSocket connections.
     *
     * @return the count
     */
    public int active() {
        return active.get();
    }

    /**
     * Connections accepted since start.
     *
     * @return the count
     */
    public long total() {
        return total.get();
    }

    /**
     * One line per open connection, for {@code /api/status}.
     *
     * @return the details
     */
    public List<ConnectionInfo> connections() {
        List<ConnectionInfo> list = new ArrayList<>(sessions.size());
        for (WsSession s : sessions) {
            ConnectionStream stream = s.stream();
            list.add(new ConnectionInfo(s.id(), s.remote(), stream.patternCount(), stream.bufferDepth(),
                stream.dropped()));
        }
        return list;
    }

    /**
     * Stops accepting upgrades and closes every connection with 1001; completes when all are closed or the
     * timeout passed.
     *
     * @param timeout the longest wait
     * @return completes when done
     */
    public Mono<Void> closeAll(Duration timeout) {
        return Mono.defer(() -> {
            shuttingDown = true;
            for (WsSession session : sessions) {
                session.close(CloseCode.GOING_AWAY);
            }
            // A connection still upgrading is counted in "active"; its handler sees shuttingDown and closes too.
            if (active.get() == 0) {
                allClosed.tryEmitEmpty();
            }
            return allClosed.asMono().timeout(timeout, Mono.empty());
        });
    }

    /**
     * One open connection.
     *
     * @param connectionId its id
     * @param remote the client's address
     * @param patterns its active pattern count
     * @param bufferDepth live events waiting in its buffer
     * @param dropped events dropped by overflow
     */
    public record ConnectionInfo(String connectionId, String remote, int patterns, int bufferDepth, long dropped) {
    }

}
