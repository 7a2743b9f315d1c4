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
