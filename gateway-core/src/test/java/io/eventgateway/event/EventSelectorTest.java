package io.eventgateway.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.topic.Topic;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link EventSelector}: the {@code filters} and {@code events} of a subscribe request (PROTOCOL.md section 4). */
final class EventSelectorTest {

    private static JsonNode json(String text) {
        try {
            return EventCodec.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static Event event(String type, String data) {
        return new Event(1, Topic.parse("task:T-1"), type, Instant.EPOCH, (ObjectNode) json(data));
    }

    private static EventSelector filters(String filters) {
        return EventSelector.fromJson(json(filters), null);
    }

    private static EventSelector events(String events) {
        return EventSelector.fromJson(null, json(events));
    }

    @Test
    void absentOrEmptyFiltersAndEventsSelectEverything() {
        assertThat(EventSelector.fromJson(null, null)).isSameAs(EventSelector.ALL);
        assertThat(EventSelector.fromJson(json("null"), json("null"))).isSameAs(EventSelector.ALL);
        assertThat(EventSelector.fromJson(json("{}"), json("[]"))).isSameAs(EventSelector.ALL);
        assertThat(EventSelector.ALL.selectsAll()).isTrue();
        assertThat(EventSelector.ALL.test(event("any.type", "{}"))).isTrue();
        assertThat(filters("{\"a\":1}").selectsAll()).isFalse();
    }

    @ParameterizedTest(name = "filters {0} on data {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "{\"status\":\"blocked\"}                        | {\"status\":\"blocked\"}             | true",
        "{\"status\":\"blocked\"}                        | {\"status\":\"Blocked\"}             | false",
        "{\"status\":\"blocked\"}                        | {\"other\":\"blocked\"}              | false",
        "{\"status\":\"blocked\"}                        | {}                                   | false",
        "{\"status\":\"blocked\"}                        | {\"status\":[\"blocked\"]}           | false",
        "{\"status\":\"blocked\"}                        | {\"x\":{\"status\":\"blocked\"}}     | false",
        "{\"status\":[\"in_progress\",\"blocked\"]}      | {\"status\":\"blocked\"}             | true",
        "{\"status\":[\"in_progress\",\"blocked\"]}      | {\"status\":\"in_progress\"}         | true",
        "{\"status\":[\"in_progress\",\"blocked\"]}      | {\"status\":\"done\"}                | false",
        "{\"status\":\"blocked\",\"source\":\"file\"}    | {\"status\":\"blocked\",\"source\":\"file\"} | true",
        "{\"status\":\"blocked\",\"source\":\"file\"}    | {\"status\":\"blocked\",\"source\":\"web\"}  | false",
        "{\"status\":\"blocked\",\"source\":\"file\"}    | {\"status\":\"blocked\"}             | false",
        "{\"n\":1}                                       | {\"n\":1}                            | true",
        "{\"n\":1}                                       | {\"n\":1.0}                          | true",
        "{\"n\":1.0}                                     | {\"n\":1}                            | true",
        "{\"n\":1.5}                                     | {\"n\":1.50}                         | true",
        "{\"n\":1}                                       | {\"n\":2}                            | false",
        "{\"n\":1}                                       | {\"n\":\"1\"}                        | false",
        "{\"n\":\"1\"}                                   | {\"n\":1}                            | false",
        "{\"n\":12345678901234567890}                    | {\"n\":12345678901234567890}         | true",
        "{\"n\":[1,2,3]}                                 | {\"n\":3.0}                          | true",
        "{\"b\":true}                                    | {\"b\":true}                         | true",
        "{\"b\":true}                                    | {\"b\":false}                        | false",
        "{\"b\":true}                                    | {\"b\":\"true\"}                     | false",
        "{\"b\":false}                                   | {\"b\":0}                            | false",
        "{\"z\":null}                                    | {\"z\":null}                         | true",
        "{\"z\":null}                                    | {}                                   | false",
        "{\"z\":null}                                    | {\"z\":\"null\"}                     | false",
        "{\"z\":[null,\"x\"]}                            | {\"z\":\"x\"}                        | true",
        "{\"s\":\"\"}                                    | {\"s\":\"\"}                         | true",
    })
    void filtersMatchTopLevelScalarsAnyOfAndAcrossKeys(String filters, String data, boolean expected) {
        assertThat(filters(filters).test(event("task.updated", data))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "events {0} on {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "[\"task.status_changed\"]            | task.status_changed | true",
        "[\"task.status_changed\"]            | task.status_change  | false",
        "[\"task.status_changed\"]            | task.status_changed2 | false",
        "[\"task.status_changed\"]            | Task.status_changed | false",
        "[\"task.*\"]                         | task.created        | true",
        "[\"task.*\"]                         | task.               | true",
        "[\"task.*\"]                         | task                | false",
        "[\"task.*\"]                         | stream.progress     | false",
        "[\"task.*\",\"stream.progress\"]     | stream.progress     | true",
        "[\"task.*\",\"stream.progress\"]     | stream.started      | false",
        "[\"*\"]                              | anything.at_all     | true",
        "[\"task.created\",\"*\"]             | other               | true",
    })
    void eventsKeepExactTypesAndPrefixes(String events, String type, boolean expected) {
        assertThat(events(events).test(event(type, "{}"))).isEqualTo(expected);
    }

    @Test
    void eventsAndFiltersMustBothMatch() {
        EventSelector selector = EventSelector.fromJson(json("{\"status\":\"blocked\"}"), json("[\"task.*\"]"));

        assertThat(selector.test(event("task.updated", "{\"status\":\"blocked\"}"))).isTrue();
        assertThat(selector.test(event("stream.blocked", "{\"status\":\"blocked\"}"))).isFalse();
        assertThat(selector.test(event("task.updated", "{\"status\":\"done\"}"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"a\":1}]", "\"status\"", "1", "true"})
    void filtersThatAreNotAnObjectAreInvalidMessage(String filters) {
        assertInvalidMessage(json(filters), null, "'filters' must be an object");
    }

    @ParameterizedTest(name = "filters {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"a\":{\"b\":1}}          | filter 'a' must be a scalar or an array of scalars",
        "{\"ok\":1,\"a\":{}}        | filter 'a' must be a scalar or an array of scalars",
        "{\"a\":[]}                 | filter 'a' must list 1 to 100 values",
        "{\"a\":[{\"b\":1}]}        | filter 'a' may only list scalars",
        "{\"a\":[[1]]}              | filter 'a' may only list scalars",
        "{\"a\":[1,{}]}             | filter 'a' may only list scalars",
    })
    void filterValueThatIsNotAScalarOrNonEmptyScalarArrayIsInvalidMessageNamingTheKey(String filters,
                                                                                     String message) {
        assertInvalidMessage(json(filters), null, message);
    }

    @Test
    void filterWithMoreThan100ValuesOrMoreThan32KeysIsInvalidMessage() {
        ObjectNode many = EventCodec.JSON.createObjectNode();
        ArrayNode values = many.putArray("a");
        for (int i = 0; i < 101; i++) {
            values.add(i);
        }
        assertInvalidMessage(many, null, "filter 'a' must list 1 to 100 values");
        ObjectNode keys = EventCodec.JSON.createObjectNode();
        for (int i = 0; i < 33; i++) {
            keys.put("k" + i, i);
        }
        assertInvalidMessage(keys, null, "at most 32");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "\"task.*\"", "1", "true"})
    void eventsThatAreNotAnArrayAreInvalidMessage(String events) {
        assertInvalidMessage(null, json(events), "'events' must be an array");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1]", "[null]", "[\"\"]", "[\"task.*\", true]", "[[\"x\"]]", "[{}]"})
    void eventsEntryThatIsNotANonEmptyStringIsInvalidMessage(String events) {
        assertInvalidMessage(null, json(events), "every entry of 'events' must be a non-empty string");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ta*sk.x", "*task", "task.**", "*.*", "a*b*"})
    void eventsEntryWithAStarBeforeItsEndIsInvalidMessageNamingIt(String entry) {
        assertInvalidMessage(null, json("[\"task.ok\", \"" + entry + "\"]"),
            "'events' entry '" + entry + "' may only end in '*'");
    }

    @Test
    void eventTypeEntryLongerThan128CharactersIsInvalidMessage() {
        assertThat(events("[\"" + "t".repeat(128) + "\"]").test(event("t".repeat(128), "{}"))).isTrue();
        assertInvalidMessage(null, json("[\"" + "t".repeat(129) + "\"]"), "at most 128 characters");
    }

    @Test
    void invalidEventsMakeTheWholeSelectorInvalidEvenWithValidFilters() {
        assertInvalidMessage(json("{\"status\":\"blocked\"}"), json("[\"ta*sk.x\"]"), "ta*sk.x");
        assertInvalidMessage(json("{\"status\":{}}"), json("[\"task.*\"]"), "filter 'status'");
    }

    @ParameterizedTest(name = "filters {0} on data {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "{\"n\":1}        | {\"n\":1e400}   | false",
        "{\"n\":1e400}    | {\"n\":1}       | false",
        "{\"n\":1e400}    | {\"n\":1e400}   | true",
        "{\"n\":-1e400}   | {\"n\":1e400}   | false",
        "{\"n\":[1,2]}    | {\"n\":-1e400}  | false",
        "{\"n\":1.5}      | {\"n\":1e400}   | false",
    })
    void numberBeyondTheDoubleRangeIsComparedWithoutFailing(String filters, String data, boolean expected) {
        assertThat(filters(filters).test(event("task.updated", data))).isEqualTo(expected);
    }

    private static void assertInvalidMessage(JsonNode filters, JsonNode events, String message) {
        assertThatThrownBy(() -> EventSelector.fromJson(filters, events))
            .isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.WS_INVALID_MESSAGE);
                assertThat(e.getMessage()).contains(message);
            });
    }
}
