package io.eventgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayProtocolTest {

    private final GatewayProtocol protocol = new GatewayProtocol();
    private final RecordingInbound inbound = new RecordingInbound();
    private final List<String> seen = inbound.seen;

    private void decode(String text) {
        inbound.feed(protocol.decoder(), text);
    }

    @Test
    void readsTheBenchFieldsOfAnEventFrame() {
        decode("{\"type\":\"event\",\"timestamp\":\"2026-01-08T12:34:56.000Z\",\"payload\":{\"seq\":1051,"
            + "\"topic\":\"bench:t7\",\"eventType\":\"bench.tick\",\"data\":{\"t\":987654321,\"n\":42,\"k\":7,"
            + "\"pad\":\"xxxx\"}}}");
        assertThat(seen).containsExactly("event 1051 7 42 987654321");
    }

    @Test
    void readsOverflowSubscribedAndPublishedAndAnswersPings() {
        decode("{\"type\":\"overflow\",\"timestamp\":\"x\",\"payload\":{\"dropped\":37,\"firstDroppedSeq\":1101,"
            + "\"lastDroppedSeq\":1180,\"resync\":\"/api/events?since=1100&until=1180\"}}");
        decode("{\"type\":\"subscribed\",\"id\":\"b\",\"timestamp\":\"x\",\"payload\":{\"topics\":[\"a:b\"],"
            + "\"activeSubscriptions\":1,\"headSeq\":1050}}");
        decode("{\"type\":\"published\",\"timestamp\":\"x\",\"payload\":{\"seq\":77}}");
        decode("{\"type\":\"ping\",\"timestamp\":\"x\",\"payload\":{}}");
        decode("{\"type\":\"error\",\"timestamp\":\"x\",\"payload\":{\"code\":\"WS_RATE_LIMITED\"}}");
        decode("{\"type\":\"connected\",\"timestamp\":\"x\",\"payload\":{\"headSeq\":3}}");
        assertThat(seen).containsExactly("overflow 37 1101 1180", "subscribed 1050", "published 77",
            "reply {\"type\":\"pong\"}",
            "error {\"type\":\"error\",\"timestamp\":\"x\",\"payload\":{\"code\":\"WS_RATE_LIMITED\"}}");
    }

    @Test
    void readsEveryMessageOfABatchFrameInOrder() {
        GatewayProtocol batching = new GatewayProtocol(true);
        assertThat(batching.path()).isEqualTo("/ws?batch=true");
        assertThat(batching.name()).isEqualTo("gateway-batch");
        // Strings with brackets, braces, commas and escaped quotes must not end a message early.
        String tricky = "x}],{\\\"]";
        inbound.feed(batching.decoder(), "{\"type\":\"batch\",\"timestamp\":\"x\",\"payload\":{\"messages\":["
            + "{\"type\":\"event\",\"timestamp\":\"x\",\"payload\":{\"seq\":11,\"topic\":\"bench:t1\","
            + "\"eventType\":\"bench.tick\",\"data\":{\"t\":100,\"n\":1,\"k\":1,\"pad\":\"" + tricky + "\"}}},"
            + "{\"type\":\"overflow\",\"timestamp\":\"x\",\"payload\":{\"dropped\":2,\"firstDroppedSeq\":12,"
            + "\"lastDroppedSeq\":13,\"resync\":\"/api/events?since=11&until=13\"}},"
            + "{\"type\":\"event\",\"timestamp\":\"x\",\"payload\":{\"seq\":14,\"topic\":\"bench:t1\","
            + "\"eventType\":\"bench.tick\",\"data\":{\"t\":200,\"n\":4,\"k\":1,\"pad\":\"" + "p".repeat(600)
            + "\"}}},"
            + "{\"type\":\"published\",\"timestamp\":\"x\",\"payload\":{\"seq\":15}},"
            // Another field among the bench's, and another's event: read by the general walk, not the fast path.
            + "{\"type\":\"event\",\"timestamp\":\"x\",\"payload\":{\"seq\":16,\"topic\":\"bench:t1\","
            + "\"eventType\":\"bench.tick\",\"data\":{\"t\":300,\"x\":\"}}}\",\"n\":5,\"k\":1}}},"
            + "{\"type\":\"event\",\"timestamp\":\"x\",\"payload\":{\"seq\":17,\"topic\":\"task:T\","
            + "\"eventType\":\"task.created\",\"data\":{\"t\":1,\"x\":[{\"n\":9}]}}},"
            + "{\"type\":\"event\",\"timestamp\":\"x\",\"payload\":{\"seq\":18,\"topic\":\"bench:t1\","
            + "\"eventType\":\"bench.tick\",\"data\":{\"t\":400,\"n\":6,\"k\":1,\"pad\":\"\"}}}]}}");
        assertThat(seen).containsExactly("event 11 1 1 100", "overflow 2 12 13", "event 14 1 4 200", "published 15",
            "event 16 1 5 300", "event 18 1 6 400");
    }

    @Test
    void aBatchFrameCutShortIsReportedNotSkipped() {
        inbound.feed(new GatewayProtocol(true).decoder(), "{\"type\":\"batch\",\"timestamp\":\"x\","
            + "\"payload\":{\"messages\":[{\"type\":\"published\",\"payload\":{\"seq\":1}},{\"type\":\"publ");
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).isEqualTo("published 1");
        assertThat(seen.get(1)).startsWith("error a batch frame with an unfinished message");
    }

    @Test
    void ignoresEventsThatAreNotTheBenchs() {
        decode("{\"type\":\"event\",\"timestamp\":\"x\",\"payload\":{\"seq\":5,\"topic\":\"task:T\","
            + "\"eventType\":\"task.created\",\"data\":{\"id\":\"T\"}}}");
        assertThat(seen).isEmpty();
    }

    @Test
    void buildsSubscribeAndPublishFrames() {
        assertThat(protocol.subscribe("bench:t1", -1))
            .isEqualTo("{\"type\":\"subscribe\",\"id\":\"b\",\"payload\":{\"topics\":[\"bench:t1\"]}}");
        assertThat(protocol.subscribe("bench:t1", 99)).contains("\"since\":99");
        assertThat(protocol.publish("bench:t1", "{\"t\":1}"))
            .isEqualTo("{\"type\":\"publish\",\"payload\":{\"topic\":\"bench:t1\",\"eventType\":\"bench.tick\","
                + "\"data\":{\"t\":1}}}");
    }

    @Test
    void theFrameOverheadEstimateMatchesARealEventFrame() {
        String frame = "{\"type\":\"event\",\"timestamp\":\"2026-01-08T12:34:56.000Z\",\"payload\":{\"seq\":1234567,"
            + "\"topic\":\"bench:fanout\",\"eventType\":\"bench.tick\",\"data\":{\"t\":1234567890123456,"
            + "\"n\":123456,\"k\":0,\"pad\":\"\"}}}";
        assertThat(Publisher.frameOverhead("bench:fanout")).isEqualTo(frame.length());
    }
}
