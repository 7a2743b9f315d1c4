package io.eventgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayProtocolTest {

    private final GatewayProtocol protocol = new GatewayProtocol();
    private final List<String> seen = new ArrayList<>();
    private final Inbound inbound = new Inbound() {
        @Override
        public void subscribed(long headSeq) {
            seen.add("subscribed " + headSeq);
        }

        @Override
        public void event(long seq, long topicIndex, long n, long intendedNanos) {
            seen.add("event " + seq + " " + topicIndex + " " + n + " " + intendedNanos);
        }

        @Override
        public void overflow(long dropped, long firstSeq, long lastSeq) {
            seen.add("overflow " + dropped + " " + firstSeq + " " + lastSeq);
        }

        @Override
        public void published(long seq) {
            seen.add("published " + seq);
        }

        @Override
        public void error(String frame) {
            seen.add("error");
        }

        @Override
        public void reply(String frame) {
            seen.add("reply " + frame);
        }
    };

    private void decode(String text) {
        ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        try {
            protocol.decode(buf, inbound);
        } finally {
            buf.release();
        }
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
            "reply {\"type\":\"pong\"}", "error");
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
