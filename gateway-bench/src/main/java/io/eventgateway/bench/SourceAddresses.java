package io.eventgateway.bench;

import java.net.InetSocketAddress;

/**
 * The loopback source addresses the load generator binds its connections to: {@code 127.0.0.1} first, the next
 * one after {@code perAddress} connections, or as soon as the kernel reports the current one out of ports (about
 * 28,000 per source and destination with the default {@code ip_local_port_range}, fewer with sockets in
 * TIME_WAIT). All of {@code 127.0.0.0/8} is local on Linux, so no set-up is needed.
 */
final class SourceAddresses {

    private static final int MAX_ADDRESSES = 254;

    private final int perAddress;
    private int current;
    private int usedOnCurrent;

    SourceAddresses(int perAddress) {
        if (perAddress < 1) {
            throw new IllegalArgumentException("--connections-per-source-address must be >= 1, got " + perAddress);
        }
        this.perAddress = perAddress;
    }

    /**
     * The address for the next connection (port 0: the kernel picks one).
     *
     * @return e.g. {@code 127.0.0.1:0}
     */
    synchronized InetSocketAddress next() {
        if (usedOnCurrent == perAddress) {
            advance();
        }
        usedOnCurrent++;
        return address(current);
    }

    /**
     * The kernel could not bind {@code address} (no port left): later connections use the next address.
     *
     * @param address the address that failed
     */
    synchronized void exhausted(InetSocketAddress address) {
        if (address.equals(address(current))) {
            advance();
        }
    }

    /**
     * How many source addresses have been used.
     *
     * @return at least 1
     */
    synchronized int used() {
        return current + 1;
    }

    private void advance() {
        if (current + 1 >= MAX_ADDRESSES) {
            throw new IllegalStateException("every 127.0.0.x source address is out of ports");
        }
        current++;
        usedOnCurrent = 0;
    }

    private static InetSocketAddress address(int index) {
        return new InetSocketAddress("127.0.0." + (1 + index), 0);
    }

    /** Whether a connect error means the source address has no free port left. */
    static boolean isOutOfPorts(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (t instanceof java.net.BindException
                || message != null && message.contains("Cannot assign requested address")) {
                return true;
            }
        }
        return false;
    }
}
