package io.eventgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NatsProtocolTest {

    private final NatsProtocol protocol = new NatsProtocol();
    private final NatsDecoder decoder = (NatsDecoder) protocol.decoder();
    private final RecordingInbound inbound = new RecordingInbound();

    private static String msg(long t, long n, long k) {
        String payload = "{\"topic\":\"bench:fanout\",\"eventType\":\"bench.tick\",\"data\":{\"t\":" + t + ",\"n\":" + n
            + ",\"k\":" + k + ",\"pad\":\"xxxx\"}}";
        return "MSG bench.fanout 1 " + payload.length() + "\r\n" + payload + "\r\n";
    }

    @Test
    void readsEveryMessageOfAFrameThatHoldsSeveral() {
        inbound.feed(decoder, msg(100, 0, 0) + msg(200, 1, 0) + "PING\r\n" + msg(300, 2, 0));
        assertThat(inbound.seen).containsExactly("event -1 0 0 100", "event -1 0 1 200", "reply PONG\r\n",
            "event -1 0 2 300");
        assertThat(decoder.carried()).isZero();
    }

    @Test
    void readsAMessageSplitAcrossFramesAtEveryPossibleByte() {
        String two = msg(123456789, 41, 3) + msg(123456790, 42, 3);
        for (int cut = 1; cut < two.length(); cut++) {
            NatsDecoder fresh = new NatsDecoder();
            RecordingInbound in = new RecordingInbound();
            in.feed(fresh, two.substring(0, cut));
            in.feed(fresh, two.substring(cut));
            assertThat(in.seen).as("cut at %d", cut)
                .containsExactly("event -1 3 41 123456789", "event -1 3 42 123456790");
            assertThat(fresh.carried()).isZero();
        }
    }

    @Test
    void readsAMessageSpreadOverManySmallFrames() {
        String text = "INFO {\"server_id\":\"x\",\"max_payload\":1048576}\r\n" + msg(7, 9, 1);
        for (int i = 0; i < text.length(); i += 5) {
            inbound.feed(decoder, text.substring(i, Math.min(text.length(), i + 5)));
        }
        assertThat(inbound.seen).containsExactly("event -1 1 9 7");
    }

    @Test
    void answersPingsTakesThePongAfterSubscribeAsConfirmationAndReportsErrors() {
        inbound.feed(decoder, "INFO {\"server_id\":\"x\"}\r\n+OK\r\nPONG\r\nPING\r\n-ERR 'Slow Consumer'\r\n");
        assertThat(inbound.seen).containsExactly("subscribed -1", "reply PONG\r\n", "error -ERR 'Slow Consumer'");
    }

    @Test
    void ignoresMessagesThatAreNotTheBenchsAndReadsSizesWithAReplySubject() {
        String other = "{\"hello\":1}";
        inbound.feed(decoder, "MSG task.T-1 1 _INBOX.abc " + other.length() + "\r\n" + other + "\r\n" + msg(5, 6, 0));
        assertThat(inbound.seen).containsExactly("event -1 0 6 5");
    }

    @Test
    void aLineThatNeverEndsIsReportedInsteadOfBufferedForever() {
        inbound.feed(decoder, "x".repeat(NatsDecoder.MAX_CONTROL_LINE + 10));
        assertThat(inbound.seen).singleElement().asString().startsWith("error more than");
        assertThat(decoder.carried()).isZero();
    }

    @Test
    void buildsConnectSubscribeAndPublishCommands() {
        assertThat(protocol.greeting()).singleElement().asString()
            .startsWith("CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":false").endsWith("}\r\n");
        assertThat(protocol.subscribe("task:T-1", 99)).isEqualTo("SUB task.T-1 1\r\nPING\r\n");
        String pub = protocol.publish("bench:fanout", "{\"t\":1}");
        String payload = "{\"topic\":\"bench:fanout\",\"eventType\":\"bench.tick\",\"data\":{\"t\":1}}";
        assertThat(pub).isEqualTo("PUB bench.fanout " + payload.length() + "\r\n" + payload + "\r\n");
        assertThat(protocol.keepAlive()).isEqualTo("PING\r\n");
    }

    @Test
    void promisesOnlyWhatCoreNatsDoes() {
        assertThat(protocol.announcesDrops()).isFalse();
        assertThat(protocol.supportsSince()).isFalse();
        assertThat(protocol.acknowledgesPublishes()).isFalse();
        assertThat(Protocol.named("nats")).isInstanceOf(NatsProtocol.class);
    }

    @Test
    void theOverheadEstimateMatchesARealDeliveredMessage() {
        String delivered = "MSG bench.fanout 1 300\r\n{\"topic\":\"bench:fanout\",\"eventType\":\"bench.tick\","
            + "\"data\":{\"t\":1234567890123456,\"n\":123456,\"k\":0,\"pad\":\"\"}}\r\n";
        assertThat(protocol.eventOverhead("bench:fanout")).isEqualTo(delivered.length());
    }

    @Test
    void eachConnectionGetsItsOwnDecoder() {
        assertThat(protocol.decoder()).isNotSameAs(protocol.decoder());
    }
}
