package io.eventgateway.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.WsTestClient;
import io.eventgateway.server.metrics.PrometheusText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PROTOCOL.md sections 1 and 8: the events resource, errors, health, status, metrics and the dashboard. */
class EventsRestIT extends GatewayTestSupport {

    private static final String JSON = "application/json";

    private static String event(String topic, int i) {
        return "{\"topic\":\"" + topic + "\",\"eventType\":\"t.x\",\"data\":{\"i\":" + i + "}}";
    }

    private static String array(int n, String topic) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            body.append(i == 0 ? "" : ",").append(event(topic, i));
        }
        return body.append(']').toString();
    }

    private static void assertError(HttpAnswer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith(JSON);
        JsonNode error = answer.json().get("error");
        assertThat(error).as(answer.body()).isNotNull();
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.get("details").isObject()).isTrue();
    }

    private List<Long> seqsOf(HttpAnswer answer) {
        List<Long> seqs = new ArrayList<>();
        answer.json().get("events").forEach(e -> seqs.add(e.get("seq").asLong()));
        return seqs;
    }

    @Test
    void postOfOneEventIsAcceptedWithItsSeq() {
        start();
        HttpAnswer answer = http("POST", "/api/events", JSON, event("task:T-1", 1));
        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.json().get("seq").asLong()).isPositive();
        assertThat(answer.json().has("seqs")).isFalse();
        HttpAnswer charset = http("POST", "/api/events", "application/json; charset=utf-8", event("task:T-1", 2));
        assertThat(charset.json().get("seq").asLong()).isGreaterThan(answer.json().get("seq").asLong());
    }

    @Test
    void postOfAnArrayIsAcceptedWithItsSeqsInOrder() {
        start();
        HttpAnswer answer = http("POST", "/api/events", JSON, array(5, "task:T-1"));
        assertThat(answer.status()).isEqualTo(202);
        JsonNode seqs = answer.json().get("seqs");
        assertThat(seqs).hasSize(5);
        List<Long> list = new ArrayList<>();
        seqs.forEach(s -> list.add(s.asLong()));
        assertThat(list).isSorted().doesNotHaveDuplicates();
        HttpAnswer read = http("GET", "/api/events", null, null);
        assertThat(seqsOf(read)).containsExactlyElementsOf(list);
        assertThat(read.json().at("/events/2/data/i").asInt()).isEqualTo(2);
        assertThat(read.json().at("/events/2/topic").asText()).isEqualTo("task:T-1");
        assertThat(read.json().at("/events/2/eventType").asText()).isEqualTo("t.x");
        assertThat(read.json().at("/events/2/timestamp").asText()).endsWith("Z");
    }

    @Test
    void postWithoutOrWithAnotherContentTypeIs415() {
        start();
        assertError(http("POST", "/api/events", null, event("task:T-1", 1)), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertError(http("POST", "/api/events", "text/plain", event("task:T-1", 1)), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertThat(seqsOf(http("GET", "/api/events", null, null))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"topic\":", "", "[]", "42", "[1]",
        "{\"topic\":\"task\",\"eventType\":\"x\",\"data\":{}}",
        "{\"topic\":\"task:*\",\"eventType\":\"x\",\"data\":{}}",
        "{\"topic\":\"task:T-1\",\"data\":{}}",
        "{\"topic\":\"task:T-1\",\"eventType\":\"x\",\"data\":[1]}",
        "{\"topic\":\"task:T-1\",\"eventType\":\"x\",\"data\":\"s\"}",
        "[{\"topic\":\"task:T-1\",\"eventType\":\"x\",\"data\":{}},{\"topic\":\"bad\",\"eventType\":\"x\"}]"})
    void invalidBodyIs400AndPublishesNothing(String body) {
        start();
        HttpAnswer answer = http("POST", "/api/events", JSON, body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        JsonNode error = answer.json().get("error");
        assertThat(error.get("code").isTextual()).isTrue();
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.get("details").isObject()).isTrue();
        assertThat(seqsOf(http("GET", "/api/events", null, null))).isEmpty();
    }

    @Test
    void dataIsStoredAndDeliveredAsPublished() {
        start();
        WsTestClient subscriber = WsTestClient.connect(port());
        subscriber.connected();
        subscriber.subscribe("{\"topics\":[\"task:*\"]}");
        String data = "{ \"price\" : 1.50, \"big\": 12345678901234567890123,\n \"s\": \"h\\u00e9 \\\"q\\\" }{\" }";

        HttpAnswer posted = http("POST", "/api/events", JSON, "[{\"topic\":\"task:T-1\",\"eventType\":\"t.x\","
            + "\"data\":" + data + "}]");

        assertThat(posted.status()).as(posted.body()).isEqualTo(202);
        // The history answers the data's text as it came, spacing and number spelling included (PROTOCOL.md 5).
        HttpAnswer history = http("GET", "/api/events", null, null);
        assertThat(history.body()).contains("\"data\":" + data + ",");
        JsonNode stored = history.json().get("events").get(0).get("data");
        JsonNode delivered = subscriber.expect("event").get("payload").get("data");
        for (JsonNode d : List.of(stored, delivered)) {
            assertThat(d.get("price").decimalValue()).isEqualByComparingTo("1.5");
            assertThat(d.get("big").bigIntegerValue()).hasToString("12345678901234567890123");
            assertThat(d.get("s").textValue()).isEqualTo("h\u00e9 \"q\" }{");
        }
        subscriber.close();
    }

    @Test
    void invalidTopicOrPatternAsTopicIsCodedInvalidTopic() {
        start();
        assertError(http("POST", "/api/events", JSON, "{\"topic\":\"Task:1\",\"eventType\":\"x\",\"data\":{}}"),
            400, "INVALID_TOPIC");
        HttpAnswer pattern = http("POST", "/api/events", JSON, "{\"topic\":\"task:*\",\"eventType\":\"x\"}");
        assertError(pattern, 400, "INVALID_TOPIC");
        assertThat(pattern.json().at("/error/details/topic").asText()).isEqualTo("task:*");
    }

    @Test
    void arrayOfMoreThanAThousandEventsIs413() {
        start();
        assertError(http("POST", "/api/events", JSON, array(1001, "task:T-1")), 413, "PAYLOAD_TOO_LARGE");
        assertThat(http("POST", "/api/events", JSON, array(1000, "task:T-1")).status()).isEqualTo(202);
    }

    @Test
    void bodyOverFourMebibytesIs413() {
        start();
        String body = "{\"topic\":\"task:T-1\",\"eventType\":\"x\",\"data\":{\"pad\":\""
            + "x".repeat(4 * 1024 * 1024) + "\"}}";
        assertError(http("POST", "/api/events", JSON, body), 413, "PAYLOAD_TOO_LARGE");
        assertThat(seqsOf(http("GET", "/api/events", null, null))).isEmpty();
    }

    @Test
    void getEventsSelectsSinceUntilTopicsAndLimit() {
        start();
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            seqs.add(publish(i % 2 == 0 ? "task:T-" + i : "stream:S-" + i, "t.x", "{\"i\":" + i + "}"));
        }
        HttpAnswer all = http("GET", "/api/events", null, null);
        assertThat(all.status()).isEqualTo(200);
        assertThat(seqsOf(all)).containsExactlyElementsOf(seqs);
        assertThat(all.json().get("headSeq").asLong()).isEqualTo(seqs.get(9));
        assertThat(all.json().get("oldestSeq").asLong()).isEqualTo(seqs.get(0));
        assertThat(all.json().get("hasMore").asBoolean()).isFalse();
        assertThat(all.json().get("truncated").asBoolean()).isFalse();

        HttpAnswer range = http("GET", "/api/events?since=" + seqs.get(2) + "&until=" + seqs.get(6), null, null);
        assertThat(seqsOf(range)).containsExactlyElementsOf(seqs.subList(3, 7));

        HttpAnswer topics = http("GET", "/api/events?topics=stream:*,task:T-0", null, null);
        assertThat(seqsOf(topics)).containsExactly(seqs.get(0), seqs.get(1), seqs.get(3), seqs.get(5), seqs.get(7),
            seqs.get(9));

        HttpAnswer limited = http("GET", "/api/events?since=" + seqs.get(0) + "&limit=3", null, null);
        assertThat(seqsOf(limited)).containsExactlyElementsOf(seqs.subList(1, 4));
        assertThat(limited.json().get("hasMore").asBoolean()).isTrue();
        HttpAnswer exact = http("GET", "/api/events?since=" + seqs.get(6) + "&limit=3", null, null);
        assertThat(seqsOf(exact)).containsExactlyElementsOf(seqs.subList(7, 10));
        assertThat(exact.json().get("hasMore").asBoolean()).isFalse();
    }

    @Test
    void getEventsAfterPurgedEventsIsTruncated() {
        start(cfg -> cfg.withStore(cfg.store().withRetentionEvents(3)));
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            seqs.add(publish("task:T-1", "t.x", "{}"));
        }
        HttpAnswer answer = http("GET", "/api/events?since=" + seqs.get(0), null, null);
        assertThat(answer.json().get("truncated").asBoolean()).isTrue();
        assertThat(answer.json().get("headSeq").asLong()).isEqualTo(seqs.get(9));
        assertThat(answer.json().get("oldestSeq").asLong()).isGreaterThan(seqs.get(1));
        assertThat(seqsOf(answer)).contains(seqs.get(9)).doesNotContain(seqs.get(0), seqs.get(1));
        HttpAnswer recent = http("GET", "/api/events?since=" + seqs.get(8), null, null);
        assertThat(recent.json().get("truncated").asBoolean()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"since=-1", "since=x", "until=1.5", "limit=0", "limit=10001", "limit=abc",
        "topics=ta*", "topics=task:*,"})
    void invalidQueryParameterIs400(String query) {
        start();
        HttpAnswer answer = http("GET", "/api/events?" + query, null, null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.json().at("/error/message").asText()).isNotBlank();
        assertThat(answer.json().at("/error/details").isObject()).isTrue();
    }

    @Test
    void unknownPathIs404Json() {
        start();
        assertError(http("GET", "/api/nothing", null, null), 404, "NOT_FOUND");
    }

    @Test
    void knownPathWithAnotherMethodIs405WithAllow() {
        start();
        HttpAnswer put = http("PUT", "/api/events", JSON, event("task:T-1", 1));
        assertError(put, 405, "METHOD_NOT_ALLOWED");
        assertThat(put.allow()).contains("GET").contains("POST");
        HttpAnswer post = http("POST", "/health", JSON, "{}");
        assertError(post, 405, "METHOD_NOT_ALLOWED");
        assertThat(post.allow()).isEqualTo("GET");
    }

    @Test
    void healthIsOk() {
        start();
        HttpAnswer health = http("GET", "/health", null, null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("ok");
    }

    @Test
    void statusReportsConnectionsPatternsAndEvents() {
        start();
        try (WsTestClient a = ws(); WsTestClient b = ws()) {
            a.connected();
            b.connected();
            a.subscribe("{\"topics\":[\"task:*\",\"stream:*\"]}");
            b.subscribe("{\"topics\":[\"task:*\"]}");
            long seq = publish("task:T-1", "t.x", "{}");
            publish("bot:B-1", "t.x", "{}");
            assertThat(a.expect("event").at("/payload/seq").asLong()).isEqualTo(seq);
            assertThat(b.expect("event").at("/payload/seq").asLong()).isEqualTo(seq);
            JsonNode status = http("GET", "/api/status", null, null).json();
            assertThat(status.get("version").isTextual()).isTrue();
            assertThat(status.get("uptimeMs").asLong()).isNotNegative();
            assertThat(status.get("headSeq").asLong()).isEqualTo(seq + 1);
            assertThat(status.at("/connections/active").asInt()).isEqualTo(2);
            assertThat(status.at("/connections/total").asInt()).isEqualTo(2);
            assertThat(status.get("patterns")).hasSize(2);
            assertThat(status.at("/patterns/0/pattern").asText()).isEqualTo("stream:*");
            assertThat(status.at("/patterns/0/subscribers").asInt()).isEqualTo(1);
            assertThat(status.at("/patterns/1/pattern").asText()).isEqualTo("task:*");
            assertThat(status.at("/patterns/1/subscribers").asInt()).isEqualTo(2);
            assertThat(status.at("/events/published").asLong()).isEqualTo(2);
            assertThat(status.at("/events/delivered").asLong()).isEqualTo(2);
            assertThat(status.at("/events/dropped").asLong()).isZero();
            JsonNode details = status.get("connectionDetails");
            assertThat(details).hasSize(2);
            for (JsonNode c : details) {
                assertThat(c.get("connectionId").asText()).startsWith("c-");
                assertThat(c.get("remote").asText()).contains("127.0.0.1");
                assertThat(c.get("patterns").asInt()).isBetween(1, 2);
                assertThat(c.get("bufferDepth").asInt()).isZero();
                assertThat(c.get("dropped").asLong()).isZero();
            }
        }
    }

    @Test
    void metricsArePrometheusTextWithThePublishedCount() {
        start();
        http("POST", "/api/events", JSON, array(7, "task:T-1"));
        publish("task:T-2", "t.x", "{}");
        HttpAnswer metrics = http("GET", "/metrics", null, null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.contentType()).startsWith("text/plain");
        assertThat(metrics.body()).contains("# TYPE gateway_events_published_total counter");
        PrometheusText text = PrometheusText.parse(metrics.body());
        assertThat(text.value("gateway_events_published_total", Map.of("entity", "task"))).isEqualTo(8);
    }

    @Test
    void rootServesTheDashboardHtml() {
        start();
        HttpAnswer root = http("GET", "/", null, null);
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.contentType()).startsWith("text/html");
        assertThat(root.body().toLowerCase()).contains("<html").contains("/dashboard/dashboard.js");
        HttpAnswer client = http("GET", "/dashboard/event-gateway.js", null, null);
        assertThat(client.status()).isEqualTo(200);
        assertThat(client.contentType()).startsWith("text/javascript");
        assertThat(client.body()).contains("export class GatewayClient");
        HttpAnswer missing = http("GET", "/dashboard/secrets.txt", null, null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().at("/error/code").asText()).isEqualTo("NOT_FOUND");
    }
}
