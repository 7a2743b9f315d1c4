package io.eventgateway.bench;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * One subscriber's bookkeeping. Frames are scanned as bytes for the few fields the bench needs (a JSON parse per
 * delivery would make the load generator, not the gateway, the bottleneck). Confined to the connection's event
 * loop, except the counters read by the reporter (benign races on longs, read as monotonic totals).
 */
final class Subscriber {

    private static final int TYPE_PREFIX_LENGTH = "{\"type\":\"".length();
    private static final byte[] SEQ = "\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INTENDED = "\"t\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DROPPED = "\"dropped\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_DROPPED = "\"lastDroppedSeq\":".getBytes(StandardCharsets.US_ASCII);

    private final Latency latency;
    /** The first seq this subscriber is entitled to (the head when it subscribed, plus one). */
    private long expectedNext = -1;
    volatile long received;
    volatile long duplicates;
    volatile long orderViolations;
    volatile long announcedDrops;
    volatile long unannounced;
    volatile boolean subscribed;

    Subscriber(Latency latency) {
        this.latency = latency;
    }

    void startAt(long firstSeq) {
        expectedNext = firstSeq;
        subscribed = true;
    }

    /** The first letter of the frame's type: every server frame starts with {"type":" (PROTOCOL.md section 3). */
    static byte typeLetter(ByteBuf frame) {
        int at = frame.readerIndex() + TYPE_PREFIX_LENGTH;
        return at < frame.writerIndex() ? frame.getByte(at) : 0;
    }

    void onFrame(ByteBuf frame, long nowNanos) {
        byte type = typeLetter(frame);
        if (type == 'e') {
            long seq = number(frame, SEQ);
            long intended = number(frame, INTENDED);
            if (intended > 0) {
                latency.record(nowNanos - intended);
            }
            if (expectedNext < 0) {
                expectedNext = seq;
            }
            if (seq < expectedNext) {
                if (seq == expectedNext - 1) {
                    duplicates++;
                } else {
                    orderViolations++;
                }
                return;
            }
            unannounced += seq - expectedNext;
            expectedNext = seq + 1;
            received++;
        } else if (type == 'o') {
            long dropped = number(frame, DROPPED);
            long last = number(frame, LAST_DROPPED);
            announcedDrops += dropped;
            // The single bench topic has consecutive seqs: the dropped ones are exactly those up to "last".
            if (expectedNext >= 0) {
                long skipped = last + 1 - expectedNext;
                unannounced += Math.max(0, skipped - dropped);
                expectedNext = Math.max(expectedNext, last + 1);
            }
        }
    }

    /** The last integer in a text such as {@code {"seqs":[1,2,3]}}: the highest seq of a batch answer. */
    static long lastNumberAfter(String text) {
        int end = text.length() - 1;
        while (end >= 0 && !Character.isDigit(text.charAt(end))) {
            end--;
        }
        int start = end;
        while (start > 0 && Character.isDigit(text.charAt(start - 1))) {
            start--;
        }
        return end < 0 ? 0 : Long.parseLong(text.substring(start, end + 1));
    }

    static boolean contains(ByteBuf buf, byte[] needle) {
        return indexOf(buf, needle) >= 0;
    }

    static int indexOf(ByteBuf buf, byte[] needle) {
        int start = buf.readerIndex();
        int end = buf.writerIndex() - needle.length;
        outer:
        for (int i = start; i <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The non-negative integer after the first occurrence of {@code key}, or -1. */
    static long number(ByteBuf buf, byte[] key) {
        int at = indexOf(buf, key);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        boolean any = false;
        for (int i = at + key.length; i < buf.writerIndex(); i++) {
            byte b = buf.getByte(i);
            if (b < '0' || b > '9') {
                break;
            }
            value = value * 10 + (b - '0');
            any = true;
        }
        return any ? value : -1;
    }
}
