package io.eventgateway.server.auth;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Finds a request's credential and authenticates it (PROTOCOL.md section 11.1). A credential is taken from the
 * first of:
 * <ol>
 *   <li>{@code Authorization: Bearer <token>} (any other scheme is refused);</li>
 *   <li>on a WebSocket upgrade, the {@code Sec-WebSocket-Protocol} entry {@code bearer.<token>}, for browsers,
 *       which cannot set headers on a WebSocket: the client offers {@link #SUBPROTOCOL} beside it, and the gateway
 *       selects {@link #SUBPROTOCOL} (never echoing the token);</li>
 *   <li>the query parameter {@code access_token}, for browsers too (it may end up in proxy logs: prefer the
 *       others).</li>
 * </ol>
 * While auth is off every request gets {@link Grant#UNRESTRICTED} and nothing is read.
 */
public final class HttpAuthentication {

    /** The subprotocol the gateway selects on an upgrade that offers it. */
    public static final String SUBPROTOCOL = "eventgateway.v1";
    /** The prefix of the subprotocol entry that carries a token: {@code bearer.<token>}. */
    public static final String BEARER_SUBPROTOCOL_PREFIX = "bearer.";
    /** The query parameter that carries a token. */
    public static final String ACCESS_TOKEN_PARAMETER = "access_token";
    /** {@code details.credentials} of a 401 for a request that had none. */
    public static final String MISSING = "missing";
    /** {@code details.credentials} of a 401 for a credential that was refused. */
    public static final String INVALID = "invalid";

    private static final String BEARER = "Bearer ";
    private static final HttpAuthentication OFF = new HttpAuthentication(null);

    private final @Nullable Authenticator authenticator;

    private HttpAuthentication(@Nullable Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    /**
     * Auth off: every request is allowed everything.
     *
     * @return the instance
     */
    public static HttpAuthentication off() {
        return OFF;
    }

    /**
     * Auth on.
     *
     * @param authenticator checks the credentials
     * @return the instance
     */
    public static HttpAuthentication of(Authenticator authenticator) {
        return new HttpAuthentication(authenticator);
    }

    /**
     * Whether requests need credentials.
     *
     * @return false while auth is off
     */
    public boolean enabled() {
        return authenticator != null;
    }

    /**
     * The authenticator, for a connection's {@code auth} message.
     *
     * @return it, or null while auth is off
     */
    public @Nullable Authenticator authenticator() {
        return authenticator;
    }

    /**
     * Authenticates a request.
     *
     * @param headers its headers
     * @param uri its URI with the query
     * @return its grant; {@link Grant#UNRESTRICTED} while auth is off
     * @throws GatewayException {@link ErrorCode#UNAUTHORIZED} when the credential is missing or refused
     *     ({@code details.credentials} says which), {@link ErrorCode#BAD_REQUEST} for a token subprotocol
     *     offered without {@link #SUBPROTOCOL}
     */
    public Grant authenticate(HttpHeaders headers, String uri) {
        Authenticator a = authenticator;
        if (a == null) {
            return Grant.UNRESTRICTED;
        }
        String credential = credential(headers, uri);
        if (credential == null) {
            throw new GatewayException(ErrorCode.UNAUTHORIZED, "credentials are required: send 'Authorization:"
                + " Bearer <token>' (browsers: the query parameter access_token, or the WebSocket subprotocols "
                + SUBPROTOCOL + " and bearer.<token>)", Map.of("credentials", MISSING));
        }
        try {
            return a.authenticate(credential);
        } catch (GatewayException e) {
            throw new GatewayException(e.code(), e.getMessage(), Map.of("credentials", INVALID));
        }
    }

    /**
     * The credential of a request, without checking it.
     *
     * @param headers the headers
     * @param uri the URI with the query
     * @return the token or key, or null when the request carries none
     */
    static @Nullable String credential(HttpHeaders headers, String uri) {
        String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || authorization.substring(BEARER.length()).isBlank()) {
                throw new GatewayException(ErrorCode.UNAUTHORIZED, "the Authorization header must be 'Bearer"
                    + " <token>'", Map.of("credentials", INVALID));
            }
            return authorization.substring(BEARER.length()).trim();
        }
        List<String> protocolHeaders = headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (!protocolHeaders.isEmpty()) {
            String token = null;
            boolean offersGateway = false;
            for (String header : protocolHeaders) {
                for (String entry : header.split(",")) {
                    String protocol = entry.trim();
                    if (protocol.startsWith(BEARER_SUBPROTOCOL_PREFIX) && token == null) {
                        token = protocol.substring(BEARER_SUBPROTOCOL_PREFIX.length());
                    } else if (protocol.equals(SUBPROTOCOL)) {
                        offersGateway = true;
                    }
                }
            }
            if (token != null && !token.isEmpty()) {
                if (!offersGateway) {
                    // A browser fails an upgrade whose answer selects none of the offered subprotocols, and the
                    // gateway never echoes a token: the client must offer the gateway's own subprotocol too.
                    throw new GatewayException(ErrorCode.BAD_REQUEST, "offer the subprotocol " + SUBPROTOCOL
                        + " together with bearer.<token>, e.g. new WebSocket(url, ['" + SUBPROTOCOL
                        + "', 'bearer.' + token])");
                }
                return token;
            }
        }
        int query = uri.indexOf('?');
        if (query >= 0 && uri.indexOf(ACCESS_TOKEN_PARAMETER, query) > 0) {
            List<String> values = new QueryStringDecoder(uri).parameters().get(ACCESS_TOKEN_PARAMETER);
            if (values != null) {
                for (String value : values) {
                    if (!value.isBlank()) {
                        return value.trim();
                    }
                }
            }
        }
        return null;
    }
}
