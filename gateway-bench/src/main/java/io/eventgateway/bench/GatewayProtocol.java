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
 *
 * <p>As {@code gateway-batch} it opens {@code /ws?batch=true} and also reads {@code batch} frames (PROTOCOL.md
 * section 5): the whole frame is copied once into a per-thread array and each message of
 * {@code payload.messages} is read there as if it had come alone.
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
    private static final byte[] BATCH = Scan.ascii("batch\"");
    private static final byte[] EVENT_HEAD = Scan.ascii("{\"type\":\"event\",\"timestamp\":\"");
    private static final byte[] SEQ_HEAD = Scan.ascii("\",\"payload\":{\"seq\":");
    private static final byte[] TOPIC_HEAD = Scan.ascii(",\"topic\":\"");
    private static final byte[] BENCH_DATA = Scan.ascii("\",\"eventType\":\"bench.tick\",\"data\":");
    private static final byte[] BENCH_T = Scan.ascii("{\"t\":");
    private static final byte[] BENCH_N = Scan.ascii(",\"n\":");
    private static final byte[] BENCH_K = Scan.ascii(",\"k\":");
    private static final byte[] BENCH_PAD = Scan.ascii(",\"pad\":\"");
    private static final byte[] MESSAGES = Scan.ascii("\"messages\":[");
    private static final String PONG = "{\"type\":\"pong\"}";
    private static final ThreadLocal<byte[][]> WHOLE = ThreadLocal.withInitial(() -> new byte[][] {new byte[16_384]});

    private final boolean batch;

    /** One message per frame, as every client gets unless it asks for batches. */
    GatewayProtocol() {
        this(false);
    }

    /**
     * The protocol, with or without {@code batch} frames.
     *
     * @param batch whether to ask for them ({@code /ws?batch=true})
     */
    GatewayProtocol(boolean batch) {
        this.batch = batch;
    }

    @Override
    public String name() {
        return batch ? "gateway-batch" : "gateway";
    }

    @Override
    public String path() {
        return batch ? "/ws?batch=true" : "/ws";
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
        if (Scan.startsWith(b, TYPE_AT, end, BATCH)) {
            decodeBatch(frame, inbound);
        } else {
            message(b, 0, end, inbound);
        }
    }

    /** Reads each message of a {@code batch} frame in order. */
    private void decodeBatch(ByteBuf frame, Inbound inbound) {
        int end = frame.readableBytes();
        byte[][] holder = WHOLE.get();
        byte[] b = holder[0];
        if (b.length < end) {
            b = new byte[Math.max(end, 2 * b.length)];
            holder[0] = b;
        }
        frame.getBytes(frame.readerIndex(), b, 0, end);
        int at = Scan.after(b, TYPE_AT, end, MESSAGES);
        if (at < 0) {
            inbound.error("a batch frame without payload.messages: " + text(frame));
            return;
        }
        while (at < end && b[at] == '{') {
            int next = batchedEvent(b, at, end, inbound);
            if (next < 0) {
                next = Scan.valueEnd(b, at, end);
                if (next < 0) {
                    inbound.error("a batch frame with an unfinished message: " + text(frame));
                    return;
                }
                message(b, at, next, inbound);
            }
            at = next < end && b[next] == ',' ? next + 1 : next;
        }
    }

    /**
     * Reads a bench event of a batch as the gateway writes one, field after field with no search: {@code
     * {"type":"event","timestamp":"...","payload":{"seq":S,"topic":"...","eventType":"bench.tick","data":}, then
     * the data as {@link #benchData} reads it. Each fixed run of bytes is compared whole and each value read once.
     * The load generator's profile at 200,000 events/s had reading the batches at 43% of its samples, most of it
     * searching for keys and reading every number twice (once for its end, once for its value); NATS's messages,
     * whose lengths are given, cost it about 1.5 µs less per event (docs/BENCHMARKS.md, "The generator's reading
     * of batch frames").
     *
     * @return the index after the message, or -1 (nothing reported) when it is not a bench event written that way;
     *     the caller then walks it and reads it as any message
     */
    private static int batchedEvent(byte[] b, int at, int end, Inbound inbound) {
        int stamp = key(b, at, end, EVENT_HEAD);
        int stampEnd = stamp < 0 ? -1 : Scan.closingQuote(b, stamp, end);
        int seqAt = stampEnd < 0 ? -1 : key(b, stampEnd, end, SEQ_HEAD);
        long seq = Scan.number(b, seqAt, end);
        int topic = seq < 0 ? -1 : key(b, seqAt + Scan.digits(seq), end, TOPIC_HEAD);
        int topicEnd = topic < 0 ? -1 : Scan.closingQuote(b, topic, end);
        int data = topicEnd < 0 ? -1 : key(b, topicEnd, end, BENCH_DATA);
        return data < 0 ? -1 : benchData(b, data, end, seq, inbound);
    }

    /**
     * Reads a bench event's data written exactly as the bench publishes it, {@code {"t":T,"n":N,"k":K,"pad":"..."}},
     * followed by the end of the message ({@code }}}), in one pass.
     *
     * @param data where the data object starts
     * @return the index after the message, or -1 (nothing reported) when the data is not shaped that way
     */
    private static int benchData(byte[] b, int data, int end, long seq, Inbound inbound) {
        int tAt = key(b, data, end, BENCH_T);
        long t = Scan.number(b, tAt, end);
        int nAt = t < 0 ? -1 : key(b, tAt + Scan.digits(t), end, BENCH_N);
        long n = Scan.number(b, nAt, end);
        int kAt = n < 0 ? -1 : key(b, nAt + Scan.digits(n), end, BENCH_K);
        long k = Scan.number(b, kAt, end);
        int padAt = k < 0 ? -1 : key(b, kAt + Scan.digits(k), end, BENCH_PAD);
        if (padAt < 0) {
            return -1;
        }
        int at = Scan.closingQuote(b, padAt, end);
        if (at + 4 > end || b[at + 1] != '}' || b[at + 2] != '}' || b[at + 3] != '}') {
            return -1;
        }
        inbound.event(seq, k, n, t);
        return at + 4;
    }

    /** The index after {@code key} when it stands exactly at {@code at}, else -1. */
    private static int key(byte[] b, int at, int end, byte[] key) {
        return Scan.startsWith(b, at, end, key) ? at + key.length : -1;
    }

    /**
     * Reads one message, a whole frame's head or an element of a batch.
     *
     * @param b the bytes
     * @param from where the message starts ({@code {"type":"})
     * @param end the end of what may be read of it
     * @param inbound receives what it says
     */
    private static void message(byte[] b, int from, int end, Inbound inbound) {
        int typeAt = from + TYPE_AT;
        if (Scan.startsWith(b, typeAt, end, EVENT)) {
            int seqAt = Scan.after(b, typeAt, end, SEQ);
            long seq = Scan.number(b, seqAt, end);
            int data = Scan.after(b, Math.max(seqAt, typeAt), end, DATA);
            if (data < 0) {
                inbound.error("event message without data in its first " + (end - from) + " bytes: "
                    + text(b, from, end));
                return;
            }
            benchEvent(b, data, end, seq, inbound);
        } else if (Scan.startsWith(b, typeAt, end, PUBLISHED)) {
            inbound.published(Scan.numberAfter(b, typeAt, end, SEQ));
        } else if (Scan.startsWith(b, typeAt, end, PING)) {
            inbound.reply(PONG);
        } else if (Scan.startsWith(b, typeAt, end, OVERFLOW)) {
            inbound.overflow(Scan.numberAfter(b, typeAt, end, DROPPED),
                Scan.numberAfter(b, typeAt, end, FIRST_DROPPED), Scan.numberAfter(b, typeAt, end, LAST_DROPPED));
        } else if (Scan.startsWith(b, typeAt, end, SUBSCRIBED)) {
            inbound.subscribed(Scan.numberAfter(b, typeAt, end, HEAD_SEQ));
        } else if (Scan.startsWith(b, typeAt, end, ERROR)) {
            inbound.error(text(b, from, end));
        }
    }

    private static String text(byte[] b, int from, int end) {
        return new String(b, from, Math.min(400, end - from), StandardCharsets.UTF_8);
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
        long k = Scan.number(b, kAt, end);
        if (n != Long.MIN_VALUE && k != Long.MIN_VALUE) {
            inbound.event(seq, k, n, Scan.number(b, tAt, end));
        }
    }
}
