package io.eventgateway.server.rest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.Event;
import io.eventgateway.event.EventCodec;
import io.eventgateway.event.NewEvent;
import io.eventgateway.event.NewEvents;
import io.eventgateway.log.EventLog;
import io.eventgateway.log.EventQuery;
import io.eventgateway.log.EventsPurgedException;
import io.eventgateway.server.auth.Grant;
import io.eventgateway.topic.TopicPattern;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code POST /api/events} (one event or an array of up to 1000, answered 202 once durable) and
 * {@code GET /api/events} (a range of the log, PROTOCOL.md section 8), both within the request's {@link Grant}
 * (section 11.3): every event's topic must be one it may publish to, every {@code topics} pattern one it may
 * subscribe to, and a read without {@code topics} is restricted to its subscribe patterns.
 */
final class EventsResource {

    /** The most events in one {@code POST /api/events} array. */
    static final int MAX_BATCH = 1000;
    /** The largest request body accepted (413 above it). */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    /** {@code limit} of {@code GET /api/events}: default and maximum. */
    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 10_000;
    /** Reads again at most this often when retention purges part of a history page while it is read. */
    private static final int PURGE_RETRIES = 3;

    private final EventLog log;

    EventsResource(EventLog log) {
        this.log = log;
    }

    Mono<Void> post(HttpServerRequest request, HttpServerResponse response, Grant grant) {
        String contentType = request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE);
        if (!HttpErrors.isJson(contentType)) {
            return Mono.error(new GatewayException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                "the body must be JSON with Content-Type: application/json (got "
                    + (contentType == null ? "none" : "'" + contentType + "'") + ")"));
        }
        return body(request).flatMap(bytes -> {
            Body body = read(bytes);
            boolean single = body.single();
            List<NewEvent> events = body.events();
            // All or nothing, like the rest of the request: one topic outside the grant appends nothing.
            for (NewEvent event : events) {
                grant.checkPublish(event.topic(), ErrorCode.FORBIDDEN);
            }
            // Back to the request's own event loop before the answer is built: the append completes on the log's
            // writer thread, the one that limits durable throughput.
            Mono<List<Event>> appended = log.append(events).publishOn(loopOf(request));
            return appended.flatMap(stored -> Json.send(response, HttpResponseStatus.ACCEPTED, g -> {
                g.writeStartObject();
                if (single) {
                    g.writeNumberField("seq", stored.get(0).seq());
                } else {
                    g.writeArrayFieldStart("seqs");
                    for (Event e : stored) {
                        g.writeNumber(e.seq());
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }));
        });
    }

    private static Scheduler loopOf(HttpServerRequest request) {
        Executor[] loop = new Executor[1];
        request.withConnection(connection -> loop[0] = connection.channel().eventLoop());
        return loop[0] == null ? Schedulers.immediate() : Schedulers.fromExecutor(loop[0]);
    }

    /**
     * A {@code POST /api/events} body: one event ({@code single}) or an array of them.
     *
     * @param single whether the body was one event object, answered with {@code seq} rather than {@code seqs}
     * @param events the events, in the body's order
     */
    record Body(boolean single, List<NewEvent> events) {
    }

    /**
     * Reads the POST body in one pass of a streaming parser: each event's {@code data} stays the text it has in
     * the body and is neither read into a tree nor serialized again (package-private for EventsBodyFuzzTest).
     * The answer is what reading the whole body into a tree first would give: a body that is not valid JSON is
     * refused as such (BAD_REQUEST) even when an event before the fault is invalid; otherwise the first problem
     * in the order the body's rules are checked (empty, not an event or array, empty array, too many events, the
     * first invalid event).
     */
    static Body read(byte[] bytes) {
        int notUtf8 = NewEvents.invalidUtf8At(bytes);
        if (notUtf8 >= 0) {
            // The events' data is kept as slices of these bytes, decoded as they are: so the whole body is checked,
            // once, before it is parsed (NewEvents.invalidUtf8At says what Jackson alone would let through).
            throw new GatewayException(ErrorCode.BAD_REQUEST, "the body is not valid JSON: it is not valid UTF-8"
                + " (byte " + notUtf8 + ")");
        }
        GatewayException invalid = null;
        List<NewEvent> events = new ArrayList<>();
        int count = 0;
        boolean single;
        boolean array;
        try (JsonParser p = EventCodec.JSON.getFactory().createParser(bytes)) {
            if (!(p instanceof UTF8StreamJsonParser)) {
                // Jackson detected UTF-16 or UTF-32 from the first bytes; JSON on the wire is UTF-8 (RFC 8259), and
                // the events' data is kept as slices of these bytes.
                throw new GatewayException(ErrorCode.BAD_REQUEST, "the body is not valid JSON: it must be UTF-8");
            }
            JsonToken root = p.nextToken();
            if (root == null) {
                throw new GatewayException(ErrorCode.BAD_REQUEST, "the body is empty: send one event "
                    + "{\"topic\", \"eventType\", \"data\"} or an array of them");
            }
            single = root == JsonToken.START_OBJECT;
            array = root == JsonToken.START_ARRAY;
            if (single) {
                count = 1;
                try {
                    events.add(NewEvents.read(p, bytes, "the event"));
                } catch (GatewayException e) {
                    invalid = e;
                }
            } else if (array) {
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    if (t == null) {
                        throw new GatewayException(ErrorCode.BAD_REQUEST, "the body is not valid JSON: the array"
                            + " is not closed");
                    }
                    if (count++ >= MAX_BATCH) {
                        p.skipChildren(); // read on only to tell a malformed body from one that is too large
                        continue;
                    }
                    try {
                        NewEvent event = NewEvents.read(p, bytes, "event [" + (count - 1) + "]");
                        if (invalid == null) {
                            events.add(event);
                        }
                    } catch (GatewayException e) {
                        invalid = invalid == null ? e : invalid;
                    }
                }
            } else {
                p.skipChildren();
                invalid = new GatewayException(ErrorCode.BAD_REQUEST,
                    "the body must be one event object or an array of 1 to " + MAX_BATCH + " events");
            }
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new GatewayException(ErrorCode.BAD_REQUEST, "the body is not valid JSON: more follows the"
                    + " event or array (" + p.currentTokenLocation().offsetDescription() + ")");
            }
        } catch (JacksonException e) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "the body is not valid JSON: "
                + e.getOriginalMessage());
        } catch (IOException e) {
            // A first few bytes that look like no encoding Jackson knows (CharConversionException).
            throw new GatewayException(ErrorCode.BAD_REQUEST, "the body is not valid JSON: " + e.getMessage());
        }
        if (array && count == 0) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "the array of events is empty");
        }
        if (count > MAX_BATCH) {
            throw new GatewayException(ErrorCode.PAYLOAD_TOO_LARGE, "the array has " + count
                + " events; at most " + MAX_BATCH + " may be published in one request", Map.of("max", MAX_BATCH));
        }
        if (invalid != null) {
            throw invalid;
        }
        return new Body(single, events);
    }

    /** The request body, refused with 413 as soon as it is known to exceed {@link #MAX_BODY_BYTES}. */
    private static Mono<byte[]> body(HttpServerRequest request) {
        String length = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > MAX_BODY_BYTES) {
                    return Mono.error(tooLarge());
                }
            } catch (NumberFormatException e) {
                return Mono.error(new GatewayException(ErrorCode.BAD_REQUEST, "invalid Content-Length"));
            }
        }
        return request.receive().asByteArray()
            .reduce(new ByteArrayOutputStream(), (out, chunk) -> {
                if (out.size() + chunk.length > MAX_BODY_BYTES) {
                    throw tooLarge();
                }
                out.writeBytes(chunk);
                return out;
            })
            .map(ByteArrayOutputStream::toByteArray);
    }

    private static GatewayException tooLarge() {
        return new GatewayException(ErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than " + MAX_BODY_BYTES
            + " bytes; publish in smaller batches", Map.of("maxBytes", MAX_BODY_BYTES));
    }

    Mono<Void> get(HttpServerRequest request, HttpServerResponse response, Grant grant) {
        return Mono.defer(() -> {
            QueryStringDecoder query = new QueryStringDecoder(request.uri());
            Map<String, List<String>> params = query.parameters();
            long head = log.headSeq();
            long since = longParam(params, "since", 0, 0, Long.MAX_VALUE);
            long until = longParam(params, "until", head, 0, Long.MAX_VALUE);
            long limit = longParam(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
            List<TopicPattern> patterns = readable(patterns(params), grant);
            return history(since, until, patterns, limit)
                .flatMap(page -> Json.send(response, HttpResponseStatus.OK, g -> {
                    List<Event> events = page.events();
                    boolean hasMore = events.size() > limit;
                    int count = hasMore ? (int) limit : events.size();
                    g.writeStartObject();
                    g.writeArrayFieldStart("events");
                    for (int i = 0; i < count; i++) {
                        EventCodec.writeEventObject(g, events.get(i));
                    }
                    g.writeEndArray();
                    g.writeNumberField("headSeq", Math.max(head, log.headSeq()));
                    g.writeNumberField("oldestSeq", log.oldestSeq());
                    g.writeBooleanField("hasMore", hasMore);
                    g.writeBooleanField("truncated", page.purged() > since);
                    g.writeEndObject();
                }));
        });
    }

    /**
     * Reads one page from the purge floor: when retention purges part of it during the read, reads again from the
     * new floor (a few times at most), so the answer says {@code truncated} rather than skipping events.
     */
    private Mono<HistoryPage> history(long since, long until, List<TopicPattern> patterns, long limit) {
        return Mono.defer(() -> {
            long purged = log.purgedThrough();
            return log.read(new EventQuery(Math.max(since, purged), until, patterns, limit + 1)).collectList()
                .map(events -> new HistoryPage(events, purged));
        }).retryWhen(Retry.max(PURGE_RETRIES).filter(EventsPurgedException.class::isInstance));
    }

    private record HistoryPage(List<Event> events, long purged) {
    }

    /** The patterns a read may use: those asked for when the grant covers them all, else the grant's own. */
    private static List<TopicPattern> readable(List<TopicPattern> requested, Grant grant) {
        if (grant.subscribesToAll()) {
            return requested;
        }
        if (!requested.isEmpty()) {
            grant.checkSubscribe(requested, ErrorCode.FORBIDDEN);
            return requested;
        }
        if (grant.subscribe().isEmpty()) {
            // An empty pattern list would read every topic.
            throw new GatewayException(ErrorCode.FORBIDDEN, "'" + grant.subject() + "' may not read events: its"
                + " grant has no subscribe patterns");
        }
        return grant.subscribe();
    }

    private static List<TopicPattern> patterns(Map<String, List<String>> params) {
        List<String> values = params.get("topics");
        List<TopicPattern> patterns = new ArrayList<>();
        if (values == null) {
            return patterns;
        }
        for (String value : values) {
            for (String text : value.split(",", -1)) {
                TopicPattern pattern = TopicPattern.tryParse(text.trim());
                if (pattern == null) {
                    throw new GatewayException(ErrorCode.WS_INVALID_TOPIC, "invalid pattern '" + text
                        + "' in topics: use *, entity:id, entity:* or entity:prefix*", Map.of("topic", text));
                }
                patterns.add(pattern);
            }
        }
        return patterns;
    }

    private static long longParam(Map<String, List<String>> params, String name, long defaultValue, long min,
                                  long max) {
        List<String> values = params.get(name);
        @Nullable String text = values == null || values.isEmpty() ? null : values.get(0);
        if (text == null || text.isEmpty()) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(text);
            if (value < min || value > max) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "query parameter '" + name + "' must be an integer"
                + " from " + min + (max == Long.MAX_VALUE ? " up" : " to " + max) + ", got '" + text + "'",
                Map.of("parameter", name));
        }
    }
}
