package io.eventgateway.server.config;

/** A configuration problem, with a one-line message saying what is wrong and how to fix it. */
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
