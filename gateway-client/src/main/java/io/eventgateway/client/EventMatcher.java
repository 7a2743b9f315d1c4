package io.eventgateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The {@code filters} and {@code events} of a {@link SubscribeSpec} evaluated by the client, exactly as the gateway
 * evaluates them (PROTOCOL.md section 4). Needed for the events of a {@code resync} request: {@code GET /api/events}
 * selects by topic only, so the client drops what the subscription's filters and event types exclude.
 */
final class EventMatcher implements Predicate<Event> {

    private final List<Map.Entry<String, JsonNode>> filters = new ArrayList<>();
    private final List<String> exactTypes = new ArrayList<>();
    private final List<String> typePrefixes = new ArrayList<>();
    private final boolean allTypes;

    EventMatcher(SubscribeSpec spec) {
        spec.filters().properties().forEach(filters::add);
        boolean all = spec.events().isEmpty();
        for (String type : spec.events()) {
            if (type.equals("*")) {
                all = true;
            } else if (type.endsWith("*")) {
                typePrefixes.add(type.substring(0, type.length() - 1));
            } else {
                exactTypes.add(type);
            }
        }
        this.allTypes = all;
    }

    @Override
    public boolean test(Event event) {
        if (!allTypes && !typeMatches(event.eventType())) {
            return false;
        }
        for (Map.Entry<String, JsonNode> filter : filters) {
            JsonNode actual = event.data().get(filter.getKey());
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
        for (String prefix : typePrefixes) {
            if (type.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyEqual(JsonNode actual, JsonNode wanted) {
        if (wanted.isArray()) {
            for (JsonNode w : wanted) {
                if (scalarEquals(actual, w)) {
                    return true;
                }
            }
            return false;
        }
        return scalarEquals(actual, wanted);
    }

    /** JSON scalar equality as the gateway applies it: numbers by value, so {@code 1} equals {@code 1.0}. */
    static boolean scalarEquals(JsonNode actual, JsonNode wanted) {
        if (wanted.isNumber()) {
            if (!actual.isNumber()) {
                return false;
            }
            if (actual.isIntegralNumber() && wanted.isIntegralNumber()
                && actual.canConvertToLong() && wanted.canConvertToLong()) {
                return actual.longValue() == wanted.longValue();
            }
            // A literal beyond the double range (1e400) is read as an infinite double, which has no decimalValue().
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
