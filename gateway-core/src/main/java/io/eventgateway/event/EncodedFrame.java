package io.eventgateway.event;

import java.nio.charset.StandardCharsets;

/**
 * The UTF-8 bytes of one complete JSON frame, built once and shared by every connection that sends it.
 * The array is never modified after construction; callers must not modify it either (it is exposed without
 * a copy because copying it per connection is exactly what encode-once avoids).
 */
public final class EncodedFrame {

    private final byte[] bytes;

    /**
     * Wraps encoded bytes without copying them.
     *
     * @param bytes UTF-8 JSON; ownership passes to this frame
     */
    public EncodedFrame(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * The shared bytes. Do not modify.
     *
     * @return the UTF-8 JSON text of the frame
     */
    public byte[] bytes() {
        return bytes;
    }

    /**
     * The frame's size in bytes.
     *
     * @return the length
     */
    public int length() {
        return bytes.length;
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
