package io.eventgateway.server.metrics;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.hub.HubRecorder;
import io.eventgateway.log.LogRecorder;

/**
 * Everything the gateway reports to metrics, after reactor-netty's {@code ChannelMetricsRecorder}: the hub's and
 * the event log's recorders (gateway-core knows only those) plus what the server itself sees. Every method has a
 * no-op default, and {@link #NOOP} (used when {@code metrics.enabled=false}) records nothing. The meters behind each
 * method are named in {@link GatewayMeters}.
 *
 * <p>None of these methods is called per delivered event: connections open and close, error and overflow frames
 * are rare next to deliveries, and the hub and log report per batch.
 */
public interface GatewayMetricsRecorder extends HubRecorder, LogRecorder {

    /** Records nothing. */
    GatewayMetricsRecorder NOOP = new GatewayMetricsRecorder() {
    };

    /** Where an error was answered. */
    enum Transport {
        /** An {@code error} frame on a WebSocket. */
        WS,
        /** An HTTP error answer (REST, or a refused WebSocket upgrade). */
        HTTP;

        /**
         * The tag value.
         *
         * @return {@code ws} or {@code http}
         */
        public String tag() {
            return this == WS ? "ws" : "http";
        }
    }

    /** A WebSocket upgrade succeeded: the connection is open. Its event loop. */
    default void connectionOpened() {
    }

    /**
     * A WebSocket connection ended. Called once per connection that {@link #connectionOpened() opened}.
     *
     * @param closeCode the close code: the one the gateway sent when it closed first, else the client's, else 1006
     *     (the connection ended without a close frame)
     * @param byServer true when the gateway sent its close frame first
     */
    default void connectionClosed(int closeCode, boolean byServer) {
    }

    /** An {@code overflow} frame was handed to a socket (PROTOCOL.md section 5). Its event loop. */
    default void overflowFrame() {
    }

    /**
     * An error was answered.
     *
     * @param code the error's code
     * @param transport where
     */
    default void error(ErrorCode code, Transport transport) {
    }

    @Override
    default boolean enabled() {
        return this != NOOP;
    }
}
