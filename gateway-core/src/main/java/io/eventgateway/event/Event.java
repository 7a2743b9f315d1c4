package io.eventgateway.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.topic.Topic;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An event in the log: its position {@code seq}, topic, type, publish time and payload
 * (the {@code payload} of an {@code event} frame, PROTOCOL.md section 5).
 *
 * <p>Immutable by contract: {@code data} is never modified once the event exists. Its {@code event} frame is
 * encoded on first use and cached, so the hub encodes each event once and every connection shares the bytes.
 * The cache is a benign race: two threads may both encode, and both produce the same bytes.
 */
public final class Event {

    private final long seq;
    private final Topic topic;
    private final String eventType;
    private final Instant timestamp;
    private final EventData data;
    private @Nullable EncodedFrame frame;

    /**
     * Creates an event.
     *
     * @param seq its position in the log, at least 1
     * @param topic its topic
     * @param eventType its type
     * @param timestamp when it was published
     * @param data its payload, not modified afterwards
     */
    public Event(long seq, Topic topic, String eventType, Instant timestamp, ObjectNode data) {
        this(seq, topic, eventType, timestamp, EventData.of(data));
    }

    /**
     * Creates an event.
     *
     * @param seq its position in the log, at least 1
     * @param topic its topic
     * @param eventType its type
     * @param timestamp when it was published
     * @param data its payload, as text or as a tree
     */
    public Event(long seq, Topic topic, String eventType, Instant timestamp, EventData data) {
        this.seq = seq;
        this.topic = Objects.requireNonNull(topic, "topic");
        this.eventType = Objects.requireNonNull(eventType, "eventType");
        this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
        this.data = Objects.requireNonNull(data, "data");
    }

    /**
     * The event's position in the log: unique and increasing in publish order.
     *
     * @return the seq
     */
    public long seq() {
        return seq;
    }

    /**
     * The topic it was published to.
     *
     * @return the topic
     */
    public Topic topic() {
        return topic;
    }

    /**
     * Its type.
     *
     * @return the event type
     */
    public String eventType() {
        return eventType;
    }

    /**
     * When it was published.
     *
     * @return the instant
     */
    public Instant timestamp() {
        return timestamp;
    }

    /**
     * Its payload as a tree, read from its text on first use ({@link EventData#tree()}). Read only.
     *
     * @return the JSON object
     */
    public ObjectNode data() {
        return data.tree();
    }

    /**
     * Its payload in the form it has: the text it was published or stored as, or a tree.
     *
     * @return the data
     */
    public EventData eventData() {
        return data;
    }

    /**
     * The complete {@code event} frame, encoded once.
     *
     * @return the shared frame bytes
     */
    public EncodedFrame frame() {
        EncodedFrame f = frame;
        if (f == null) {
            f = EventCodec.encodeEventFrame(this);
            frame = f;
        }
        return f;
    }

    @Override
    public String toString() {
        return "Event{seq=" + seq + ", topic=" + topic + ", eventType=" + eventType + '}';
    }
}
