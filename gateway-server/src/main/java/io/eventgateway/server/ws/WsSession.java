package io.eventgateway.server.ws;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.Event;
import io.eventgateway.hub.ConnectionStream;
import io.eventgateway.hub.Hub;
import io.eventgateway.log.EventLog;
import io.eventgateway.server.GatewayVersion;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
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
 */
final class WsSession {

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

    WsSession(String id, ConnectionStream stream, Hub hub, EventLog log, WsConfig config, ServerFrames frames,
              Scheduler timer, String remote) {
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
        stream.offerControl(new ServerMessages.Connected(id, GatewayVersion.VERSION, hub.headSeq(),
            config.heartbeatInterval().toMillis(), config.idleTimeout().toMillis(), config.maxSubscriptions(),
            config.bufferSize()));

        // Outbound: the stream's items as frames, written by reactor-netty in batches with one flush per drain;
        // when the stream completes (a close was decided), the close frame follows the in-flight frames.
        Mono<Void> send = out.sendObject(stream.map(frames::toFrame)).then()
            .then(Mono.defer(() -> {
                CloseCode code = closing;
                return code == null ? Mono.empty() : out.sendClose(code.code(), code.reason());
            }));
        Mono<Void> receive = in.receiveFrames().doOnNext(this::onFrame).then();
        return receive.or(send)
            .onErrorResume(e -> Mono.empty())
            .doFinally(signal -> {
                timers.dispose();
                stream.cancel();
            });
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
            hub.subscribe(stream, ((ClientMessage.Subscribe) m).command())
                .subscribe(reply -> { }, error -> replyError(requestId, error));
        } else if (m instanceof ClientMessage.Unsubscribe) {
            ClientMessage.Unsubscribe u = (ClientMessage.Unsubscribe) m;
            hub.unsubscribe(stream, requestId, u.patterns(), u.topics())
                .subscribe(reply -> { }, error -> replyError(requestId, error));
        } else if (m instanceof ClientMessage.Publish) {
            log.append(List.of(((ClientMessage.Publish) m).event()))
                .subscribe(events -> published(requestId, events), error -> replyError(requestId, error));
        } else if (m instanceof ClientMessage.Ping) {
            stream.offerControl(new ServerMessages.Pong(requestId));
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
