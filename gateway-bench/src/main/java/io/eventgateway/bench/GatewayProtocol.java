package io.eventgateway.bench;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The gateway's protocol (docs/PROTOCOL.md): one JSON envelope per text frame, {@code subscribe} with
 * {@code since}, {@code publish} answered by {@code published}, drops announced by {@code overflow}.
 *
 * <p>Frames are read by position: every server frame starts with {@code {"type":"}, an {@code event} frame has
 * {@code "seq"} before {@code "data"}, and the bench's data object keeps its field order {@code t, n, k, pad}
 * (the gateway stores and re-encodes data in the order it was published).
 */
final class GatewayProtocol implements Protocol, Protocol.Decoder {

    private static final int TYPE_AT = "{\"type\":\"".length();
    private static final byte[] EVENT = Scan.ascii("event\"");
    private static final byte[] OVERFLOW = Scan.ascii("overflow\"");
    private static final byte[] SUBSCRIBED = Scan.ascii("subscribed\"");
    private static final byte[] PUBLISHED = Scan.ascii("published\"");
    private static final byte[] PING = Scan.ascii("ping\"");
    private static final byte[] ERROR = Scan.ascii("error\"");
    private static final byte[] SEQ = Scan.ascii("\"seq\":");
    /** Where an event's {@code data} starts; the NATS payload carries the same envelope. */
    static final byte[] DATA = Scan.ascii("\"data\":");
    private static final byte[] T = Scan.ascii("\"t\":");
    private static final byte[] N = Scan.ascii("\"n\":");
    private static final byte[] K = Scan.ascii("\"k\":");
    private static final byte[] HEAD_SEQ = Scan.ascii("\"headSeq\":");
    private static final byte[] DROPPED = Scan.ascii("\"dropped\":");
    private static final byte[] FIRST_DROPPED = Scan.ascii("\"firstDroppedSeq\":");
    private static final byte[] LAST_DROPPED = Scan.ascii("\"lastDroppedSeq\":");
    private static final String PONG = "{\"type\":\"pong\"}";

    @Override
    public String name() {
        return "gateway";
    }

    @Override
    public String path() {
        return "/ws";
    }

    @Override
    public List<String> greeting() {
        return List.of();
    }

    @Override
    public String subscribe(String topic, long since) {
        return "{\"type\":\"subscribe\",\"id\":\"b\",\"payload\":{\"topics\":[\"" + topic + "\"]"
            + (since >= 0 ? ",\"since\":" + since : "") + "}}";
    }

    @Override
    public String publish(String topic, String dataJson) {
        return "{\"type\":\"publish\",\"payload\":{\"topic\":\"" + topic + "\",\"eventType\":\"bench.tick\",\"data\":"
            + dataJson + "}}";
    }

    @Override
    public String keepAlive() {
        return "{\"type\":\"ping\",\"id\":\"k\"}";
    }

    @Override
    public boolean announcesDrops() {
        return true;
    }

    @Override
    public boolean supportsSince() {
        return true;
    }

    @Override
    public boolean acknowledgesPublishes() {
        return true;
    }

    @Override
    public int eventOverhead(String topic) {
        return Publisher.frameOverhead(topic);
    }

    /** Stateless: every gateway message is one whole text frame. */
    @Override
    public Protocol.Decoder decoder() {
        return this;
    }

    @Override
    public void decode(ByteBuf frame, Inbound inbound) {
        byte[] b = Scan.head(frame);
        int end = Scan.headLength(frame);
        if (Scan.startsWith(b, TYPE_AT, end, EVENT)) {
            int seqAt = Scan.after(b, TYPE_AT, end, SEQ);
            long seq = Scan.number(b, seqAt, end);
            int data = Scan.after(b, Math.max(seqAt, TYPE_AT), end, DATA);
            if (data < 0) {
                inbound.error("event frame without data in its first " + end + " bytes: " + text(frame));
                return;
            }
            benchEvent(b, data, end, seq, inbound);
        } else if (Scan.startsWith(b, TYPE_AT, end, PUBLISHED)) {
            inbound.published(Scan.numberAfter(b, TYPE_AT, end, SEQ));
        } else if (Scan.startsWith(b, TYPE_AT, end, PING)) {
            inbound.reply(PONG);
        } else if (Scan.startsWith(b, TYPE_AT, end, OVERFLOW)) {
            inbound.overflow(Scan.numberAfter(b, TYPE_AT, end, DROPPED),
                Scan.numberAfter(b, TYPE_AT, end, FIRST_DROPPED), Scan.numberAfter(b, TYPE_AT, end, LAST_DROPPED));
        } else if (Scan.startsWith(b, TYPE_AT, end, SUBSCRIBED)) {
            inbound.subscribed(Scan.numberAfter(b, TYPE_AT, end, HEAD_SEQ));
        } else if (Scan.startsWith(b, TYPE_AT, end, ERROR)) {
            inbound.error(text(frame));
        }
    }

    private static String text(ByteBuf frame) {
        return frame.toString(frame.readerIndex(), Math.min(400, frame.readableBytes()), StandardCharsets.UTF_8);
    }

    /**
     * Hands a bench event's stamps ({@code t}, {@code n}, {@code k} of its data) to the inbound; an event without
     * them was published by someone else and is not counted.
     *
     * @param b the frame's bytes
     * @param data where its {@code data} object starts ({@link #DATA} found)
     * @param end the end of what may be read
     * @param seq the event's seq, -1 when the server has none
     * @param inbound receives it
     */
    static void benchEvent(byte[] b, int data, int end, long seq, Inbound inbound) {
        int tAt = Scan.after(b, data, end, T);
        int nAt = Scan.after(b, Math.max(tAt, data), end, N);
        int kAt = Scan.after(b, Math.max(nAt, data), end, K);
        long n = Scan.number(b, nAt, end);
        if (n != Long.MIN_VALUE) {
            inbound.event(seq, Scan.number(b, kAt, end), n, Scan.number(b, tAt, end));
        }
    }
}
