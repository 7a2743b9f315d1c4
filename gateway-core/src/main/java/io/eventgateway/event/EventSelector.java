package io.eventgateway.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The {@code filters} and {@code events} of one subscribe request (PROTOCOL.md section 4), as a predicate on
 * events. {@code filters}: every key must match a top-level field of {@code data} (and); a value is a scalar or
 * an array of scalars (any of); a missing field does not match. {@code events}: the event type must equal an
 * entry, or start with an entry's text before its final {@code *}.
 *
 * <p>Evaluated per event per subscription on the dispatcher thread, so it is a few map lookups: no parsing,
 * no allocation. {@link #ALL} (no filters, no events) short-circuits.
 */
public final class EventSelector implements Predicate<Event> {

    /** Limits that bound the cost of one selector: keys, values per key, and event type entries. */
    static final int MAX_FILTER_KEYS = 32;
    static final int MAX_FILTER_VALUES = 100;
    static final int MAX_EVENT_TYPES = 100;
    static final int MAX_EVENT_TYPE_LENGTH = 128;

    /** Selects every event. */
    public static final EventSelector ALL = new EventSelector(Map.of(), Set.of(), List.of());

    private final Map<String, JsonNode[]> filters;
    private final Set<String> exactTypes;
    private final List<String> typePrefixes;
    private final boolean matchesAllTypes;

    private EventSelector(Map<String, JsonNode[]> filters, Set<String> exactTypes, List<String> typePrefixes) {
        this.filters = filters;
        this.exactTypes = exactTypes;
        this.typePrefixes = typePrefixes;
        this.matchesAllTypes = exactTypes.isEmpty() && typePrefixes.isEmpty();
    }

    /**
     * Builds a selector from the request's JSON, validating it.
     *
     * @param filters the {@code filters} object, or null when absent
     * @param events the {@code events} array, or null when absent
     * @return the selector ({@link #ALL} when both are absent or empty)
     * @throws GatewayException {@link ErrorCode#WS_INVALID_MESSAGE} naming what is wrong
     */
    public static EventSelector fromJson(@Nullable JsonNode filters, @Nullable JsonNode events) {
        Map<String, JsonNode[]> parsedFilters = new LinkedHashMap<>();
        if (filters != null && !filters.isNull()) {
            if (!filters.isObject()) {
                throw invalid("'filters' must be an object of field: value or field: [values]");
            }
            if (filters.size() > MAX_FILTER_KEYS) {
                throw invalid("'filters' has " + filters.size() + " keys; at most " + MAX_FILTER_KEYS
                    + " are allowed");
            }
            for (Map.Entry<String, JsonNode> field : filters.properties()) {
                parsedFilters.put(field.getKey(), filterValues(field.getKey(), field.getValue()));
            }
        }
        Set<String> exact = new HashSet<>();
        List<String> prefixes = new ArrayList<>();
        boolean all = false;
        if (events != null && !events.isNull()) {
            if (!events.isArray()) {
                throw invalid("'events' must be an array of event types, e.g. [\"task.status_changed\", \"stream.*\"]");
            }
            if (events.size() > MAX_EVENT_TYPES) {
                throw invalid("'events' has " + events.size() + " entries; at most " + MAX_EVENT_TYPES
                    + " are allowed");
            }
            for (JsonNode entry : events) {
                if (!entry.isTextual() || entry.textValue().isEmpty()
                    || entry.textValue().length() > MAX_EVENT_TYPE_LENGTH) {
                    throw invalid("every entry of 'events' must be a non-empty string of at most "
                        + MAX_EVENT_TYPE_LENGTH + " characters");
                }
                String type = entry.textValue();
                int star = type.indexOf('*');
                if (star >= 0 && star != type.length() - 1) {
                    throw invalid("'events' entry '" + type + "' may only end in '*'");
                }
                if (star < 0) {
                    exact.add(type);
                } else if (star == 0) {
                    all = true;
                } else {
                    prefixes.add(type.substring(0, star));
                }
            }
        }
        if (all) {
            exact.clear();
            prefixes.clear();
        }
        if (parsedFilters.isEmpty() && exact.isEmpty() && prefixes.isEmpty()) {
            return ALL;
        }
        return new EventSelector(Map.copyOf(parsedFilters), Set.copyOf(exact), List.copyOf(prefixes));
    }

    private static JsonNode[] filterValues(String key, JsonNode value) {
        if (value.isArray()) {
            if (value.isEmpty() || value.size() > MAX_FILTER_VALUES) {
                throw invalid("filter '" + key + "' must list 1 to " + MAX_FILTER_VALUES + " values");
            }
            JsonNode[] values = new JsonNode[value.size()];
            for (int i = 0; i < values.length; i++) {
                JsonNode v = value.get(i);
                if (!isScalar(v)) {
                    throw invalid("filter '" + key + "' may only list scalars (string, number, boolean, null)");
                }
                values[i] = v;
            }
            return values;
        }
        if (!isScalar(value)) {
            throw invalid("filter '" + key + "' must be a scalar or an array of scalars");
        }
        return new JsonNode[] {value};
    }

    private static boolean isScalar(JsonNode v) {
        return v.isTextual() || v.isNumber() || v.isBoolean() || v.isNull();
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.WS_INVALID_MESSAGE, message);
    }

    /**
     * Whether this selector selects every event.
     *
     * @return true when there are no filters and no event types
     */
    public boolean selectsAll() {
        return this == ALL;
    }

    @Override
    public boolean test(Event event) {
        if (this == ALL) {
            return true;
        }
        if (!matchesAllTypes && !typeMatches(event.eventType())) {
            return false;
        }
        if (filters.isEmpty()) {
            return true;
        }
        JsonNode data = event.data();
        for (Map.Entry<String, JsonNode[]> filter : filters.entrySet()) {
            JsonNode actual = data.get(filter.getKey());
            if (actual == null || !anyEqual(actual, filter.getValue())) {
                return false;
            }
        }
        return true;
    }

    private boolean typeMatches(String type) {
        if (exactTypes.contains(type)) {
            return true;
        }
        for (int i = 0; i < typePrefixes.size(); i++) {
            if (type.startsWith(typePrefixes.get(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyEqual(JsonNode actual, JsonNode[] wanted) {
        for (JsonNode w : wanted) {
            if (scalarEquals(actual, w)) {
                return true;
            }
        }
        return false;
    }

    /** JSON scalar equality; numbers compare by value, so {@code 1} equals {@code 1.0}. */
    static boolean scalarEquals(JsonNode actual, JsonNode wanted) {
        if (wanted.isNumber()) {
            if (!actual.isNumber()) {
                return false;
            }
            if (actual.isIntegralNumber() && wanted.isIntegralNumber()
                && actual.canConvertToLong() && wanted.canConvertToLong()) {
                return actual.longValue() == wanted.longValue();
            }
            // Jackson reads a literal beyond the double range (1e400) as an infinite double, which has no
            // decimalValue() (it throws NumberFormatException, on the dispatcher thread): compare those as doubles.
            if (isNonFinite(actual) || isNonFinite(wanted)) {
                return actual.doubleValue() == wanted.doubleValue();
            }
            return actual.decimalValue().compareTo(wanted.decimalValue()) == 0;
        }
        if (wanted.isTextual()) {
            return actual.isTextual() && actual.textValue().equals(wanted.textValue());
        }
        if (wanted.isBoolean()) {
            return actual.isBoolean() && actual.booleanValue() == wanted.booleanValue();
        }
        return wanted.isNull() && actual.isNull();
    }

    private static boolean isNonFinite(JsonNode number) {
        return (number.isDouble() || number.isFloat()) && !Double.isFinite(number.doubleValue());
    }
}
