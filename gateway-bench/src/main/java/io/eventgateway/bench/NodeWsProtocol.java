package io.eventgateway.bench;

import java.util.List;

/**
 * The Node {@code ws} peer ({@code gateway-bench/peers/node-ws/server.js}, the seeds' design): the gateway's frames
 * for what it has, so subscribe, publish and the {@code event} envelope are encoded and read exactly as
 * {@link GatewayProtocol} does. It differs in what it promises: no event log (no {@code since}: a resume is a new
 * live subscription, and what was missed counts as lost, which it is), no {@code published} answer, and no
 * {@code overflow}: {@code ws} buffers without bound for a client that does not read.
 */
final class NodeWsProtocol implements Protocol.BareFanout {

    private final GatewayProtocol frames = new GatewayProtocol();

    @Override
    public String name() {
        return "node-ws";
    }

    @Override
    public String path() {
        return frames.path();
    }

    @Override
    public List<String> greeting() {
        return List.of();
    }

    /** A live subscription whatever {@code since} says: the peer keeps no events to resume from. */
    @Override
    public String subscribe(String topic, long since) {
        return frames.subscribe(topic, -1);
    }

    @Override
    public String publish(String topic, String dataJson) {
        return frames.publish(topic, dataJson);
    }

    @Override
    public String keepAlive() {
        return frames.keepAlive();
    }

    /** The same envelope as the gateway's {@code event} frame, so the same size. */
    @Override
    public int eventOverhead(String topic) {
        return frames.eventOverhead(topic);
    }

    @Override
    public Protocol.Decoder decoder() {
        return frames;
    }
}
