package io.eventgateway.client;

import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The credential a client sends when the gateway's {@code auth.mode} is not {@code none} (PROTOCOL.md section 11):
 * none, one fixed token, or a supplier asked for each request, each connection and each {@code auth_expiring}.
 * Only a supplier can give a new token, so only with one does a subscription survive an expiry (close 4003) or
 * retry after a refused upgrade (401).
 */
final class Credentials {

    /** No credential: the gateway runs with {@code auth.mode=none}. */
    static final Credentials NONE = new Credentials(null, false);

    private final @Nullable Supplier<Mono<String>> supplier;
    private final boolean refreshable;

    private Credentials(@Nullable Supplier<Mono<String>> supplier, boolean refreshable) {
        this.supplier = supplier;
        this.refreshable = refreshable;
    }

    /**
     * One fixed token.
     *
     * @param token a JWT or API key, checked by {@link #check(String)}
     * @return the credentials
     */
    static Credentials of(String token) {
        Mono<String> fixed = Mono.just(check(token));
        return new Credentials(() -> fixed, false);
    }

    /**
     * A token supplier.
     *
     * @param supplier gives a token (its Mono should cache one until it nears expiry)
     * @return the credentials
     */
    static Credentials from(Supplier<Mono<String>> supplier) {
        return new Credentials(Objects.requireNonNull(supplier, "supplier"), true);
    }

    /**
     * Checks a token: not blank, one line, no spaces.
     *
     * @param token the token
     * @return it
     * @throws IllegalArgumentException when it cannot be sent in an {@code Authorization} header
     */
    static String check(@Nullable String token) {
        if (token == null || token.isBlank() || token.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new IllegalArgumentException("a token is a non-empty string of printable ASCII without spaces"
                + " (a JWT or an API key), got " + (token == null ? "null" : token.isBlank() ? "a blank one"
                : "one with spaces or control characters"));
        }
        return token;
    }

    /**
     * Whether a token is sent at all.
     *
     * @return false for {@link #NONE}
     */
    boolean present() {
        return supplier != null;
    }

    /**
     * Whether a new token can be had (a supplier).
     *
     * @return true for {@link #from(Supplier)}
     */
    boolean refreshable() {
        return refreshable;
    }

    /**
     * The token to send now.
     *
     * @return it; empty for {@link #NONE}; an {@link ErrorCode#UNAUTHORIZED} error when the supplier gives nothing
     *     or something that is not a token, or the supplier's own error
     */
    Mono<String> token() {
        Supplier<Mono<String>> s = supplier;
        if (s == null) {
            return Mono.empty();
        }
        return Mono.defer(s)
            .switchIfEmpty(Mono.error(() -> new GatewayClientException(ErrorCode.UNAUTHORIZED,
                "the token supplier gave no token")))
            .handle((token, sink) -> {
                try {
                    sink.next(check(token));
                } catch (IllegalArgumentException e) {
                    sink.error(new GatewayClientException(ErrorCode.UNAUTHORIZED, "the token supplier gave " + e
                        .getMessage().replace("a token is", "something that is not a token (a token is")
                        + ")"));
                }
            });
    }

    /**
     * The {@code Authorization} header value.
     *
     * @param token the token
     * @return {@code Bearer <token>}
     */
    static String bearer(String token) {
        return "Bearer " + token;
    }
}
