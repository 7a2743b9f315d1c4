package io.eventgateway.server.ws;

import io.eventgateway.event.Event;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import org.jspecify.annotations.Nullable;

/**
 * Complete WebSocket text frames of events (header and payload, as they go on the wire), built once per event loop
 * and shared by every connection of that loop: each write is a retained duplicate of the same direct buffer, so an
 * event delivered to 1,000 connections is framed and copied into direct memory once per loop, not 1,000 times.
 *
 * <p>Why: with reactor-netty's outbound, every delivery allocated a pooled direct buffer and copied the event's
 * bytes into it in {@code WebSocket08FrameEncoder}; in a JFR profile of 1 topic x 100 subscribers at 1,000
 * events/s that allocation and copy were 21% of the event loops' samples (docs/BENCHMARKS.md, "Writing
 * frames straight to the channel").
 *
 * <p>Confined to one thread (a {@link FastThreadLocal} per event loop); a small direct-mapped cache indexed by
 * {@code seq}: a slot is checked by identity, so a replayed copy of an event or a newer event in the same slot is a
 * miss, never a wrong frame. A slot's buffer is released when the slot is reused or the thread ends, so the cache
 * holds at most {@link #SLOTS} frames of at most {@link #MAX_SHARED_BYTES} per loop. Only for connections without
 * permessage-deflate: these frames bypass the WebSocket encoder and its extensions.
 */
final class WireFrames {

    /** Frames kept per loop: enough for the distinct events of one batch of a busy loop. */
    static final int SLOTS = 256;
    private static final int FIN_TEXT = 0x81;

    /**
     * The largest event frame shared this way (16 KiB): the cache then holds at most {@code SLOTS} x 16 KiB of
     * direct memory per loop, however big events get; a larger event goes through the encoder, which writes a
     * payload over 1 KiB without copying it (research/performance.md section 3 item 3).
     */
    static final int MAX_SHARED_BYTES = 16 * 1024;

    private static final FastThreadLocal<WireFrames> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected WireFrames initialValue() {
            return new WireFrames();
        }

        @Override
        protected void onRemoval(WireFrames cache) {
            // The loop thread is ending (Netty removes its FastThreadLocals): give the frames back.
            cache.clear();
        }
    };

    private final Event[] events = new Event[SLOTS];
    private final ByteBuf[] frames = new ByteBuf[SLOTS];

    private WireFrames() {
    }

    /**
     * The calling thread's cache: call it on the connection's event loop.
     *
     * @return the cache of the current thread
     */
    static WireFrames current() {
        return PER_THREAD.get();
    }

    /**
     * An event's complete text frame, to be written (and released by the write) once; null when the frame is larger
     * than {@link #MAX_SHARED_BYTES}, which the caller sends through the encoder instead.
     *
     * @param event the event
     * @param alloc the channel's allocator, for the frame's direct buffer on a miss
     * @return a retained duplicate of the shared frame, or null for a large event
     * @throws RuntimeException when the event cannot be encoded
     */
    @Nullable ByteBuf frame(Event event, ByteBufAllocator alloc) {
        int slot = (int) (event.seq() & (SLOTS - 1));
        ByteBuf frame = frames[slot];
        if (events[slot] != event || frame == null) {
            byte[] payload = event.frame().bytes();
            if (payload.length > MAX_SHARED_BYTES) {
                return null;
            }
            ByteBuf built = build(payload, alloc);
            release(slot);
            events[slot] = event;
            frames[slot] = built;
            frame = built;
        }
        return frame.retainedDuplicate();
    }

    /** Releases every cached frame. */
    void clear() {
        for (int slot = 0; slot < SLOTS; slot++) {
            release(slot);
        }
    }

    private void release(int slot) {
        @Nullable ByteBuf old = frames[slot];
        if (old != null) {
            frames[slot] = null;
            events[slot] = null;
            old.release();
        }
    }

    /** RFC 6455 section 5.2: FIN, opcode text, no mask (server to client), the shortest length encoding. */
    static ByteBuf build(byte[] payload, ByteBufAllocator alloc) {
        ByteBuf frame = alloc.directBuffer(headerLength(payload.length) + payload.length);
        writeHeader(frame, payload.length);
        frame.writeBytes(payload);
        return frame;
    }

    /**
     * The size of a server text frame's header (no mask).
     *
     * @param payloadLength the payload's length in bytes
     * @return 2, 4 or 10
     */
    static int headerLength(int payloadLength) {
        return payloadLength <= 125 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    }

    /**
     * Writes a final text frame's header, to be followed by exactly {@code payloadLength} bytes of payload.
     *
     * @param frame where to write
     * @param payloadLength the payload's length in bytes
     */
    static void writeHeader(ByteBuf frame, int payloadLength) {
        frame.writeByte(FIN_TEXT);
        if (payloadLength <= 125) {
            frame.writeByte(payloadLength);
        } else if (payloadLength <= 0xFFFF) {
            frame.writeByte(126);
            frame.writeShort(payloadLength);
        } else {
            frame.writeByte(127);
            frame.writeLong(payloadLength);
        }
    }
}
