package io.eventgateway.server.ws;

import io.eventgateway.event.Event;
import io.eventgateway.hub.ConnectionStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;

/**
 * Writes a connection's {@link ConnectionStream} to its channel: each item is written as it is drained, with no
 * promise, and the channel is flushed once per drain pass. Demand follows the socket: {@link #DEMAND} items at a
 * time while the channel is writable, none while it is not, so a client that reads slowly fills its stream's
 * bounded buffer (which drops the oldest events and announces them) instead of the gateway's memory.
 *
 * <p>Why not reactor-netty's {@code sendObject(Publisher)}: its {@code MonoSendMany} keeps a queue of its own, a
 * promise per frame and a flush task per connection per batch, and the frame encoder copies every event into a
 * new direct buffer. In a JFR profile of 1 topic x 100 subscribers at 1,000 events/s that path was about a third of
 * the event loops' samples (docs/BENCHMARKS.md, "Writing frames straight to the channel"). Here an event is a
 * retained duplicate of a frame built once per loop ({@link WireFrames}), unless the connection compresses.
 *
 * <p>A connection that asked for batches ({@code /ws?batch=true}) gets the messages of one drain pass, after its
 * first ({@code connected}), gathered into {@code batch} frames of at most {@link #MAX_BATCH_BYTES}. A pass that
 * drains a single message, or a message too big to share a frame, still writes it alone. Why: at 1 topic x 1,000
 * subscribers and 300 events/s the gateway's loops are behind often enough that 3 to 6 events wait together per
 * connection, and sending them as one frame (one write here, one frame for the client to read) brought the steady
 * p99 to 0.43 and 0.91 of one frame per event (docs/BENCHMARKS.md, "Batch frames"). Nothing waits for a batch to
 * fill: a batch holds what was already there when the loop came to the connection, so it grows only when the loop
 * falls behind, and costs no latency when it does not.
 *
 * <p>Threads: the stream is drained on the connection's event loop (its {@code LoopBatcher}), and this writer's
 * requests come from that loop too (its {@code onNext}, and the writability handler), so the channel's writes
 * happen in order, on its own loop, without a task hand-off.
 */
final class ChannelWriter implements CoreSubscriber<Object>, ConnectionStream.DrainListener {

    /** Items requested at a time while the channel is writable. */
    static final int DEMAND = 64;

    /**
     * The largest {@code batch} frame's payload, 16 KiB: below every common client's default frame limit
     * (reactor-netty's and Netty's 64 KiB, the browsers' and Python websockets' far more), and enough for about
     * fifty events of 300 B.
     */
    static final int MAX_BATCH_BYTES = 16 * 1024;

    /** Room for a batch frame's envelope around its messages (80 B with a timestamp of today's width). */
    private static final int ENVELOPE_BYTES = 128;

    private final Channel channel;
    private final ServerFrames frames;
    private final boolean sharedEventFrames;
    private final boolean batching;
    private final Sinks.Empty<Void> done = Sinks.empty();
    /**
     * A void promise that does not report failures: a write fails only because the channel closed, which ends the
     * connection through its inbound anyway. {@code channel.voidPromise()} would fire each failed write into the
     * pipeline, where reactor-netty logs every one after the inbound ended (up to a full socket buffer of frames
     * for a slow client that resets).
     */
    private final VoidChannelPromise noPromise;

    // Event-loop confined.
    /** This loop's frame cache, looked up once (every write happens on the loop). */
    private @Nullable WireFrames wireFrames;
    private @Nullable Subscription upstream;
    private int untilRequest;
    private boolean waitingForWritable;
    private boolean terminated;
    /** Whether the first message ({@code connected}, always alone) was written. */
    private boolean started;
    /** The JSON of the messages gathered for the next batch frame, in order. */
    private final ArrayList<byte[]> gathered = new ArrayList<>();
    /** The first gathered item, written as its own frame if no other joins it. */
    private @Nullable Object firstGathered;
    /** The gathered messages' bytes plus one separator each. */
    private int gatheredBytes;

    /**
     * A writer for one connection.
     *
     * @param connection the connection, whose pipeline gets a writability listener
     * @param frames turns stream items into frames
     * @param sharedEventFrames whether events may be written as shared pre-built frames (not with compression)
     * @param batching whether the client asked for {@code batch} frames
     */
    ChannelWriter(Connection connection, ServerFrames frames, boolean sharedEventFrames, boolean batching) {
        this.batching = batching;
        this.channel = connection.channel();
        this.noPromise = new VoidChannelPromise(channel, false);
        this.frames = frames;
        this.sharedEventFrames = sharedEventFrames;
        connection.addHandlerLast("gateway-writability", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (ctx.channel().isWritable()) {
                    resume();
                }
                ctx.fireChannelWritabilityChanged();
            }
        });
    }

    /**
     * Subscribes this writer to a stream.
     *
     * @param stream the connection's stream
     * @return completes when the stream completed and its last frame was flushed; fails when an item could not be
     *     turned into a frame (a bug: the connection is then closed 1011); cancelling it cancels the stream. A write
     *     that fails because the channel closed does not fail it: the connection's inbound ends it
     */
    Mono<Void> write(ConnectionStream stream) {
        return Mono.defer(() -> {
            stream.subscribe(this);
            return done.asMono();
        }).doOnCancel(this::cancel);
    }

    @Override
    public void onSubscribe(Subscription s) {
        upstream = s;
        untilRequest = DEMAND;
        s.request(DEMAND);
    }

    @Override
    public void onNext(Object item) {
        if (terminated) {
            return;
        }
        if (!channel.eventLoop().inEventLoop()) {
            // Writes from two threads could reorder frames; the hub drains every connection on its own loop.
            fail(new IllegalStateException("connection stream drained off its event loop, on "
                + Thread.currentThread().getName()));
            return;
        }
        try {
            if (batching && started && !(item instanceof WebSocketFrame)) {
                gather(item);
            } else {
                writeGathered();
                writeAlone(item, null);
                started = true;
            }
        } catch (Throwable error) {
            Exceptions.throwIfJvmFatal(error);
            fail(error);
            return;
        }
        if (--untilRequest == 0) {
            untilRequest = DEMAND;
            Subscription s = upstream;
            if (channel.isWritable() && s != null) {
                s.request(DEMAND);
            } else {
                waitingForWritable = true;
            }
        }
    }

    @Override
    public void drained() {
        try {
            flush();
        } catch (Throwable error) {
            // Nothing here should throw; if it does, this connection ends (1011), not the loop's whole drain pass.
            Exceptions.throwIfJvmFatal(error);
            fail(error);
        }
    }

    /** Adds a message to the next batch frame, writing the gathered ones first when it would not fit. */
    private void gather(Object item) {
        byte[] json = frames.json(item);
        if (!gathered.isEmpty() && ENVELOPE_BYTES + gatheredBytes + json.length > MAX_BATCH_BYTES) {
            writeGathered();
        }
        if (gathered.isEmpty()) {
            firstGathered = item;
        }
        gathered.add(json);
        gatheredBytes += json.length + 1;
    }

    /** Writes what was gathered: one message as its own frame, several as a {@code batch} frame. */
    private void writeGathered() {
        int count = gathered.size();
        if (count == 0) {
            return;
        }
        Object first = firstGathered;
        byte[] firstJson = gathered.get(0);
        if (count == 1 && first != null) {
            clearGathered();
            writeAlone(first, firstJson);
            return;
        }
        byte[] start = frames.batchStart();
        int length = start.length + gatheredBytes - 1 + ServerFrames.BATCH_END.length;
        ByteBuf payload;
        if (sharedEventFrames) {
            // No extension to run: the frame's header goes in front of the payload, as WireFrames does.
            payload = channel.alloc().directBuffer(WireFrames.headerLength(length) + length);
            WireFrames.writeHeader(payload, length);
        } else {
            payload = channel.alloc().buffer(length);
        }
        payload.writeBytes(start);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                payload.writeByte(',');
            }
            payload.writeBytes(gathered.get(i));
        }
        payload.writeBytes(ServerFrames.BATCH_END);
        clearGathered();
        channel.write(sharedEventFrames ? payload : new TextWebSocketFrame(payload), noPromise);
    }

    private void clearGathered() {
        gathered.clear();
        firstGathered = null;
        gatheredBytes = 0;
    }

    /**
     * Writes one message as its own frame: an event as this loop's shared frame when it may, anything else through
     * the encoder.
     *
     * @param item the message
     * @param json its JSON when already made ({@link ServerFrames#json}), else null
     */
    private void writeAlone(Object item, byte @Nullable [] json) {
        Object frame = null;
        if (sharedEventFrames && item instanceof Event) {
            WireFrames cache = wireFrames;
            if (cache == null) {
                cache = WireFrames.current();
                wireFrames = cache;
            }
            frame = cache.frame((Event) item, channel.alloc());
        }
        if (frame == null) {
            frame = json != null ? new TextWebSocketFrame(Unpooled.wrappedBuffer(json)) : frames.toFrame(item);
        }
        channel.write(frame, noPromise);
    }

    /** Writes what was gathered (dropping it if that fails) and flushes the channel. */
    private void flush() {
        try {
            writeGathered();
        } finally {
            clearGathered();
            channel.flush();
        }
    }

    @Override
    public void onError(Throwable t) {
        if (!terminated) {
            terminated = true;
            flush();
            done.tryEmitError(t);
        }
    }

    @Override
    public void onComplete() {
        if (!terminated) {
            terminated = true;
            flush();
            done.tryEmitEmpty();
        }
    }

    private void resume() {
        Subscription s = upstream;
        if (waitingForWritable && !terminated && s != null) {
            waitingForWritable = false;
            s.request(DEMAND);
        }
    }

    private void fail(Throwable error) {
        terminated = true;
        cancel();
        flush();
        done.tryEmitError(error);
    }

    private void cancel() {
        Subscription s = upstream;
        if (s != null) {
            s.cancel();
        }
    }
}
