package io.eventgateway.server.ws;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.Event;
import io.eventgateway.event.EventCodec;
import io.eventgateway.hub.Overflow;
import io.eventgateway.hub.ReplayFailed;
import io.eventgateway.hub.Subscribed;
import io.eventgateway.hub.Unsubscribed;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.server.auth.Grant;
import io.eventgateway.server.metrics.GatewayMetricsRecorder;
import io.eventgateway.topic.TopicPattern;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one place that turns what a connection's stream carries into WebSocket frames: events (their shared,
 * already-encoded bytes, wrapped without a copy), overflow announcements, replies and {@code error} frames
 * (the only place exceptions become frames, CONVENTIONS.md item 5), which is also where error and overflow
 * frames are counted.
 */
final class ServerFrames {

    /** Closes a {@code batch} frame after its last message. */
    static final byte[] BATCH_END = {']', '}', '}'};

    // The parts of a published ack, in the generator's field order: type, id, timestamp, payload.
    private static final byte[] PUBLISHED_START = ascii("{\"type\":\"published\",");
    private static final byte[] ID_START = ascii("\"id\":\"");
    private static final byte[] ID_END = ascii("\",");
    private static final byte[] TIMESTAMP_START = ascii("\"timestamp\":\"");
    private static final byte[] SEQ_START = ascii("\",\"payload\":{\"seq\":");
    private static final byte[] PUBLISHED_END = ascii("}}");

    private final Clock clock;
    private final GatewayMetricsRecorder recorder;
    /** Shared by the event loops: a loop that finds another millisecond's makes and publishes its own. */
    private volatile @Nullable BatchStart lastBatchStart;

    ServerFrames(Clock clock, GatewayMetricsRecorder recorder) {
        this.clock = clock;
        this.recorder = recorder;
    }

    /**
     * Converts a stream item to a frame. Events are not re-encoded: their frame bytes were built once by the hub
     * and are wrapped in an unpooled heap buffer, so a buffered or dropped item never holds pooled memory.
     */
    WebSocketFrame toFrame(Object item) {
        if (item instanceof Event) {
            return new TextWebSocketFrame(Unpooled.wrappedBuffer(((Event) item).frame().bytes()));
        }
        if (item instanceof WebSocketFrame) {
            return (WebSocketFrame) item;
        }
        return new TextWebSocketFrame(Unpooled.wrappedBuffer(encode(item)));
    }

    /**
     * A message's JSON, as it would be sent in a frame of its own: an event's shared bytes (not copied), any other
     * item encoded (and counted, when it is an {@code error} or {@code overflow}).
     *
     * @param item a stream item that is not a frame
     * @return its JSON text in UTF-8
     * @throws RuntimeException when an event cannot be encoded
     */
    byte[] json(Object item) {
        return item instanceof Event ? ((Event) item).frame().bytes() : encode(item);
    }

    /**
     * The start of a {@code batch} frame, up to its first message: the envelope with this moment's timestamp and
     * the opening of {@code payload.messages}; {@link #BATCH_END} closes it.
     *
     * @return the bytes, in UTF-8
     */
    byte[] batchStart() {
        long now = clock.millis();
        BatchStart last = lastBatchStart;
        if (last != null && last.millis() == now) {
            return last.bytes();
        }
        // Formatting the timestamp was a tenth of the event loops' time at 1 topic x 1,000 subscribers and 300
        // events/s, with a batch frame per connection per pass: made once per millisecond instead.
        byte[] bytes = ("{\"type\":\"batch\",\"timestamp\":\"" + EventCodec.timestamp(Instant.ofEpochMilli(now))
            + "\",\"payload\":{\"messages\":[").getBytes(StandardCharsets.UTF_8);
        lastBatchStart = new BatchStart(now, bytes);
        return bytes;
    }

    /** The start of the batch frames of one millisecond; the bytes are never changed once made. */
    private record BatchStart(long millis, byte[] bytes) {
    }

    byte[] encode(Object item) {
        if (item instanceof ServerMessages.Published p && plainId(p.id())) {
            return published(p);
        }
        try (ByteArrayBuilder out = new ByteArrayBuilder(256);
             JsonGenerator g = EventCodec.JSON.getFactory().createGenerator(out)) {
            write(g, item);
            g.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A {@code published} ack, the one control frame sent per publish, assembled from constant parts and the id
     * quoted by Jackson's own string encoder: the same bytes as the generator writes (a test compares them for ids
     * of every kind). Why: a generator per ack (its I/O context, write contexts and buffers) at 5,000 publishes/s
     * was 9% of the gateway's allocation in many-topics (44.2 MB/s with it, 40.2 without, docs/BENCHMARKS.md), and
     * every cycle of the collector that allocation brings costs the event loops latency.
     */
    private byte[] published(ServerMessages.Published p) {
        byte[] id = p.id() == null ? null : JsonStringEncoder.getInstance().quoteAsUTF8(p.id());
        byte[] timestamp = EventCodec.timestamp(clock.instant()).getBytes(StandardCharsets.US_ASCII);
        byte[] seq = Long.toString(p.seq()).getBytes(StandardCharsets.US_ASCII);
        int length = PUBLISHED_START.length + (id == null ? 0 : ID_START.length + id.length + ID_END.length)
            + TIMESTAMP_START.length + timestamp.length + SEQ_START.length + seq.length + PUBLISHED_END.length;
        byte[] out = new byte[length];
        int at = put(out, 0, PUBLISHED_START);
        if (id != null) {
            at = put(out, put(out, put(out, at, ID_START), id), ID_END);
        }
        at = put(out, put(out, at, TIMESTAMP_START), timestamp);
        put(out, put(out, put(out, at, SEQ_START), seq), PUBLISHED_END);
        return out;
    }

    /**
     * Whether an id has no surrogate: the string encoder refuses a lone one, which a client can send as a JSON
     * escape and the generator writes escaped, so such ids (and, more simply, every id with a character outside the
     * Basic Multilingual Plane) take the generator's path.
     */
    private static boolean plainId(@Nullable String id) {
        if (id == null) {
            return true;
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isSurrogate(id.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int put(byte[] out, int at, byte[] part) {
        System.arraycopy(part, 0, out, at, part.length);
        return at + part.length;
    }

    private void write(JsonGenerator g, Object item) throws IOException {
        if (item instanceof Overflow) {
            Overflow o = (Overflow) item;
            recorder.overflowFrame();
            start(g, "overflow", null);
            g.writeNumberField("dropped", o.dropped());
            g.writeNumberField("firstDroppedSeq", o.firstDroppedSeq());
            g.writeNumberField("lastDroppedSeq", o.lastDroppedSeq());
            g.writeStringField("resync",
                "/api/events?since=" + (o.firstDroppedSeq() - 1) + "&until=" + o.lastDroppedSeq());
        } else if (item instanceof Subscribed) {
            Subscribed s = (Subscribed) item;
            start(g, "subscribed", s.requestId());
            topics(g, s.topics());
            g.writeNumberField("activeSubscriptions", s.activeSubscriptions());
            g.writeNumberField("headSeq", s.headSeq());
            if (s.recovered() != null) {
                g.writeBooleanField("recovered", s.recovered());
            }
        } else if (item instanceof Unsubscribed) {
            Unsubscribed u = (Unsubscribed) item;
            start(g, "unsubscribed", u.requestId());
            topics(g, u.topics());
            g.writeNumberField("activeSubscriptions", u.activeSubscriptions());
        } else if (item instanceof ServerMessages.Published) {
            ServerMessages.Published p = (ServerMessages.Published) item;
            start(g, "published", p.id());
            g.writeNumberField("seq", p.seq());
        } else if (item instanceof ServerMessages.ErrorReply) {
            ServerMessages.ErrorReply e = (ServerMessages.ErrorReply) item;
            recorder.error(e.error().code(), GatewayMetricsRecorder.Transport.WS);
            error(g, e.id(), e.error().code(), e.error().getMessage(), e.error().details());
        } else if (item instanceof ReplayFailed) {
            ReplayFailed r = (ReplayFailed) item;
            recorder.error(ErrorCode.WS_INTERNAL_ERROR, GatewayMetricsRecorder.Transport.WS);
            error(g, r.requestId(), ErrorCode.WS_INTERNAL_ERROR, r.message(),
                Map.of("lastReplayedSeq", r.lastReplayedSeq()));
        } else if (item instanceof ServerMessages.Pong) {
            start(g, "pong", ((ServerMessages.Pong) item).id());
        } else if (item instanceof ServerMessages.Ping) {
            start(g, "ping", null);
        } else if (item instanceof ServerMessages.Connected) {
            ServerMessages.Connected c = (ServerMessages.Connected) item;
            start(g, "connected", null);
            g.writeStringField("connectionId", c.connectionId());
            g.writeStringField("serverVersion", c.serverVersion());
            g.writeNumberField("headSeq", c.headSeq());
            g.writeNumberField("heartbeatIntervalMs", c.heartbeatIntervalMs());
            g.writeNumberField("idleTimeoutMs", c.idleTimeoutMs());
            g.writeNumberField("maxSubscriptions", c.maxSubscriptions());
            g.writeNumberField("bufferSize", c.bufferSize());
            g.writeBooleanField("batch", c.batch());
            if (c.auth() != null) {
                g.writeFieldName("auth");
                g.writeStartObject();
                grant(g, c.auth());
                g.writeEndObject();
            }
        } else if (item instanceof ServerMessages.Authenticated) {
            ServerMessages.Authenticated a = (ServerMessages.Authenticated) item;
            start(g, "authenticated", a.id());
            grant(g, a.grant());
            g.writeNumberField("activeSubscriptions", a.activeSubscriptions());
        } else if (item instanceof ServerMessages.AuthExpiring) {
            ServerMessages.AuthExpiring e = (ServerMessages.AuthExpiring) item;
            start(g, "auth_expiring", null);
            g.writeStringField("expiresAt", EventCodec.timestamp(e.expiresAt()));
            g.writeNumberField("refreshWindowMs", e.refreshWindowMs());
        } else {
            throw new IllegalArgumentException("no frame for " + item.getClass().getName());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private void error(JsonGenerator g, @Nullable String id, ErrorCode code, @Nullable String message,
                       Map<String, ?> details) throws IOException {
        start(g, "error", id);
        g.writeStringField("code", code.name());
        g.writeStringField("message", message == null ? code.name() : message);
        g.writeFieldName("details");
        EventCodec.JSON.writeValue(g, details);
    }

    /** Writes the envelope up to the open payload object. */
    private void start(JsonGenerator g, String type, @Nullable String id) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", type);
        if (id != null) {
            g.writeStringField("id", id);
        }
        g.writeStringField("timestamp", EventCodec.timestamp(clock.instant()));
        g.writeFieldName("payload");
        g.writeStartObject();
    }

    /** A grant's fields (PROTOCOL.md section 11.4): subject, expiresAt when it expires, the patterns, admin. */
    private static void grant(JsonGenerator g, Grant grant) throws IOException {
        g.writeStringField("subject", grant.subject());
        if (grant.expiresAt() != null) {
            g.writeStringField("expiresAt", EventCodec.timestamp(grant.expiresAt()));
        }
        g.writeArrayFieldStart("subscribe");
        for (TopicPattern p : grant.subscribe()) {
            g.writeString(p.value());
        }
        g.writeEndArray();
        g.writeArrayFieldStart("publish");
        for (TopicPattern p : grant.publish()) {
            g.writeString(p.value());
        }
        g.writeEndArray();
        g.writeBooleanField("admin", grant.admin());
    }

    private static void topics(JsonGenerator g, List<String> topics) throws IOException {
        g.writeArrayFieldStart("topics");
        for (String topic : topics) {
            g.writeString(topic);
        }
        g.writeEndArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** An error frame's item for a failure of a request. */
    static Object errorReply(@Nullable String id, Throwable failure) {
        if (failure instanceof GatewayException) {
            return new ServerMessages.ErrorReply(id, (GatewayException) failure);
        }
        return new ServerMessages.ErrorReply(id, new GatewayException(ErrorCode.WS_INTERNAL_ERROR,
            "the gateway failed: " + failure.getMessage() + "; the request may be retried"));
    }
}
