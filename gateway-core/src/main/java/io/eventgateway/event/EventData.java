package io.eventgateway.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An event's {@code data}, a JSON object, held in the form it came in: the JSON text of a published event (a
 * slice of the request, a row read from the store) or the tree the gateway built (a domain event). The other form
 * is made on first use and kept.
 *
 * <p>Why the text: a published event's {@code data} is stored as text and written into its frame, and nothing on
 * that path needs to look inside it. Reading it into a tree and serializing the tree twice (for the row and the
 * frame) was a fifth of the gateway's CPU on {@code POST /api/events} (JFR, docs/BENCHMARKS.md); now a tree is
 * made only for a subscription with {@code filters} and for the clients of the Java API that ask for one.
 *
 * <p>Immutable by contract, like {@link Event}: the tree, whichever way it was made, must not be modified. The
 * derived form is published through a volatile field, so a tree built on one thread is seen whole on another.
 */
public final class EventData {

    /** {@code {}}: the {@code data} of an event published without one. */
    public static final EventData EMPTY = ofJson("{}");

    private volatile @Nullable String json;
    private volatile @Nullable ObjectNode tree;

    private EventData(@Nullable String json, @Nullable ObjectNode tree) {
        this.json = json;
        this.tree = tree;
    }

    /**
     * Data the gateway built as a tree.
     *
     * @param tree the object; not modified afterwards
     * @return the data
     */
    public static EventData of(ObjectNode tree) {
        return new EventData(null, Objects.requireNonNull(tree, "tree"));
    }

    /**
     * Data already known to be the text of one JSON object: checked by a parser on the way in, or read back from
     * the store that only ever holds such text. It is written into frames as it is, so it must not be anything
     * else.
     *
     * @param json the text of a JSON object
     * @return the data
     */
    public static EventData ofJson(String json) {
        return new EventData(Objects.requireNonNull(json, "json"), null);
    }

    /**
     * The data as a tree, read from the text the first time. Read only.
     *
     * @return the object
     * @throws IllegalStateException when the text is not a JSON object (only a corrupted store can hold one)
     */
    public ObjectNode tree() {
        ObjectNode t = tree;
        if (t == null) {
            t = parse(Objects.requireNonNull(json));
            tree = t;
        }
        return t;
    }

    /**
     * The data as compact JSON text, or the text it came in.
     *
     * @return the JSON text of the object
     */
    public String json() {
        String j = json;
        if (j == null) {
            try {
                j = EventCodec.JSON.writeValueAsString(tree);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("cannot encode an event's data", e);
            }
            json = j;
        }
        return j;
    }

    /**
     * Writes the data as a JSON value: the text as it is when there is one, else the tree.
     *
     * @param g the generator, positioned where a value may be written
     * @throws IOException when the generator fails
     */
    public void writeTo(JsonGenerator g) throws IOException {
        String j = json;
        if (j != null) {
            g.writeRawValue(j);
        } else {
            EventCodec.JSON.writeTree(g, tree);
        }
    }

    /**
     * About how many bytes the data takes as JSON, to size a buffer; no encoding is done for it.
     *
     * @return an estimate
     */
    int sizeHint() {
        String j = json;
        if (j != null) {
            return j.length();
        }
        ObjectNode t = tree;
        return t == null ? 0 : t.size() * 32;
    }

    private static ObjectNode parse(String json) {
        JsonNode node;
        try {
            node = EventCodec.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event's data is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalStateException("an event's data is not a JSON object");
        }
        return object;
    }

    /** Equal when the two are the same JSON object, whatever form each holds (numbers compare as Jackson's). */
    @Override
    public boolean equals(@Nullable Object o) {
        return o == this || o instanceof EventData other && tree().equals(other.tree());
    }

    @Override
    public int hashCode() {
        return tree().hashCode();
    }

    @Override
    public String toString() {
        return json();
    }
}
