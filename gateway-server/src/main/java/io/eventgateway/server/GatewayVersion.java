package io.eventgateway.server;

/** The version the gateway reports in {@code connected} frames and {@code /health}. */
public final class GatewayVersion {

    /** From the jar manifest when packaged, else the development version. */
    public static final String VERSION = version();

    private GatewayVersion() {
    }

    private static String version() {
        String v = GatewayVersion.class.getPackage().getImplementationVersion();
        return v == null ? "1.0.0-dev" : v;
    }
}
