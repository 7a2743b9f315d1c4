package io.eventgateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WireTest {

    private static final String WS = "ws://127.0.0.1:9090/ws";
    private static final String GET = "GET http://127.0.0.1:9090/api/events";

    private static JsonNode json(String text) {
        try {
            return Wire.JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void subscribeCarriesPatternsFiltersEventsAndSinceOnlyWhenGiven() {
        SubscribeSpec spec = SubscribeSpec.builder().patterns("task:*", "stream:S-*").filter("status", "blocked")
            .filter("n", 1, 2).events("task.*").build();
        JsonNode frame = json(Wire.subscribe(spec, 41));
        assertThat(frame.get("type").asText()).isEqualTo("subscribe");
        assertThat(frame.get("id").asText()).isEqualTo(Wire.SUBSCRIBE_ID);
        assertThat(frame.at("/payload/topics").toString()).isEqualTo("[\"task:*\",\"stream:S-*\"]");
        assertThat(frame.at("/payload/filters").toString()).isEqualTo("{\"status\":\"blocked\",\"n\":[1,2]}");
        assertThat(frame.at("/payload/events").toString()).isEqualTo("[\"task.*\"]");
        assertThat(frame.at("/payload/since").asLong()).isEqualTo(41);

        JsonNode live = json(Wire.subscribe(SubscribeSpec.of("*"), SubscribeSpec.LIVE));
        assertThat(live.get("payload").has("since")).isFalse();
        assertThat(live.get("payload").has("filters")).isFalse();
        assertThat(live.get("payload").has("events")).isFalse();
    }

    @Test
    void pongEchoesThePingId() {
        assertThat(json(Wire.pong("p-7")).toString()).isEqualTo("{\"type\":\"pong\",\"id\":\"p-7\"}");
        assertThat(json(Wire.pong(null)).toString()).isEqualTo("{\"type\":\"pong\"}");
    }

    @Test
    void publishBodyHasAnEmptyObjectForNullData() {
        assertThat(json(Wire.publishBody("task:T-1", "x", null, null)).toString())
            .isEqualTo("{\"topic\":\"task:T-1\",\"eventType\":\"x\",\"data\":{}}");
        assertThat(json(Wire.publishBody("task:T-1", "x", json("{\"a\":1}"), "k")).get("idempotencyKey").asText())
            .isEqualTo("k");
    }

    @Test
    void anEventFrameBecomesAnEventWithTheEnvelopeTimestamp() {
        Event event = Wire.wsEvent(json("{\"type\":\"event\",\"timestamp\":\"2026-01-08T12:34:56.789Z\","
            + "\"payload\":{\"seq\":1051,\"topic\":\"stream:A\",\"eventType\":\"stream.progress\","
            + "\"data\":{\"p\":50.0}}}"), WS);
        assertThat(event.seq()).isEqualTo(1051);
        assertThat(event.topic()).isEqualTo("stream:A");
        assertThat(event.eventType()).isEqualTo("stream.progress");
        assertThat(event.timestamp()).isEqualTo(Instant.parse("2026-01-08T12:34:56.789Z"));
        assertThat(event.data().get("p").asDouble()).isEqualTo(50.0);
    }

    @Test
    void framesThatAreNotTheProtocolFailWithBadResponseNamingTheSource() {
        assertThatThrownBy(() -> Wire.frame("hello", WS))
            .isInstanceOfSatisfying(GatewayClientException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_RESPONSE);
                assertThat(e.retryable()).isFalse();
            })
            .hasMessageContaining(WS).hasMessageContaining("not JSON").hasMessageContaining("'hello'");
        assertThatThrownBy(() -> Wire.frame("[1,2]", WS)).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> Wire.frame("{\"type\":5}", WS)).hasMessageContaining("without a string 'type'");
        assertThatThrownBy(() -> Wire.wsEvent(json("{\"type\":\"event\",\"timestamp\":\"2026-01-08T12:00:00Z\","
            + "\"payload\":{\"topic\":\"a:b\",\"eventType\":\"x\",\"data\":{}}}"), WS))
            .hasMessageContaining("without seq");
        assertThatThrownBy(() -> Wire.wsEvent(json("{\"type\":\"event\",\"timestamp\":\"yesterday\","
            + "\"payload\":{\"seq\":1,\"topic\":\"a:b\",\"eventType\":\"x\",\"data\":{}}}"), WS))
            .hasMessageContaining("not ISO-8601");
        assertThatThrownBy(() -> Wire.wsEvent(json("{\"type\":\"event\",\"timestamp\":\"2026-01-08T12:00:00Z\","
            + "\"payload\":{\"seq\":1,\"topic\":\"a:b\",\"eventType\":\"x\",\"data\":[1]}}"), WS))
            .hasMessageContaining("data object");
    }

    @Test
    void aBatchFrameGivesItsMessagesInOrderAndRefusesWhatCannotBeInOne() {
        JsonNode batch = Wire.batch(json("{\"type\":\"batch\",\"timestamp\":\"2026-01-08T12:00:00Z\","
            + "\"payload\":{\"messages\":[{\"type\":\"ping\",\"id\":\"p\"},{\"type\":\"overflow\"}]}}"), WS);
        assertThat(batch.size()).isEqualTo(2);
        assertThat(Wire.batched(batch.get(0), WS)).isEqualTo("ping");
        assertThat(Wire.batched(batch.get(1), WS)).isEqualTo("overflow");

        assertThatThrownBy(() -> Wire.batch(json("{\"type\":\"batch\",\"payload\":{\"messages\":{}}}"), WS))
            .isInstanceOfSatisfying(GatewayClientException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_RESPONSE))
            .hasMessageContaining(WS).hasMessageContaining("without a 'payload.messages' array");
        assertThatThrownBy(() -> Wire.batch(json("{\"type\":\"batch\"}"), WS))
            .hasMessageContaining("without a 'payload.messages' array");
        assertThatThrownBy(() -> Wire.batched(json("{\"type\":\"connected\",\"payload\":{}}"), WS))
            .hasMessageContaining("sent 'connected' inside a batch");
        assertThatThrownBy(() -> Wire.batched(json("{\"type\":\"batch\",\"payload\":{\"messages\":[]}}"), WS))
            .hasMessageContaining("sent 'batch' inside a batch");
        assertThatThrownBy(() -> Wire.batched(json("\"event\""), WS))
            .hasMessageContaining("not a JSON object with a string 'type' ('\"event\"')");
        assertThatThrownBy(() -> Wire.batched(json("{\"type\":1}"), WS))
            .hasMessageContaining("not a JSON object with a string 'type'");
    }

    @Test
    void aLongBodyIsAbbreviatedToOneLineInMessages() {
        String html = "<html>\n<body>\n" + "x".repeat(500) + "\n</body></html>";
        assertThatThrownBy(() -> Wire.body(html.getBytes(StandardCharsets.UTF_8), GET, 200))
            .hasMessageContaining("answered HTTP 200 with a body that is not a JSON object ('<html> <body> xxx")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(250));
        assertThatThrownBy(() -> Wire.body(new byte[0], GET, 502)).hasMessageContaining("HTTP 502 with an empty body");
    }

    @Test
    void aGatewayErrorBodyKeepsItsCodeStatusAndDetails() {
        GatewayClientException e = Wire.restError(json("{\"error\":{\"code\":\"INVALID_TOPIC\",\"message\":\"bad"
            + " topic\",\"details\":{\"topic\":\"x\"}}}"), "POST http://h/api/events", 400);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_TOPIC);
        assertThat(e.code()).isEqualTo("INVALID_TOPIC");
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.details().get("topic").asText()).isEqualTo("x");
        assertThat(e.getMessage()).contains("bad topic").contains("HTTP 400");
        assertThat(e.retryable()).isFalse();

        GatewayClientException unknown = Wire.restError(json("{\"error\":{\"code\":\"TEAPOT\",\"message\":\"m\"}}"),
            "GET x", 503);
        assertThat(unknown.errorCode()).isEqualTo(ErrorCode.UNKNOWN);
        assertThat(unknown.code()).isEqualTo("TEAPOT");
        assertThat(unknown.retryable()).as("an unknown code with a 5xx status").isTrue();
        assertThat(unknown.details().isObject()).isTrue();

        assertThat(Wire.restError(json("{\"message\":\"nope\"}"), "GET x", 500).errorCode())
            .isEqualTo(ErrorCode.BAD_RESPONSE);
    }

    @Test
    void pagesMustListIncreasingSeqsAboveSince() {
        String e1 = "{\"seq\":5,\"topic\":\"a:b\",\"eventType\":\"x\",\"data\":{},"
            + "\"timestamp\":\"2026-01-08T12:00:00Z\"}";
        String e2 = e1.replace("\"seq\":5", "\"seq\":7");
        Wire.Page page = Wire.page(json("{\"events\":[" + e1 + "," + e2 + "],\"headSeq\":9,\"oldestSeq\":1,"
            + "\"hasMore\":true,\"truncated\":false}"), GET, 4);
        assertThat(page.events()).extracting(Event::seq).containsExactly(5L, 7L);
        assertThat(page.hasMore()).isTrue();
        assertThat(page.headSeq()).isEqualTo(9);

        assertThatThrownBy(() -> Wire.page(json("{\"events\":[" + e2 + "," + e1 + "],\"headSeq\":9,"
            + "\"hasMore\":false}"), GET, 0)).hasMessageContaining("seqs must increase");
        assertThatThrownBy(() -> Wire.page(json("{\"events\":[" + e1 + "],\"headSeq\":9,\"hasMore\":false}"), GET, 5))
            .hasMessageContaining("listed seq 5 after 5");
        assertThatThrownBy(() -> Wire.page(json("{\"events\":[],\"headSeq\":9,\"hasMore\":true}"), GET, 0))
            .hasMessageContaining("hasMore without any event");
        assertThatThrownBy(() -> Wire.page(json("{\"items\":[]}"), GET, 0))
            .hasMessageContaining("without events, headSeq and hasMore");
    }
}
