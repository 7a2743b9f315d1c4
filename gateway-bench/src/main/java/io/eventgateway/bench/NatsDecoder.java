package io.eventgateway.bench;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads what nats-server sends one connection: a byte stream of {@code INFO}, {@code MSG}, {@code PING},
 * {@code PONG}, {@code +OK} and {@code -ERR}, which its WebSocket listener cuts into frames anywhere. One frame may
 * hold several messages, and a message may span frames.
 *
 * <p>Cheap and allocation-free per event: each frame is copied once, behind the unfinished tail of the previous
 * one, into a per-thread scratch array, and the complete messages are read there by position ({@link Scan}); only
 * the new unfinished tail (at most one message) is copied back into this connection's carry array. Both arrays
 * grow to the largest frame and message seen, then stay.
 */
final class NatsDecoder implements Protocol.Decoder {

    /** nats-server's own {@code max_control_line}: a longer line without its CRLF is not NATS. */
    static final int MAX_CONTROL_LINE = 4096;

    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[][] {new byte[4096]});
    private static final String PONG = "PONG\r\n";
    private static final byte[] MSG = Scan.ascii("MSG ");
    private static final byte[] PING = Scan.ascii("PING");
    private static final byte[] PONG_OP = Scan.ascii("PONG");
    private static final byte[] ERR = Scan.ascii("-ERR");

    private byte[] carry = new byte[0];
    private int carried;

    @Override
    public void decode(ByteBuf frame, Inbound inbound) {
        int length = frame.readableBytes();
        int end = carried + length;
        byte[][] holder = SCRATCH.get();
        byte[] b = holder[0];
        if (b.length < end) {
            b = new byte[Math.max(end, 2 * b.length)];
            holder[0] = b;
        }
        System.arraycopy(carry, 0, b, 0, carried);
        frame.getBytes(frame.readerIndex(), b, carried, length);
        int at = 0;
        while (at < end) {
            int next = message(b, at, end, inbound);
            if (next < 0) {
                break;
            }
            at = next;
        }
        keep(b, at, end, inbound);
    }

    /** Bytes received and not yet part of a complete message (for tests). */
    int carried() {
        return carried;
    }

    /**
     * Reads the message at {@code at}.
     *
     * @return where the next message starts, or -1 when this one is not complete yet
     */
    private static int message(byte[] b, int at, int end, Inbound inbound) {
        int cr = lineEnd(b, at, end);
        if (cr < 0) {
            return -1;
        }
        int next = cr + 2;
        if (Scan.startsWith(b, at, cr, MSG)) {
            // MSG <subject> <sid> [reply-to] <#bytes>: the size is the line's last token.
            int digits = cr;
            while (digits > at && b[digits - 1] >= '0' && b[digits - 1] <= '9') {
                digits--;
            }
            long size = Scan.number(b, digits, cr);
            if (size == Long.MIN_VALUE) {
                inbound.error("NATS MSG line without a size: " + text(b, at, cr));
                return next;
            }
            int payloadEnd = next + (int) size;
            if (payloadEnd + 2 > end) {
                return -1;
            }
            event(b, next, payloadEnd, inbound);
            return payloadEnd + 2;
        }
        if (Scan.startsWith(b, at, cr, PING)) {
            inbound.reply(PONG);
        } else if (Scan.startsWith(b, at, cr, PONG_OP)) {
            inbound.subscribed(-1);
        } else if (Scan.startsWith(b, at, cr, ERR)) {
            inbound.error(text(b, at, cr));
        }
        // INFO, +OK and anything newer are not the bench's business.
        return next;
    }

    private static void event(byte[] b, int from, int end, Inbound inbound) {
        int data = Scan.after(b, from, end, GatewayProtocol.DATA);
        if (data >= 0) {
            GatewayProtocol.benchEvent(b, data, end, -1, inbound);
        }
    }

    /** The index of the CR of the first CRLF in {@code b[from, end)}, or -1. */
    private static int lineEnd(byte[] b, int from, int end) {
        for (int i = from; i < end - 1; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Keeps {@code b[from, end)}, an unfinished message, for the next frame. */
    private void keep(byte[] b, int from, int end, Inbound inbound) {
        int rest = end - from;
        if (rest > MAX_CONTROL_LINE && lineEnd(b, from, Math.min(end, from + MAX_CONTROL_LINE + 2)) < 0) {
            inbound.error("more than " + MAX_CONTROL_LINE + " bytes without a line end: not NATS: "
                + text(b, from, from + 80));
            carried = 0;
            return;
        }
        if (carry.length < rest) {
            carry = new byte[Math.max(rest, 2 * carry.length)];
        }
        System.arraycopy(b, from, carry, 0, rest);
        carried = rest;
    }

    private static String text(byte[] b, int from, int to) {
        return new String(b, from, Math.min(to, from + 400) - from, StandardCharsets.US_ASCII);
    }
}
