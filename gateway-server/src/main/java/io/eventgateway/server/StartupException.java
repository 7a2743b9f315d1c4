package io.eventgateway.server;

import java.net.BindException;
import java.util.Locale;

/** A failure to start, with a one-line message that says what is wrong and how to fix it. */
public final class StartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one line: what, and how to fix it
     * @param cause the underlying failure, or null
     */
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }

    static StartupException bindFailed(String host, int port, Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = String.valueOf(root.getMessage()).toLowerCase(Locale.ROOT);
        if (root instanceof BindException || text.contains("address already in use")) {
            return new StartupException("cannot listen on " + host + ":" + port + ": the port is already in use;"
                + " stop the other process or choose another port with --server.port=N", error);
        }
        if (text.contains("cannot assign requested address")) {
            return new StartupException("cannot listen on " + host + ":" + port + ": " + host
                + " is not an address of this machine; set --server.host to one of its addresses", error);
        }
        return new StartupException("cannot listen on " + host + ":" + port + ": " + root.getMessage(), error);
    }
}
