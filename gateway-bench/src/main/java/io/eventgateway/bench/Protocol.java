package io.eventgateway.bench;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * How the load generator speaks to one kind of server over WebSocket. The scenarios know only this seam, so a
 * peer measured in the same run (a Node {@code ws} server, NATS over its WebSocket listener: issue 5 part 3) is
 * another implementation, not another load generator: {@code --protocol gateway|node-ws|nats}.
 *
 * <p>Every published event carries the same data object, whatever the protocol wraps it in:
 * {@code {"t":<intended System.nanoTime()>,"n":<sequence within its topic>,"k":<topic index>,"pad":"..."}}.
 * Subscribers follow exactly one concrete topic each, so a gap in {@code n} is a lost event. The pad is sized per
 * protocol ({@link #eventOverhead}) so that every server delivers frames of about {@code --payload-bytes}.
 *
 * <p>Received frames go through a {@link Decoder} per connection ({@link #decoder()}): a protocol whose messages
 * may span frames (NATS over WebSocket is a byte stream cut into frames anywhere) keeps the unfinished part there.
 * What the server expects back at the protocol level (the gateway's {@code pong}, NATS's {@code PONG}) is sent
 * through {@link Inbound#reply}.
 */
interface Protocol {

    /**
     * A short name for reports.
     *
     * @return e.g. {@code gateway}
     */
    String name();

    /**
     * The WebSocket path.
     *
     * @return e.g. {@code /ws}
     */
    String path();

    /**
     * Frames sent as soon as the WebSocket is open, before anything else (a NATS {@code CONNECT}).
     *
     * @return the frames, often none
     */
    List<String> greeting();

    /**
     * A subscription to one concrete topic.
     *
     * @param topic the topic
     * @param since resume after this seq (replaying what was missed), or -1 for live events only
     * @return the frame
     */
    String subscribe(String topic, long since);

    /**
     * Publishes one event.
     *
     * @param topic the topic
     * @param dataJson the bench's data object
     * @return the frame
     */
    String publish(String topic, String dataJson);

    /**
     * The frame a client that stopped reading sends now and then, so the server does not close it as idle.
     *
     * @return the frame
     */
    String keepAlive();

    /**
     * Whether the server tells a client which events it dropped (the gateway's {@code overflow}); without it,
     * every gap counts as unannounced.
     *
     * @return true when drops are announced
     */
    boolean announcesDrops();

    /**
     * Whether a subscription can resume after a seq ({@code since}).
     *
     * @return true when it can
     */
    boolean supportsSince();

    /**
     * Whether the server answers every publish (the gateway's {@code published}).
     *
     * @return true when it does
     */
    boolean acknowledgesPublishes();

    /**
     * The size of a delivered event frame whose data has an empty pad: the publisher pads the data with the rest
     * of {@code --payload-bytes}, so every server's subscribers receive frames of the same size.
     *
     * @param topic the topic published to
     * @return bytes
     */
    int eventOverhead(String topic);

    /**
     * A decoder for one new connection's received frames. A stateless protocol may answer the same one each time.
     *
     * @return the decoder
     */
    Decoder decoder();

    /**
     * The protocol named by {@code --protocol}.
     *
     * @param name the name
     * @return the protocol
     */
    static Protocol named(String name) {
        switch (name) {
            case "gateway":
                return new GatewayProtocol();
            case "gateway-batch":
                return new GatewayProtocol(true);
            case "node-ws":
                return new NodeWsProtocol();
            case "nats":
                return new NatsProtocol();
            default:
                throw new IllegalArgumentException("unknown protocol '" + name + "': known are gateway,"
                    + " gateway-batch, node-ws and nats");
        }
    }

    /** Reads the frames one connection receives, in order. Called only on that connection's event loop. */
    interface Decoder {

        /**
         * Decodes one received data frame (text, binary or continuation), calling {@code inbound} once per
         * message it completes. Called for every delivery: it must be cheap and must not allocate per event.
         *
         * @param frame the frame's content; not released by this call
         * @param inbound receives what was found
         */
        void decode(ByteBuf frame, Inbound inbound);
    }

    /**
     * A bare fan-out server, as the peers are: it keeps no events, so it cannot resume after a seq; it answers no
     * publish and announces no drop.
     */
    interface BareFanout extends Protocol {
        @Override
        default boolean announcesDrops() {
            return false;
        }

        @Override
        default boolean supportsSince() {
            return false;
        }

        @Override
        default boolean acknowledgesPublishes() {
            return false;
        }
    }
}
