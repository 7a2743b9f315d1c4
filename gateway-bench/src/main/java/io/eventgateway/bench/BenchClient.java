package io.eventgateway.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * One logical subscriber: its {@link Subscriber} ledger for one topic, and the WebSocket connection (a
 * {@link Session}) it uses now. Churn closes the session and opens another that resumes with {@code since}; a
 * closed session is detached first, so nothing it still receives reaches the ledger.
 *
 * <p>Frames are handled on the connection's event loop. A client that may stall reads with bounded demand (a
 * window of {@value #WINDOW} frames): when it stalls it stops asking, Reactor Netty turns the channel's auto-read
 * off, and with a small receive buffer the gateway soon sees the socket unwritable, as it would a client that
 * really stopped reading. Other clients read with unbounded demand, Reactor Netty's fast path.
 */
final class BenchClient {

    /** The frames a stallable client asks for at a time. */
    static final int WINDOW = 64;

    enum State { NEW, CONNECTING, LIVE, CLOSED }

    final Subscriber ledger;
    final String topic;
    private final Generator generator;
    private final Protocol protocol;
    private final @Nullable Latency latency;
    private final boolean stallable;

    volatile State state = State.NEW;
    private volatile @Nullable Session session;
    private volatile boolean stalled;
    volatile @Nullable String lastError;

    BenchClient(Generator generator, int topicIndex, String topic, @Nullable Latency latency, boolean stallable) {
        this.generator = generator;
        this.protocol = generator.protocol;
        this.ledger = new Subscriber(topicIndex);
        this.topic = topic;
        this.latency = latency;
        this.stallable = stallable;
    }

    /**
     * Opens a connection and subscribes.
     *
     * @param since resume after this seq, or -1 for live events only
     * @return completes once the server confirmed the subscription; fails when the connection could not be made
     */
    Mono<Void> connect(long since) {
        return Mono.defer(() -> {
            Session s = new Session(since, generator.sources.next());
            session = s;
            state = State.CONNECTING;
            generator.startOnNextLoop(() -> generator.client(stallable, s.source)
                .websocket(Generator.WEBSOCKET_SPEC)
                .uri(protocol.path())
                .handle(s::run)
                .subscribe(null, s::ended, () -> s.ended(null)));
            return s.ready.asMono();
        });
    }

    /**
     * Closes the connection and opens a new one that resumes after the last event received (or announced
     * dropped) with {@code since}: a client's reconnect, as PROTOCOL.md section 7 describes it.
     *
     * @return completes once the new subscription is confirmed
     */
    Mono<Void> reconnect() {
        return Mono.defer(() -> {
            Session s = session;
            if (s == null) {
                return connect(ledger.resumeAfter());
            }
            s.close();
            return s.closed.asMono().then(Mono.defer(() -> connect(ledger.resumeAfter())));
        });
    }

    /**
     * The event loop this client's connection reads on.
     *
     * @return the loop, or null while not connected
     */
    @Nullable EventLoop loop() {
        Session s = session;
        Connection c = s == null ? null : s.connection;
        return c == null || !c.channel().isRegistered() ? null : c.channel().eventLoop();
    }

    /** Stops reading: no more demand once the frames already asked for have arrived. */
    void stall() {
        stalled = true;
    }

    /** Reads again, from where it stopped. */
    void resume() {
        stalled = false;
        Session s = session;
        if (s != null) {
            s.onLoop(s.receiver::resumeReading);
        }
    }

    boolean stalled() {
        return stalled;
    }

    /** Sends a text frame (a keep-alive while stalled). */
    void send(String text) {
        Session s = session;
        if (s != null) {
            s.onLoop(() -> s.emit(text));
        }
    }

    /** Closes politely (a WebSocket close frame); the ledger stays. */
    void close() {
        Session s = session;
        if (s != null) {
            s.close();
        }
    }

    /** Closes at once, without a close frame (the end of a run). */
    void dispose() {
        Session s = session;
        if (s != null) {
            s.detached = true;
            Connection c = s.connection;
            if (c != null) {
                c.dispose();
            }
        }
    }

    /** One WebSocket connection of this client, from connect to close. */
    private final class Session implements Inbound {
        final long since;
        final InetSocketAddress source;
        final long startedNanos = System.nanoTime();
        final Sinks.Empty<Void> ready = Sinks.empty();
        final Sinks.Empty<Void> closed = Sinks.empty();
        final Receiver receiver = new Receiver(this);
        /** A new connection's stream starts afresh: nothing left over from the previous one is carried. */
        final Protocol.Decoder decoder = protocol.decoder();
        final Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();
        volatile @Nullable Connection connection;
        volatile @Nullable WebsocketOutbound out;
        volatile @Nullable WebSocketCloseStatus closeStatus;
        /** Set when this session was asked to close: from then on, nothing it receives is counted. */
        volatile boolean detached;
        private boolean confirmed;

        Session(long since, InetSocketAddress source) {
            this.since = since;
            this.source = source;
        }

        Publisher<Void> run(WebsocketInbound in, WebsocketOutbound o) {
            in.withConnection(c -> connection = c);
            in.receiveCloseStatus().subscribe(status -> closeStatus = status);
            out = o;
            for (String frame : protocol.greeting()) {
                emit(frame);
            }
            emit(protocol.subscribe(topic, since));
            in.receiveFrames().subscribe(receiver);
            return Mono.when(o.sendObject(outbound.asFlux()).then(), receiver.done.asMono());
        }

        void ended(@Nullable Throwable error) {
            if (session == this) {
                state = State.CLOSED;
            }
            if (error != null && SourceAddresses.isOutOfPorts(error)) {
                generator.sources.exhausted(source);
            }
            Throwable cause = error != null ? error
                : new IllegalStateException("the connection closed before the subscription was confirmed");
            boolean lost = ready.tryEmitError(cause).isFailure() && !detached && !generator.closing();
            if (lost) {
                // It was live and nobody asked it to close.
                WebSocketCloseStatus status = closeStatus;
                lastError = error != null ? error.toString() : status != null
                    ? "closed by the server with " + status.code() + " " + status.reasonText() : "closed by the server";
                generator.connectionLost(BenchClient.this);
            }
            closed.tryEmitEmpty();
            if (lost && session == this) {
                generator.reconnectAfterLoss(BenchClient.this);
            }
        }

        void close() {
            detached = true;
            WebsocketOutbound o = out;
            Connection c = connection;
            if (o == null || c == null) {
                return;
            }
            // Reactor Netty sends the close frame and closes the connection when the server answers it.
            o.sendClose(1000, "bench").subscribe(null, e -> c.dispose());
            onLoop(() -> c.channel().eventLoop().schedule(c::dispose, 5, TimeUnit.SECONDS));
        }

        void onLoop(Runnable task) {
            Connection c = connection;
            if (c == null) {
                return;
            }
            Channel channel = c.channel();
            if (channel.isRegistered()) {
                channel.eventLoop().execute(task);
            }
        }

        void emit(String text) {
            outbound.tryEmitNext(new TextWebSocketFrame(text));
        }

        // ----- Inbound, on the event loop -----

        @Override
        public void subscribed(long headSeq) {
            if (detached || confirmed) {
                return;
            }
            confirmed = true;
            ledger.onSubscribed(headSeq);
            state = State.LIVE;
            generator.connectTimes.record(System.nanoTime() - startedNanos);
            ready.tryEmitEmpty();
        }

        @Override
        public void event(long seq, long topicIndex, long n, long intendedNanos) {
            if (detached) {
                return;
            }
            if (ledger.onEvent(seq, topicIndex, n) && latency != null && intendedNanos != Long.MIN_VALUE) {
                latency.record(System.nanoTime() - intendedNanos);
            }
        }

        @Override
        public void overflow(long dropped, long firstSeq, long lastSeq) {
            if (!detached) {
                ledger.onOverflow(dropped, lastSeq);
            }
        }

        @Override
        public void published(long seq) {
            // Subscribers do not publish.
        }

        @Override
        public void error(String frame) {
            lastError = frame;
            generator.serverError(frame);
        }

        @Override
        public void reply(String frame) {
            emit(frame);
        }
    }

    /** Reads a session's frames: unbounded, or in windows for a client that may stall. */
    private final class Receiver extends BaseSubscriber<WebSocketFrame> {
        final Sinks.Empty<Void> done = Sinks.empty();
        private final Session owner;
        private int consumed;
        private long owed;

        Receiver(Session owner) {
            this.owner = owner;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(stallable ? WINDOW : Long.MAX_VALUE);
        }

        @Override
        protected void hookOnNext(WebSocketFrame frame) {
            if (Generator.carriesData(frame)) {
                generator.sampleFrame(frame.content().readableBytes());
                owner.decoder.decode(frame.content(), owner);
            }
            if (stallable && ++consumed == WINDOW / 2) {
                consumed = 0;
                if (stalled) {
                    owed += WINDOW / 2;
                } else {
                    request(WINDOW / 2);
                }
            }
        }

        void resumeReading() {
            long n = owed;
            owed = 0;
            if (n > 0) {
                request(n);
            }
        }

        @Override
        protected void hookOnComplete() {
            done.tryEmitEmpty();
            owner.outbound.tryEmitComplete();
        }

        @Override
        protected void hookOnError(Throwable error) {
            done.tryEmitError(error);
            owner.outbound.tryEmitComplete();
        }
    }
}
