package io.eventgateway.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code auth.*}: who may connect, subscribe and publish (PROTOCOL.md section 11). Off by default: the gateway
 * listens on loopback, where every local process is trusted. Which files a mode needs is checked when the gateway
 * starts (a one-line start-up error), because the keys arrive one at a time from the file, the environment and
 * the flags.
 *
 * @param mode {@code auth.mode}, default {@link #NONE}; {@link #API_KEY} or {@link #JWT} require credentials on
 *     every request except {@code /health} and the dashboard's static files
 * @param apiKeysFile {@code auth.api-keys-file}, default {@link #UNSET}: the YAML (or JSON) file of hashed API
 *     keys and their grants; required by {@link #API_KEY}
 * @param jwtSecret {@code auth.jwt.secret}, default {@link #UNSET}: the HS256 secret, at least 32 bytes of UTF-8;
 *     never printed ({@link #toString()} masks it)
 * @param jwtSecretFile {@code auth.jwt.secret-file}, default {@link #UNSET}: a file holding the HS256 secret
 *     (trailing line breaks ignored), so that it appears in no process list or environment
 * @param jwtJwksFile {@code auth.jwt.jwks-file}, default {@link #UNSET}: a JWKS file of RSA and EC P-256 public
 *     keys for RS256 and ES256
 * @param jwtIssuer {@code auth.jwt.issuer}, default {@link #UNSET} (not checked): the required {@code iss} claim
 * @param jwtAudience {@code auth.jwt.audience}, default {@link #UNSET} (not checked): a value the {@code aud}
 *     claim must contain
 * @param refreshWindow {@code auth.refresh-window}, default 30 s (1 s to 1 h): how long before a connection's
 *     credentials expire the gateway sends {@code auth_expiring}; at expiry it closes 4003 unless a new token came
 */
public record AuthConfig(String mode, String apiKeysFile, String jwtSecret, String jwtSecretFile, String jwtJwksFile,
                         String jwtIssuer, String jwtAudience, Duration refreshWindow) {

    /** {@code auth.mode}: no authentication; everything is allowed. */
    public static final String NONE = "none";
    /** {@code auth.mode}: API keys from {@code auth.api-keys-file}. */
    public static final String API_KEY = "api-key";
    /** {@code auth.mode}: JSON Web Tokens signed with HS256, RS256 or ES256. */
    public static final String JWT = "jwt";
    /** The accepted {@code auth.mode} values. */
    public static final List<String> MODES = List.of(NONE, API_KEY, JWT);
    /** The value of a file, secret, issuer or audience that is not set: the empty string. */
    public static final String UNSET = "";

    /** Validates every component, naming its key; the file keys are trimmed. */
    public AuthConfig {
        Objects.requireNonNull(mode, "auth.mode must not be null");
        mode = mode.trim().toLowerCase(Locale.ROOT);
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("auth.mode must be one of " + String.join(", ", MODES) + ", got '"
                + mode + "'");
        }
        apiKeysFile = Objects.requireNonNull(apiKeysFile, "auth.api-keys-file must not be null").trim();
        Objects.requireNonNull(jwtSecret, "auth.jwt.secret must not be null");
        jwtSecretFile = Objects.requireNonNull(jwtSecretFile, "auth.jwt.secret-file must not be null").trim();
        jwtJwksFile = Objects.requireNonNull(jwtJwksFile, "auth.jwt.jwks-file must not be null").trim();
        jwtIssuer = Objects.requireNonNull(jwtIssuer, "auth.jwt.issuer must not be null").trim();
        jwtAudience = Objects.requireNonNull(jwtAudience, "auth.jwt.audience must not be null").trim();
        Checks.between("auth.refresh-window", refreshWindow, Duration.ofSeconds(1), Duration.ofHours(1));
    }

    /**
     * The defaults: authentication off.
     *
     * @return mode {@link #NONE}, nothing else set, a 30 s refresh window
     */
    public static AuthConfig defaults() {
        return new AuthConfig(NONE, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, Duration.ofSeconds(30));
    }

    /**
     * Whether requests need credentials.
     *
     * @return true unless the mode is {@link #NONE}
     */
    public boolean enabled() {
        return !mode.equals(NONE);
    }

    /**
     * A copy with another mode.
     *
     * @param mode {@link #NONE} (default), {@link #API_KEY} or {@link #JWT}
     * @return the copy
     */
    public AuthConfig withMode(String mode) {
        return new AuthConfig(mode, apiKeysFile, jwtSecret, jwtSecretFile, jwtJwksFile, jwtIssuer, jwtAudience,
            refreshWindow);
    }

    /**
     * A copy with another API key file.
     *
     * @param apiKeysFile the path, default {@link #UNSET}
     * @return the copy
     */
    public AuthConfig withApiKeysFile(String apiKeysFile) {
        return new AuthConfig(mode, apiKeysFile, jwtSecret, jwtSecretFile, jwtJwksFile, jwtIssuer, jwtAudience,
            refreshWindow);
    }

    /**
     * A copy with another HS256 secret.
     *
     * @param jwtSecret the secret, default {@link #UNSET}
     * @return the copy
     */
    public AuthConfig withJwtSecret(String jwtSecret) {
        return new AuthConfig(mode, apiKeysFile, jwtSecret, jwtSecretFile, jwtJwksFile, jwtIssuer, jwtAudience,
            refreshWindow);
    }

    /**
     * A copy with another HS256 secret file.
     *
     * @param jwtSecretFile the path, default {@link #UNSET}
     * @return the copy
     */
    public AuthConfig withJwtSecretFile(String jwtSecretFile) {
        return new AuthConfig(mode, apiKeysFile, jwtSecret, jwtSecretFile, jwtJwksFile, jwtIssuer, jwtAudience,
            refreshWindow);
    }

    /**
     * A copy with another JWKS file.
     *
     * @param jwtJwksFile the path, default {@link #UNSET}
     * @return the copy
     */
    public AuthConfig withJwtJwksFile(String jwtJwksFile) {
        return new AuthConfig(mode, apiKeysFile, jwtSecret, jwtSecretFile, jwtJwksFile, jwtIssuer, jwtAudience,
            refreshWindow);
    }

    /**
     * A copy with another required issuer.
     *
     * @param jwtIssuer the {@code iss} value, default {@link #UNSET} (not checked)
     * @return the copy
     */
    public AuthConfig withJwtIssuer(String jwtIssuer) {
        return new AuthConfig(mode, apiKeysFile, jwtSecret, jwtSecretFile, jwtJwksFile, jwtIssuer, jwtAudience,
            refreshWindow);
    }

    /**
     * A copy with another required audience.
     *
     * @param jwtAudience a value {@code aud} must contain, default {@link #UNSET} (not checked)
     * @return the copy
     */
    public AuthConfig withJwtAudience(String jwtAudience) {
        return new AuthConfig(mode, apiKeysFile, jwtSecret, jwtSecretFile, jwtJwksFile, jwtIssuer, jwtAudience,
            refreshWindow);
    }

    /**
     * A copy with another refresh window.
     *
     * @param refreshWindow default 30 s
     * @return the copy
     */
    public AuthConfig withRefreshWindow(Duration refreshWindow) {
        return new AuthConfig(mode, apiKeysFile, jwtSecret, jwtSecretFile, jwtJwksFile, jwtIssuer, jwtAudience,
            refreshWindow);
    }

    /** Every component, the secret masked: a configuration may be logged, its secret never. */
    @Override
    public String toString() {
        return "AuthConfig[mode=" + mode + ", apiKeysFile=" + apiKeysFile + ", jwtSecret="
            + (jwtSecret.isEmpty() ? "" : "****") + ", jwtSecretFile=" + jwtSecretFile + ", jwtJwksFile="
            + jwtJwksFile + ", jwtIssuer=" + jwtIssuer + ", jwtAudience=" + jwtAudience + ", refreshWindow="
            + Checks.format(refreshWindow) + "]";
    }
}
