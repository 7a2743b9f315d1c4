package io.eventgateway.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.topic.Topic;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link EventData}: an event's data as text or tree, each form made from the other on first use. */
final class EventDataTest {

    private static final String TEXT = "{ \"a\" : [1, 2.50, -0, \"}{\\\"\\u00e9\"], \"b\": {} }";

    @Test
    void textIsKeptAsItCameAndItsTreeIsReadOnce() throws IOException {
        EventData data = EventData.ofJson(TEXT);

        assertThat(data.json()).isSameAs(TEXT);
        ObjectNode tree = data.tree();
        assertThat(tree).isEqualTo(EventCodec.JSON.readTree(TEXT));
        assertThat(tree.get("a").get(3).textValue()).isEqualTo("}{\"\u00e9");
        assertThat(data.tree()).isSameAs(tree);
    }

    @Test
    void treeIsWrittenCompactOnce() {
        ObjectNode tree = EventCodec.JSON.createObjectNode().put("x", 1).put("s", "h\u00e9");
        EventData data = EventData.of(tree);

        assertThat(data.tree()).isSameAs(tree);
        assertThat(data.json()).isEqualTo("{\"x\":1,\"s\":\"h\u00e9\"}");
        assertThat(data.json()).isSameAs(data.json());
    }

    @Test
    void aFrameCarriesTheTextAsItIsAndATreeAsCompactJson() throws IOException {
        Instant at = Instant.parse("2026-01-08T12:34:56Z");
        Event fromText = new Event(7, Topic.parse("task:T-1"), "t", at, EventData.ofJson(TEXT));
        Event fromTree = new Event(7, Topic.parse("task:T-1"), "t", at, EventData.ofJson(TEXT).tree().deepCopy());

        String frame = fromText.frame().toString();
        assertThat(frame).isEqualTo("{\"type\":\"event\",\"timestamp\":\"2026-01-08T12:34:56.000Z\",\"payload\":"
            + "{\"seq\":7,\"topic\":\"task:T-1\",\"eventType\":\"t\",\"data\":" + TEXT + "}}");
        assertThat(EventCodec.JSON.readTree(frame)).isEqualTo(EventCodec.JSON.readTree(fromTree.frame().bytes()));
        assertThat(fromTree.frame().toString()).contains("\"data\":{\"a\":[1,2.5,0,");
    }

    @Test
    void equalWhenTheSameJsonObjectWhateverTheForm() throws IOException {
        EventData text = EventData.ofJson(TEXT);
        EventData tree = EventData.of((ObjectNode) EventCodec.JSON.readTree(TEXT));
        EventData compact = EventData.ofJson(tree.json());

        assertThat(text).isEqualTo(tree).isEqualTo(compact).hasSameHashCodeAs(tree);
        assertThat(text).isNotEqualTo(EventData.ofJson("{\"a\":[1]}"));
        assertThat(EventData.EMPTY.tree()).isEmpty();
    }

    @Test
    void aTreeBuiltOnOneThreadIsSeenWholeOnAnother() throws Exception {
        EventData data = EventData.ofJson("{\"k\":{\"n\":42}}");
        ObjectNode built = CompletableFuture.supplyAsync(data::tree).get();

        assertThat(data.tree()).isSameAs(built);
        assertThat(data.tree().get("k").get("n").intValue()).isEqualTo(42);
    }

    @Test
    void textThatIsNotAnObjectFailsOnlyWhenATreeIsAskedFor() {
        EventData broken = EventData.ofJson("[1, 2]");

        assertThat(broken.json()).isEqualTo("[1, 2]");
        assertThatThrownBy(broken::tree).isInstanceOf(IllegalStateException.class).hasMessageContaining("not a JSON"
            + " object");
        assertThatThrownBy(() -> EventData.ofJson("{\"a\":").tree()).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("not valid JSON");
    }
}
