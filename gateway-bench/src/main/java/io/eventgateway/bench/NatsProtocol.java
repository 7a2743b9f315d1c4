package io.eventgateway.bench;

import java.util.List;

/**
 * NATS's text protocol over nats-server's WebSocket listener ({@code websocket { port: N, no_tls: true }}), the
 * fan-out server many teams pick, as a peer in the same run (issue 5 part 3).
 *
 * <ul>
 *   <li>Greeting: {@code CONNECT {"verbose":false,"pedantic":false,"headers":false}}: no {@code +OK} per command.</li>
 *   <li>Subscribe: {@code SUB subject 1} then {@code PING}. NATS does not confirm a {@code SUB}, but it answers
 *       commands in order, so the {@code PONG} says the subscription is in place: the decoder reports it as
 *       {@link Inbound#subscribed} (head -1: NATS core has no sequence numbers).</li>
 *   <li>Publish: {@code PUB subject len} and a payload of {@code {"topic":..,"eventType":"bench.tick","data":..}},
 *       the fields an application on NATS would send beside the subject.</li>
 *   <li>Topics map to subjects by turning {@code :} into {@code .}: {@code task:T-1} is {@code task.T-1}.</li>
 * </ul>
 * Core NATS keeps nothing (no {@code since}), acknowledges nothing with {@code verbose} off, and announces no loss:
 * a client too slow for its pending limits is disconnected as a "slow consumer". Frames are read by a
 * {@link NatsDecoder} per connection, since nats-server cuts its byte stream into WebSocket frames anywhere.
 */
final class NatsProtocol implements Protocol.BareFanout {

    /** The subscription id: each bench connection subscribes exactly once. */
    static final String SID = "1";

    private static final String CONNECT = "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":false,"
        + "\"name\":\"gateway-bench\",\"lang\":\"java\",\"version\":\"1\",\"protocol\":1}\r\n";
    /** A payload whose pad is empty, with the topic put in by {@link #eventOverhead}. */
    private static final String EMPTY_PAYLOAD = "{\"topic\":\"%s\",\"eventType\":\"bench.tick\",\"data\":"
        + "{\"t\":1234567890123456,\"n\":123456,\"k\":0,\"pad\":\"\"}}";

    @Override
    public String name() {
        return "nats";
    }

    @Override
    public String path() {
        return "/";
    }

    @Override
    public List<String> greeting() {
        return List.of(CONNECT);
    }

    /** A live subscription whatever {@code since} says: core NATS keeps no messages to resume from. */
    @Override
    public String subscribe(String topic, long since) {
        return "SUB " + subject(topic) + " " + SID + "\r\nPING\r\n";
    }

    @Override
    public String publish(String topic, String dataJson) {
        String payload = "{\"topic\":\"" + topic + "\",\"eventType\":\"bench.tick\",\"data\":" + dataJson + "}";
        // The bench's payloads are ASCII: the length in chars is the length in bytes NATS expects.
        return "PUB " + subject(topic) + " " + payload.length() + "\r\n" + payload + "\r\n";
    }

    @Override
    public String keepAlive() {
        return "PING\r\n";
    }

    /** {@code MSG subject 1 len\r\n}, the payload, {@code \r\n}; {@code len} counted as three digits. */
    @Override
    public int eventOverhead(String topic) {
        int payload = String.format(EMPTY_PAYLOAD, topic).length();
        return ("MSG " + subject(topic) + " " + SID + " 300\r\n").length() + payload + 2;
    }

    @Override
    public Protocol.Decoder decoder() {
        return new NatsDecoder();
    }

    /**
     * The NATS subject of a topic.
     *
     * @param topic {@code entity:id}
     * @return {@code entity.id}
     */
    static String subject(String topic) {
        return topic.replace(':', '.');
    }
}
