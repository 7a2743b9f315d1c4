package io.eventgateway.server.limit;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The {@code Host} and {@code Origin} checks of PROTOCOL.md section 6.
 *
 * <p>{@code Host}: while the gateway is bound to a loopback address and {@code server.allowed-hosts} is empty,
 * only loopback names and addresses are accepted ({@code localhost}, {@code *.localhost}, {@code 127.0.0.0/8},
 * {@code ::1}), which defeats DNS rebinding: a page on {@code evil.example} that re-resolves its name to
 * 127.0.0.1 still sends {@code Host: evil.example}. {@code *} allows any host; otherwise the listed names are
 * allowed in addition to loopback ones.
 *
 * <p>{@code Origin}: with {@code ws.allowed-origins} empty, a browser page may open a WebSocket only when its
 * origin's host and port are the request's own {@code Host}; {@code *} allows any; otherwise the listed origins
 * ({@code scheme://host[:port]}) are allowed. A request without {@code Origin} is not from a browser page and is
 * allowed.
 */
public final class RequestGuard {

    private final boolean loopbackBound;
    private final List<String> allowedHosts;
    private final List<String> allowedOrigins;

    /**
     * Creates the guard.
     *
     * @param bindHost {@code server.host}
     * @param allowedHosts {@code server.allowed-hosts}
     * @param allowedOrigins {@code ws.allowed-origins}
     */
    public RequestGuard(String bindHost, List<String> allowedHosts, List<String> allowedOrigins) {
        this.loopbackBound = isLoopbackName(bindHost);
        this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        this.allowedOrigins = allowedOrigins.stream().map(RequestGuard::normalizeOrigin).toList();
    }

    /**
     * Whether a request's {@code Host} header is acceptable.
     *
     * @param hostHeader the header, or null when absent
     * @return true when allowed
     */
    public boolean hostAllowed(@Nullable String hostHeader) {
        if (hostHeader == null || allowedHosts.contains("*")) {
            return true;
        }
        String name = hostName(hostHeader);
        if (name == null) {
            return false;
        }
        if (isLoopbackName(name)) {
            return true;
        }
        if (allowedHosts.contains(name)) {
            return true;
        }
        return !loopbackBound && allowedHosts.isEmpty();
    }

    /**
     * Whether a WebSocket upgrade's {@code Origin} is acceptable.
     *
     * @param origin the {@code Origin} header, or null when absent
     * @param hostHeader the request's {@code Host} header, or null
     * @return true when allowed
     */
    public boolean originAllowed(@Nullable String origin, @Nullable String hostHeader) {
        if (origin == null || allowedOrigins.contains("*")) {
            return true;
        }
        String normalized = normalizeOrigin(origin);
        if (!allowedOrigins.isEmpty()) {
            return allowedOrigins.contains(normalized);
        }
        if (hostHeader == null) {
            return false;
        }
        try {
            URI uri = new URI(normalized);
            if (uri.getHost() == null) {
                return false;
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(uri.getScheme());
            String host = hostName(hostHeader);
            int hostPort = hostPort(hostHeader);
            return host != null && host.equals(uri.getHost().toLowerCase(Locale.ROOT).replace("[", "")
                .replace("]", "")) && port == hostPort;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static int defaultPort(@Nullable String scheme) {
        return "https".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    private static String normalizeOrigin(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }

    /** The host name of a {@code Host} header, lower case, without port or IPv6 brackets; null if malformed. */
    static @Nullable String hostName(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.isEmpty()) {
            return null;
        }
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? null : h.substring(1, end);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static int hostPort(String hostHeader) {
        String h = hostHeader.trim();
        int colon = h.lastIndexOf(':');
        int bracket = h.lastIndexOf(']');
        if (colon < 0 || colon < bracket) {
            return 80;
        }
        try {
            return Integer.parseInt(h.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Loopback by name or literal address, without any DNS lookup. */
    static boolean isLoopbackName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("localhost") || n.endsWith(".localhost")) {
            return true;
        }
        if (n.startsWith("[") && n.endsWith("]")) {
            n = n.substring(1, n.length() - 1);
        }
        if (n.equals("::1") || n.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        return isIpv4Literal(n) && n.startsWith("127.");
    }

    /** Four decimal octets of at most 255, checked by hand: no resolver call, not even for literals. */
    private static boolean isIpv4Literal(String n) {
        String[] parts = n.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3) {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (part.charAt(i) < '0' || part.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
