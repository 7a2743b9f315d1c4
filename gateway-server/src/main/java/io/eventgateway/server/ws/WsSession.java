package io.eventgateway.server.ws;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.Event;
import io.eventgateway.event.NewEvent;
import io.eventgateway.hub.ConnectionStream;
import io.eventgateway.hub.Hub;
import io.eventgateway.hub.SubscribeCommand;
import io.eventgateway.log.EventLog;
import io.eventgateway.server.GatewayVersion;
import io.eventgateway.server.auth.Authenticator;
import io.eventgateway.server.auth.Grant;
import io.eventgateway.server.config.WsConfig;
import io.eventgateway.server.limit.TokenBucket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.channel.AbortedException;
import reactor.netty.Connection;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * One WebSocket connection (PROTOCOL.md sections 3 to 6): decodes each inbound message and dispatches it,
 * answers pings, sends the heartbeat, closes 4001 after {@code ws.idle-timeout} of silence, applies the rate
 * limit (1008 after 100 limited messages in a row) and the message size limit (1009), and writes its
 * {@link ConnectionStream} to the socket.
 *
 * <p>Inbound work runs on the connection's event loop and never blocks: a subscribe or unsubscribe is handed to
 * the hub's dispatcher, a publish to the log, and their replies come back through the stream. Timers run on the
 * injected timer {@link Scheduler}, whose clock is also the session's clock (virtual time in tests).
 *
 * <p>Auth (PROTOCOL.md section 11): the connection's {@link Grant} was resolved at the upgrade; subscribe and
 * publish requests are checked against it here, never the events delivered. A grant that expires gets
 * {@code auth_expiring} {@code auth.refresh-window} before its expiry and close 4003 at it, unless an {@code auth}
 * message brought a new token first, whose grant then replaces the old one.
 */
final class WsSession {

    private static final Logger LOG = LoggerFactory.getLogger(WsSession.class);

    /** After this many rate-limited messages in a row the connection is closed 1008 (PROTOCOL.md section 6). */
    static final int RATE_LIMITED_IN_A_ROW_TO_CLOSE = 100;
    /** How long a closing connection may take to write its close frame before the socket is closed anyway. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private final String id;
    private final ConnectionStream stream;
    private final Hub hub;
    private final EventLog log;
    private final WsConfig config;
    private final ServerFrames frames;
    private final Scheduler timer;
    private final String remote;
    private final @Nullable TokenBucket bucket;
    private final long idleTimeoutNanos;
    private final Disposable.Composite timers = Disposables.composite();
    private final @Nullable Authenticator authenticator;
    private final Duration refreshWindow;
    private final Clock clock;
    /** Whether the client asked for {@code batch} frames ({@code /ws?batch=true}). */
    private final boolean batch;
    /** The expiry timers of the current grant, replaced with it. */
    private final Disposable.Swap expiry = Disposables.swap();
    /** Read on the event loop (requests) and by the expiry timers; replaced only on the event loop. */
    private volatile Grant grant;

    // Event-loop confined (inbound frames arrive on the connection's loop).
    private @Nullable ByteArrayOutputStream partial;
    private boolean partialIsBinary;
    private int rateLimitedInARow;

    private volatile long lastInboundNanos;
    private volatile @Nullable CloseCode closing;
    /** The code of the client's close frame, 0 until one arrives. */
    private volatile int clientCloseCode;
    /** The code Netty closed with on a protocol violation (a frame over the size limit: 1009), else 0. */
    private volatile int protocolCloseCode;
    private volatile @Nullable Connection connection;
    /** The failure that ended the connection (a reset socket, an unexpected error), else null. */
    private volatile @Nullable Throwable failure;

    WsSession(String id, ConnectionStream stream, Hub hub, EventLog log, WsConfig config, ServerFrames frames,
              Scheduler timer, String remote, Grant grant, @Nullable Authenticator authenticator,
              Duration refreshWindow, Clock clock, boolean batch) {
        this.batch = batch;
        this.grant = grant;
        this.authenticator = authenticator;
        this.refreshWindow = refreshWindow;
        this.clock = clock;
        this.id = id;
        this.stream = stream;
        this.hub = hub;
        this.log = log;
        this.config = config;
        this.frames = frames;
        this.timer = timer;
        this.remote = remote;
        long now = timer.now(TimeUnit.NANOSECONDS);
        this.bucket = config.rateLimit() == 0 ? null : new TokenBucket(config.rateLimit(), config.rateBurst(), now);
        this.idleTimeoutNanos = config.idleTimeout().toNanos();
        this.lastInboundNanos = now;
    }

    String id() {
        return id;
    }

    String remote() {
        return remote;
    }

    ConnectionStream stream() {
        return stream;
    }

    /**
     * Whether the gateway closed first (a close it decided: shutdown, idle timeout, limits).
     *
     * @return true when the gateway sent its close frame first
     */
    boolean closedByServer() {
        return closing != null || protocolCloseCode != 0;
    }

    /**
     * The connection's close code, for metrics and the debug log: the gateway's when it closed first, else the
     * client's, else 1006 (RFC 6455: ended without a close frame).
     *
     * @return the code
     */
    int closeCode() {
        CloseCode code = closing;
        if (code != null) {
            return code.code();
        }
        if (protocolCloseCode != 0) {
            return protocolCloseCode;
        }
        int client = clientCloseCode;
        return client != 0 ? client : 1006;
    }

    /**
     * Runs the connection until either side closes it.
     *
     * @return completes when the connection is done
     */
    Mono<Void> run(WebsocketInbound in, WebsocketOutbound out) {
        in.withConnection(c -> {
            connection = c;
            // Netty's frame decoder closes by itself on a protocol violation (a single frame over
            // ws.max-message-bytes: 1009) and the failure never reaches receiveFrames(); note its code, for metrics.
            c.addHandlerLast("gateway-protocol-close", new ChannelInboundHandlerAdapter() {
                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    if (cause instanceof CorruptedWebSocketFrameException) {
                        protocolCloseCode = ((CorruptedWebSocketFrameException) cause).closeStatus().code();
                    }
                    ctx.fireExceptionCaught(cause);
                }
            });
        });
        in.receiveCloseStatus().subscribe(status -> clientCloseCode = status.code());
        // Timers first: once the client has read "connected", its clock (virtual in tests) may move.
        Duration heartbeat = config.heartbeatInterval();
        timers.add(Flux.interval(heartbeat, heartbeat, timer)
            .subscribe(tick -> stream.offerControl(new ServerMessages.Ping())));
        scheduleIdleCheck(config.idleTimeout());
        timers.add(expiry);
        Grant current = grant;
        boolean expiringNow = armExpiry(current);
        stream.offerControl(new ServerMessages.Connected(id, GatewayVersion.VERSION, hub.headSeq(),
            config.heartbeatInterval().toMillis(), config.idleTimeout().toMillis(), config.maxSubscriptions(),
            config.bufferSize(), batch, authenticator == null ? null : current));
        if (expiringNow) {
            stream.offerControl(new ServerMessages.AuthExpiring(expiresAt(current), refreshWindow.toMillis()));
        }

        // Outbound: the stream's items as frames, written to the channel as they are drained, one flush per drain;
        // when the stream completes (a close was decided), the close frame follows the in-flight frames.
        // A failure that is not the peer going away is a bug, which ends this connection only: it is logged and
        // the connection closed 1011 (PROTOCOL.md section 6), handled here on each side, before receive.or(send)
        // cancels the other one (reactor-netty answers a cancelled receive with a close frame without a code).
        Connection c = Objects.requireNonNull(connection, "connection");
        Mono<Void> send = new ChannelWriter(c, frames, !config.compression(), batch).write(stream)
            .onErrorResume(e -> !isDisconnect(e), e -> {
                failed(e);
                return Mono.empty();
            })
            .then(Mono.defer(() -> {
                CloseCode code = closing;
                return code == null ? Mono.empty() : out.sendClose(code.code(), code.reason());
            }));
        Mono<Void> receive = in.receiveFrames().doOnNext(this::onFrame).then()
            .onErrorResume(e -> !isDisconnect(e), e -> {
                // The send above delivers what is in flight, then the close frame, and ends the connection.
                failed(e);
                return Mono.never();
            });
        return receive.or(send)
            .onErrorResume(e -> {
                failure = e;
                return Mono.empty();
            })
            .doFinally(signal -> {
                timers.dispose();
                stream.cancel();
            });
    }

    /**
     * The failure that ended the connection, for the debug log.
     *
     * @return it, or null when it ended with a close
     */
    @Nullable Throwable failure() {
        return failure;
    }

    /**
     * Whether a failure is the client's, not the gateway's: the socket going away under a write or read (reset,
     * closed, aborted), or a frame that broke RFC 6455 (too big, bad UTF-8, ...), which Netty's decoder has
     * already answered with its own close code (1009, 1007, 1002).
     */
    private static boolean isDisconnect(Throwable e) {
        return e instanceof IOException || e instanceof AbortedException || AbortedException.isConnectionReset(e)
            || e instanceof CorruptedWebSocketFrameException;
    }

    /** A failure that is not a disconnect: logged, and the connection closed 1011. */
    private void failed(Throwable e) {
        failure = e;
        LOG.warn("connection {} failed: {}", id, e.toString(), e);
        close(CloseCode.INTERNAL_ERROR);
    }

    /** Closes the connection with a code: the queued events are discarded, the close frame follows. */
    void close(CloseCode code) {
        if (closing != null) {
            return;
        }
        closing = code;
        stream.completeNow();
        timers.add(timer.schedule(() -> {
            Connection c = connection;
            if (c != null) {
                c.dispose();
            }
        }, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * Arms a grant's expiry timers, replacing those of the previous grant: {@code auth_expiring} at
     * {@code expiresAt - auth.refresh-window}, close 4003 at {@code expiresAt}; a timer whose grant was replaced
     * meanwhile does nothing.
     *
     * @return true when the notice is due already (less than the window is left): the caller sends it, after the
     *     frame it is answering
     */
    private boolean armExpiry(Grant g) {
        Instant expiresAt = g.expiresAt();
        if (expiresAt == null) {
            expiry.update(Disposables.disposed());
            return false;
        }
        long untilExpiry = Math.max(1, Duration.between(clock.instant(), expiresAt).toMillis());
        long untilNotice = untilExpiry - refreshWindow.toMillis();
        Disposable.Composite armed = Disposables.composite();
        if (untilNotice > 0) {
            armed.add(timer.schedule(() -> {
                if (grant == g && closing == null) {
                    stream.offerControl(new ServerMessages.AuthExpiring(expiresAt, refreshWindow.toMillis()));
                }
            }, untilNotice, TimeUnit.MILLISECONDS));
        }
        armed.add(timer.schedule(() -> {
            if (grant == g) {
                close(CloseCode.CREDENTIALS_EXPIRED);
            }
        }, untilExpiry, TimeUnit.MILLISECONDS));
        expiry.update(armed);
        return untilNotice <= 0;
    }

    private static Instant expiresAt(Grant g) {
        Instant expiresAt = g.expiresAt();
        return expiresAt == null ? Instant.MAX : expiresAt;
    }

    /**
     * An {@code auth} message: a valid token for the same subject replaces the grant (patterns it no longer covers
     * are removed, announced by an {@code unsubscribed} without id) and is answered {@code authenticated}; anything
     * else is answered {@code WS_UNAUTHORIZED} and changes nothing.
     */
    private void refresh(@Nullable String requestId, String token) {
        Authenticator a = authenticator;
        if (a == null) {
            stream.offerControl(new ServerMessages.ErrorReply(requestId, new GatewayException(
                ErrorCode.WS_INVALID_MESSAGE, "authentication is off (auth.mode=none): there is no token to replace")));
            return;
        }
        Grant next;
        try {
            next = a.authenticate(token);
        } catch (GatewayException e) {
            stream.offerControl(new ServerMessages.ErrorReply(requestId, new GatewayException(
                ErrorCode.WS_UNAUTHORIZED, e.getMessage() + "; the connection keeps its current credentials")));
            return;
        }
        Grant current = grant;
        if (!next.subject().equals(current.subject())) {
            stream.offerControl(new ServerMessages.ErrorReply(requestId, new GatewayException(
                ErrorCode.WS_UNAUTHORIZED, "the token is for '" + next.subject() + "' but this connection is '"
                    + current.subject() + "': a connection keeps its subject; open a new connection to change it",
                Map.of("subject", next.subject()))));
            return;
        }
        grant = next;
        boolean expiringNow = armExpiry(next);
        // On the dispatcher, after every subscribe this connection sent before the auth message.
        hub.retain(stream, next::maySubscribe).subscribe(active -> {
            stream.offerControl(new ServerMessages.Authenticated(requestId, next, active));
            if (expiringNow) {
                stream.offerControl(new ServerMessages.AuthExpiring(expiresAt(next), refreshWindow.toMillis()));
            }
        }, error -> replyError(requestId, error));
    }

    private void scheduleIdleCheck(Duration delay) {
        timers.add(timer.schedule(this::checkIdle, Math.max(1, delay.toNanos()), TimeUnit.NANOSECONDS));
    }

    /** One timer per connection: it fires at the idle deadline and re-arms itself if a frame arrived meanwhile. */
    private void checkIdle() {
        if (closing != null) {
            return;
        }
        long silent = timer.now(TimeUnit.NANOSECONDS) - lastInboundNanos;
        if (silent >= idleTimeoutNanos) {
            close(CloseCode.HEARTBEAT_TIMEOUT);
        } else {
            scheduleIdleCheck(Duration.ofNanos(idleTimeoutNanos - silent));
        }
    }

    private void onFrame(WebSocketFrame frame) {
        lastInboundNanos = timer.now(TimeUnit.NANOSECONDS);
        if (closing != null) {
            return;
        }
        if (frame instanceof PingWebSocketFrame) {
            // RFC 6455 5.5.3: answer with the same application data. Copied: the inbound frame is released.
            stream.offerControl(new PongWebSocketFrame(Unpooled.copiedBuffer(frame.content())));
            return;
        }
        if (frame instanceof PongWebSocketFrame) {
            return;
        }
        boolean first = frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame;
        if (!first && !(frame instanceof ContinuationWebSocketFrame)) {
            return;
        }
        ByteBuf content = frame.content();
        if (first) {
            partial = null;
            partialIsBinary = frame instanceof BinaryWebSocketFrame;
            if (frame.isFinalFragment()) {
                // The common case: one frame, one message. Netty already enforced ws.max-message-bytes on it.
                byte[] bytes = new byte[content.readableBytes()];
                content.getBytes(content.readerIndex(), bytes);
                onMessage(bytes, partialIsBinary);
                return;
            }
            partial = new ByteArrayOutputStream(Math.min(config.maxMessageBytes(), 2 * content.readableBytes()));
        }
        ByteArrayOutputStream buffer = partial;
        if (buffer == null) {
            return;
        }
        if (buffer.size() + content.readableBytes() > config.maxMessageBytes()) {
            partial = null;
            close(CloseCode.MESSAGE_TOO_BIG);
            return;
        }
        byte[] chunk = new byte[content.readableBytes()];
        content.getBytes(content.readerIndex(), chunk);
        buffer.writeBytes(chunk);
        if (frame.isFinalFragment()) {
            partial = null;
            onMessage(buffer.toByteArray(), partialIsBinary);
        }
    }

    private void onMessage(byte[] message, boolean binary) {
        if (bucket != null && !bucket.tryTake(timer.now(TimeUnit.NANOSECONDS))) {
            if (++rateLimitedInARow >= RATE_LIMITED_IN_A_ROW_TO_CLOSE) {
                close(CloseCode.POLICY_VIOLATION);
                return;
            }
            stream.offerControl(new ServerMessages.ErrorReply(null, new GatewayException(ErrorCode.WS_RATE_LIMITED,
                "more than " + config.rateLimit() + " messages per second (burst " + config.rateBurst()
                    + "); the message was ignored")));
            return;
        }
        rateLimitedInARow = 0;
        if (binary) {
            stream.offerControl(new ServerMessages.ErrorReply(null, new GatewayException(
                ErrorCode.WS_INVALID_MESSAGE, "binary frames are not supported: send JSON in text frames")));
            return;
        }
        ClientFrameDecoder.Decoded decoded = ClientFrameDecoder.decode(message);
        if (decoded.error() != null) {
            stream.offerControl(new ServerMessages.ErrorReply(decoded.id(), decoded.error()));
            return;
        }
        ClientMessage m = decoded.message();
        String requestId = decoded.id();
        if (m instanceof ClientMessage.Subscribe) {
            SubscribeCommand command = ((ClientMessage.Subscribe) m).command();
            try {
                grant.checkSubscribe(command.patterns(), ErrorCode.WS_FORBIDDEN);
            } catch (GatewayException e) {
                replyError(requestId, e);
                return;
            }
            hub.subscribe(stream, command)
                .subscribe(reply -> { }, error -> replyError(requestId, error));
        } else if (m instanceof ClientMessage.Unsubscribe) {
            ClientMessage.Unsubscribe u = (ClientMessage.Unsubscribe) m;
            hub.unsubscribe(stream, requestId, u.patterns(), u.topics())
                .subscribe(reply -> { }, error -> replyError(requestId, error));
        } else if (m instanceof ClientMessage.Publish) {
            NewEvent event = ((ClientMessage.Publish) m).event();
            try {
                grant.checkPublish(event.topic(), ErrorCode.WS_FORBIDDEN);
            } catch (GatewayException e) {
                replyError(requestId, e);
                return;
            }
            log.append(List.of(event))
                .subscribe(events -> published(requestId, events), error -> replyError(requestId, error));
        } else if (m instanceof ClientMessage.Ping) {
            stream.offerControl(new ServerMessages.Pong(requestId));
        } else if (m instanceof ClientMessage.Auth) {
            refresh(requestId, ((ClientMessage.Auth) m).token());
        }
        // A pong only proves the client is alive, which lastInboundNanos already recorded.
    }

    private void published(@Nullable String requestId, List<Event> events) {
        stream.offerControl(new ServerMessages.Published(requestId, events.get(0).seq()));
    }

    private void replyError(@Nullable String requestId, Throwable error) {
        stream.offerControl(ServerFrames.errorReply(requestId, error));
    }
}
