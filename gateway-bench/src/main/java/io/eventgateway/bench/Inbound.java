package io.eventgateway.bench;

/**
 * What a {@link Protocol} found in a received frame. Called on the connection's event loop; implementations
 * must not block.
 */
interface Inbound {

    /**
     * The server confirmed a subscription.
     *
     * @param headSeq the server's head when it did (-1 when the protocol has none)
     */
    void subscribed(long headSeq);

    /**
     * A bench event arrived.
     *
     * @param seq the server's sequence number (-1 when the protocol has none)
     * @param topicIndex the bench's topic index ({@code data.k})
     * @param n the event's sequence within its topic ({@code data.n}), from 0
     * @param intendedNanos when the publisher's schedule meant to send it ({@code data.t}, {@code System.nanoTime()})
     */
    void event(long seq, long topicIndex, long n, long intendedNanos);

    /**
     * The server announced events it dropped for this connection.
     *
     * @param dropped how many
     * @param firstSeq the first dropped seq
     * @param lastSeq the last dropped seq
     */
    void overflow(long dropped, long firstSeq, long lastSeq);

    /**
     * The server acknowledged a publish.
     *
     * @param seq the event's seq
     */
    void published(long seq);

    /**
     * The server answered with an error.
     *
     * @param frame the frame's text
     */
    void error(String frame);

    /**
     * The protocol must answer the frame (a heartbeat ping).
     *
     * @param frame the text frame to send back
     */
    void reply(String frame);
}
