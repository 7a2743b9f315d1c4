package io.eventgateway.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.topic.Topic;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Fuzz test (Jazzer) of the filter evaluator, {@link EventSelector}: built from any {@code filters} and
 * {@code events}, it is either refused with {@code INVALID_MESSAGE} or built, exactly when a reference validation
 * written from PROTOCOL.md section 4 says so; once built, it never throws on any event data and selects exactly
 * the events a reference evaluator selects.
 *
 * <p>A normal build replays {@code src/test/resources/io/eventgateway/event/EventSelectorFuzzTestInputs/select/};
 * {@code scripts/fuzz filter} fuzzes it (docs/FUZZING.md).
 */
final class EventSelectorFuzzTest {

    private static final Topic TOPIC = Topic.parse("task:T-1");

    /**
     * Input: four UTF-8 lines: the {@code filters} JSON, the {@code events} JSON (an empty line is absent), the event
     * type, and the event's {@code data} JSON. Inputs whose JSON lines do not parse are not interesting and return.
     */
    @FuzzTest
    @DictionaryEntries({"{\"status\":", "[", "]", "{", "}", ",", "\"*\"", "\"task.*\"", "null", "true", "false",
        "1.0", "1e400", "-0", "9223372036854775808", "\""})
    void select(byte[] input) {
        String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", 4);
        if (lines.length < 4) {
            return;
        }
        JsonNode filters;
        JsonNode events;
        JsonNode data;
        try {
            filters = lines[0].isEmpty() ? null : EventCodec.JSON.readTree(lines[0]);
            events = lines[1].isEmpty() ? null : EventCodec.JSON.readTree(lines[1]);
            data = EventCodec.JSON.readTree(lines[3]);
        } catch (JacksonException e) {
            return;
        }
        if (data == null || !data.isObject()) {
            return;
        }
        String type = lines[2];

        boolean valid = validFilters(filters) && validEvents(events);
        EventSelector selector;
        try {
            selector = EventSelector.fromJson(filters, events);
        } catch (GatewayException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.WS_INVALID_MESSAGE);
            assertThat(e.getMessage()).isNotBlank();
            assertThat(valid).as("refused but valid: filters %s events %s (%s)", filters, events, e.getMessage())
                .isFalse();
            return;
        }
        assertThat(valid).as("built but invalid: filters %s events %s", filters, events).isTrue();
        assertThat(selector.selectsAll()).as("selectsAll for filters %s events %s", filters, events)
            .isEqualTo(isEmpty(filters) && (isEmpty(events) || contains(events, "*")));

        checkSelects(selector, filters, events, type, (ObjectNode) data);
        checkSelects(selector, filters, events, type, dataMatching(filters, (ObjectNode) data, 0));
        checkSelects(selector, filters, events, type, dataMatching(filters, (ObjectNode) data, -1));
    }

    private static void checkSelects(EventSelector selector, @Nullable JsonNode filters, @Nullable JsonNode events,
                                     String type, ObjectNode data) {
        Event event = new Event(1, TOPIC, type, Instant.EPOCH, data);
        boolean expected = referenceTypeMatches(events, type) && referenceFiltersMatch(filters, data);
        assertThat(selector.test(event)).as("filters %s events %s on %s %s", filters, events, type, data)
            .isEqualTo(expected);
        assertThat(selector.test(event)).as("the same answer twice").isEqualTo(expected);
    }

    /**
     * The data with every filtered field set to one of the filter's values (the first for 0, the last for -1), so
     * that the filters match it and the other values of a list are compared with it.
     */
    private static ObjectNode dataMatching(@Nullable JsonNode filters, ObjectNode data, int which) {
        ObjectNode copy = data.deepCopy();
        if (filters != null && filters.isObject()) {
            for (Map.Entry<String, JsonNode> field : filters.properties()) {
                JsonNode value = field.getValue();
                if (value.isArray()) {
                    value = value.get(which < 0 ? value.size() - 1 : which);
                }
                copy.set(field.getKey(), value);
            }
        }
        return copy;
    }

    // The reference: PROTOCOL.md section 4 read literally.

    private static boolean validFilters(@Nullable JsonNode filters) {
        if (filters == null || filters.isNull()) {
            return true;
        }
        if (!filters.isObject() || filters.size() > 32) {
            return false;
        }
        for (Iterator<JsonNode> it = filters.elements(); it.hasNext(); ) {
            JsonNode value = it.next();
            if (value.isArray()) {
                if (value.size() < 1 || value.size() > 100) {
                    return false;
                }
                for (JsonNode v : value) {
                    if (!isScalar(v)) {
                        return false;
                    }
                }
            } else if (!isScalar(value)) {
                return false;
            }
        }
        return true;
    }

    private static boolean validEvents(@Nullable JsonNode events) {
        if (events == null || events.isNull()) {
            return true;
        }
        if (!events.isArray() || events.size() > 100) {
            return false;
        }
        for (JsonNode entry : events) {
            if (!entry.isTextual()) {
                return false;
            }
            String text = entry.textValue();
            int star = text.indexOf('*');
            if (text.isEmpty() || text.length() > 128 || (star >= 0 && star < text.length() - 1)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isScalar(JsonNode v) {
        return v.isTextual() || v.isNumber() || v.isBoolean() || v.isNull();
    }

    private static boolean isEmpty(@Nullable JsonNode node) {
        return node == null || node.isNull() || node.isEmpty();
    }

    private static boolean contains(JsonNode events, String text) {
        for (JsonNode entry : events) {
            if (text.equals(entry.textValue())) {
                return true;
            }
        }
        return false;
    }

    private static boolean referenceTypeMatches(@Nullable JsonNode events, String type) {
        if (isEmpty(events)) {
            return true;
        }
        for (JsonNode entry : events) {
            String text = entry.textValue();
            boolean matches = text.endsWith("*") ? type.startsWith(text.substring(0, text.length() - 1))
                : type.equals(text);
            if (matches) {
                return true;
            }
        }
        return false;
    }

    private static boolean referenceFiltersMatch(@Nullable JsonNode filters, ObjectNode data) {
        if (isEmpty(filters)) {
            return true;
        }
        for (Map.Entry<String, JsonNode> filter : filters.properties()) {
            JsonNode actual = data.get(filter.getKey());
            if (actual == null) {
                return false;
            }
            JsonNode wanted = filter.getValue();
            boolean any = false;
            if (wanted.isArray()) {
                for (JsonNode w : wanted) {
                    any |= referenceEquals(actual, w);
                }
            } else {
                any = referenceEquals(actual, wanted);
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    /** Scalars are equal when of the same JSON type and value; numbers by their decimal value (1 equals 1.0). */
    private static boolean referenceEquals(JsonNode actual, JsonNode wanted) {
        if (wanted.isNumber()) {
            return actual.isNumber() && numbersEqual(actual, wanted);
        }
        if (wanted.isTextual()) {
            return actual.isTextual() && actual.textValue().equals(wanted.textValue());
        }
        if (wanted.isBoolean()) {
            return actual.isBoolean() && actual.booleanValue() == wanted.booleanValue();
        }
        return wanted.isNull() && actual.isNull();
    }

    private static boolean numbersEqual(JsonNode a, JsonNode b) {
        // A literal beyond the double range (1e400) is read as an infinite double: those compare as doubles.
        if (!Double.isFinite(a.doubleValue()) && !a.isIntegralNumber()
            || !Double.isFinite(b.doubleValue()) && !b.isIntegralNumber()) {
            return a.doubleValue() == b.doubleValue();
        }
        return decimal(a).compareTo(decimal(b)) == 0;
    }

    private static BigDecimal decimal(JsonNode n) {
        if (n.isIntegralNumber()) {
            return new BigDecimal(n.bigIntegerValue());
        }
        if (n.isBigDecimal()) {
            return n.decimalValue();
        }
        return new BigDecimal(Double.toString(n.doubleValue()));
    }
}
