package io.eventgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeWsProtocolTest {

    private final NodeWsProtocol protocol = new NodeWsProtocol();
    private final RecordingInbound inbound = new RecordingInbound();

    @Test
    void readsThePeersEventAndSubscribedFrames() {
        // As server.js writes them: JSON.stringify of the envelope, no id on an event.
        inbound.feed(protocol.decoder(), "{\"type\":\"subscribed\",\"id\":\"b\","
            + "\"timestamp\":\"2026-01-08T12:00:00.000Z\",\"payload\":{\"topics\":[\"bench:fanout\"],"
            + "\"activeSubscriptions\":1,\"headSeq\":0}}");
        inbound.feed(protocol.decoder(), "{\"type\":\"event\",\"timestamp\":\"2026-01-08T12:00:00.000Z\",\"payload\":"
            + "{\"seq\":1,\"topic\":\"bench:fanout\",\"eventType\":\"bench.tick\",\"data\":{\"t\":22580000000000,"
            + "\"n\":0,\"k\":0,\"pad\":\"xx\"}}}");
        assertThat(inbound.seen).containsExactly("subscribed 0", "event 1 0 0 22580000000000");
    }

    @Test
    void subscribesLiveOnlyAndPublishesAsTheGatewayDoes() {
        assertThat(protocol.subscribe("bench:t1", 42)).doesNotContain("since")
            .isEqualTo(new GatewayProtocol().subscribe("bench:t1", -1));
        assertThat(protocol.publish("bench:t1", "{\"t\":1}")).isEqualTo(new GatewayProtocol().publish("bench:t1",
            "{\"t\":1}"));
        assertThat(protocol.path()).isEqualTo("/ws");
    }

    @Test
    void promisesOnlyWhatThePeerDoes() {
        assertThat(protocol.announcesDrops()).isFalse();
        assertThat(protocol.supportsSince()).isFalse();
        assertThat(protocol.acknowledgesPublishes()).isFalse();
        assertThat(Protocol.named("node-ws")).isInstanceOf(NodeWsProtocol.class);
    }
}
