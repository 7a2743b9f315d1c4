package io.eventgateway.client.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.client.Event;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The JSON line {@code events tail} prints: an event as {@code GET /api/events} lists it. */
final class EventLines {

    /** The tool's JSON mapper. */
    static final ObjectMapper JSON = JsonMapper.builder().build();

    /** The wire's timestamp format, with milliseconds: {@code 2026-01-08T12:00:00.000Z}. */
    private static final DateTimeFormatter TIMESTAMP =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private EventLines() {
    }

    /**
     * One line of JSON.
     *
     * @param event the event
     * @return {@code {"seq":..,"topic":..,"eventType":..,"data":{..},"timestamp":..}}
     */
    static String line(Event event) {
        ObjectNode node = JSON.createObjectNode();
        node.put("seq", event.seq());
        node.put("topic", event.topic());
        node.put("eventType", event.eventType());
        node.set("data", event.data());
        node.put("timestamp", TIMESTAMP.format(event.timestamp()));
        return node.toString();
    }
}
