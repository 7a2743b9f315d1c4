package io.eventgateway.server.ws;

import io.eventgateway.event.Event;
import io.eventgateway.hub.ConnectionStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.VoidChannelPromise;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;

/**
 * Writes a connection's {@link ConnectionStream} to its channel: each item is written as it is drained, with no
 * promise, and the channel is flushed once per drain pass. Demand follows the socket: {@link #BATCH} items at a
 * time while the channel is writable, none while it is not, so a client that reads slowly fills its stream's
 * bounded buffer (which drops the oldest events and announces them) instead of the gateway's memory.
 *
 * <p>Why not reactor-netty's {@code sendObject(Publisher)}: its {@code MonoSendMany} keeps a queue of its own, a
 * promise per frame and a flush task per connection per batch, and the frame encoder copies every event into a
 * new direct buffer. In a JFR profile of 1 topic x 100 subscribers at 1,000 events/s that path was about a third of
 * the event loops' samples (docs/BENCHMARKS.md, "Writing frames straight to the channel"). Here an event is a
 * retained duplicate of a frame built once per loop ({@link WireFrames}), unless the connection compresses.
 *
 * <p>Threads: the stream is drained on the connection's event loop (its {@code LoopBatcher}), and this writer's
 * requests come from that loop too (its {@code onNext}, and the writability handler), so the channel's writes
 * happen in order, on its own loop, without a task hand-off.
 */
final class ChannelWriter implements CoreSubscriber<Object>, ConnectionStream.DrainListener {

    /** Items requested at a time while the channel is writable. */
    static final int BATCH = 64;

    private final Channel channel;
    private final ServerFrames frames;
    private final boolean sharedEventFrames;
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

    /**
     * A writer for one connection.
     *
     * @param connection the connection, whose pipeline gets a writability listener
     * @param frames turns stream items into frames
     * @param sharedEventFrames whether events may be written as shared pre-built frames (not with compression)
     */
    ChannelWriter(Connection connection, ServerFrames frames, boolean sharedEventFrames) {
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
        untilRequest = BATCH;
        s.request(BATCH);
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
        Object frame = null;
        try {
            if (sharedEventFrames && item instanceof Event) {
                WireFrames cache = wireFrames;
                if (cache == null) {
                    cache = WireFrames.current();
                    wireFrames = cache;
                }
                frame = cache.frame((Event) item, channel.alloc());
            }
            if (frame == null) {
                frame = frames.toFrame(item);
            }
        } catch (Throwable error) {
            Exceptions.throwIfJvmFatal(error);
            fail(error);
            return;
        }
        channel.write(frame, noPromise);
        if (--untilRequest == 0) {
            untilRequest = BATCH;
            Subscription s = upstream;
            if (channel.isWritable() && s != null) {
                s.request(BATCH);
            } else {
                waitingForWritable = true;
            }
        }
    }

    @Override
    public void drained() {
        channel.flush();
    }

    @Override
    public void onError(Throwable t) {
        if (!terminated) {
            terminated = true;
            channel.flush();
            done.tryEmitError(t);
        }
    }

    @Override
    public void onComplete() {
        if (!terminated) {
            terminated = true;
            channel.flush();
            done.tryEmitEmpty();
        }
    }

    private void resume() {
        Subscription s = upstream;
        if (waitingForWritable && !terminated && s != null) {
            waitingForWritable = false;
            s.request(BATCH);
        }
    }

    private void fail(Throwable error) {
        terminated = true;
        cancel();
        channel.flush();
        done.tryEmitError(error);
    }

    private void cancel() {
        Subscription s = upstream;
        if (s != null) {
            s.cancel();
        }
    }
}
