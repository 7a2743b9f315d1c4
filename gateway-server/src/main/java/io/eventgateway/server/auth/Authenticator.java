package io.eventgateway.server.auth;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.server.config.AuthConfig;
import java.time.Clock;

/**
 * Turns a credential into a {@link Grant}, or refuses it. Implementations read their keys once, when they are
 * created at start-up, and then only compute: {@link #authenticate} runs on event loops (at an upgrade, on a REST
 * request, on an {@code auth} message) and must never block.
 */
public interface Authenticator {

    /**
     * Verifies a credential.
     *
     * @param credential the bearer token or API key, as the client sent it
     * @return what it allows
     * @throws GatewayException {@link ErrorCode#UNAUTHORIZED} with a message saying what is wrong with it (without
     *     repeating the credential)
     */
    Grant authenticate(String credential);

    /**
     * The authenticator of a configuration, reading its files now (call it at start-up, off any event loop).
     *
     * @param config the {@code auth.*} settings; {@link AuthConfig#enabled()} must be true
     * @param clock the clock that decides whether a token has expired
     * @return the authenticator of {@code auth.mode}
     * @throws IllegalArgumentException with a one-line message naming the key or file to fix
     */
    static Authenticator create(AuthConfig config, Clock clock) {
        return switch (config.mode()) {
            case AuthConfig.API_KEY -> ApiKeyAuthenticator.load(config);
            case AuthConfig.JWT -> JwtAuthenticator.load(config, clock);
            default -> throw new IllegalArgumentException("auth.mode=" + config.mode() + " has no authenticator");
        };
    }

    /**
     * The failure of a refused credential.
     *
     * @param message what is wrong
     * @return a {@link ErrorCode#UNAUTHORIZED} exception
     */
    static GatewayException unauthorized(String message) {
        return new GatewayException(ErrorCode.UNAUTHORIZED, message);
    }
}
