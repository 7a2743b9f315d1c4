package io.eventgateway.server.config;

/**
 * A configuration problem. Its message is one line saying what is wrong and how to fix it, e.g.
 * {@code invalid value 'abc' for --ws.buffer-size: expected an integer (e.g. --ws.buffer-size=1000)}, fit to be
 * printed as is by {@code scripts/gateway} before it exits non-zero. No stack trace is captured.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one line: what is wrong, and how to fix it
     */
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
