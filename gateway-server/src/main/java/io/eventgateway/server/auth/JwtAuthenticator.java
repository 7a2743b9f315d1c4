package io.eventgateway.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.eventgateway.server.config.AuthConfig;
import io.eventgateway.topic.TopicPattern;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code auth.mode=jwt}: JSON Web Tokens verified with nimbus-jose-jwt. HS256 with {@code auth.jwt.secret} (or
 * {@code auth.jwt.secret-file}); RS256 and ES256 with the public keys of {@code auth.jwt.jwks-file}. Both may be
 * configured at once.
 *
 * <p>The algorithm decides the key, never the other way round: an HS256 token is checked only against the
 * configured secret, an RS256 token only against RSA keys, an ES256 token only against EC P-256 keys. So a token
 * signed with HS256 using an RSA public key as the secret (the classic algorithm confusion) fails, an unsigned
 * token ({@code alg: none}) and an encrypted one are refused before any check, and any other algorithm is
 * refused by name. A JWKS may not contain symmetric keys (they belong in {@code auth.jwt.secret}).
 *
 * <p>Claims: {@code sub} (required, the subject), {@code exp} (required; a token is refused from its {@code exp}
 * on, with no leeway: open connections have {@code auth.refresh-window} instead), {@code nbf} (optional, 60 s
 * leeway for clock skew), {@code iss} and {@code aud} when configured, {@code subscribe} and {@code publish}
 * (optional arrays of patterns, default none) and {@code admin} (optional boolean, default false).
 *
 * <p>Keys are read at start-up only; verifying is CPU work on the calling event loop (an HS256 check costs a few
 * microseconds, RS256 about 50). The constructor verifies once with each configured verifier so that the JCA
 * providers are loaded before the first request, off the event loops.
 */
final class JwtAuthenticator implements Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(JwtAuthenticator.class);
    /** How far in the future a token's {@code nbf} may be: the issuer's clock may run ahead of the gateway's. */
    static final Duration NOT_BEFORE_LEEWAY = Duration.ofSeconds(60);
    /** The shortest HS256 secret: 256 bits (RFC 7518 section 3.2), which nimbus enforces too. */
    static final int MIN_SECRET_BYTES = 32;
    /** The shortest RSA key accepted. */
    static final int MIN_RSA_BITS = 2048;

    private final @Nullable JWSVerifier macVerifier;
    private final List<KeyedVerifier> rsaVerifiers;
    private final List<KeyedVerifier> ecVerifiers;
    private final Set<JWSAlgorithm> accepted;
    private final String issuer;
    private final String audience;
    private final Clock clock;

    /** A public key of the JWKS with its verifier. */
    private record KeyedVerifier(@Nullable String keyId, @Nullable String algorithm, JWSVerifier verifier) {
    }

    private JwtAuthenticator(byte @Nullable [] secret, List<JWK> keys, String issuer, String audience, Clock clock) {
        this.issuer = issuer;
        this.audience = audience;
        this.clock = clock;
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        List<KeyedVerifier> rsa = new ArrayList<>();
        List<KeyedVerifier> ec = new ArrayList<>();
        try {
            if (secret != null) {
                this.macVerifier = new MACVerifier(secret);
                algorithms.add(JWSAlgorithm.HS256);
                // Loads the JCA provider now, off the event loops.
                SignedJWT probe = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().build());
                probe.sign(new MACSigner(secret));
                probe.verify(macVerifier);
            } else {
                this.macVerifier = null;
            }
            for (JWK key : keys) {
                String alg = key.getAlgorithm() == null ? null : key.getAlgorithm().getName();
                if (key.getKeyType() == KeyType.RSA) {
                    rsa.add(new KeyedVerifier(key.getKeyID(), alg, new RSASSAVerifier((RSAKey) key)));
                    algorithms.add(JWSAlgorithm.RS256);
                } else {
                    ec.add(new KeyedVerifier(key.getKeyID(), alg, new ECDSAVerifier((ECKey) key)));
                    algorithms.add(JWSAlgorithm.ES256);
                }
            }
            warmUp(rsa, JWSAlgorithm.RS256);
            warmUp(ec, JWSAlgorithm.ES256);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot use the JWT keys: " + e.getMessage(), e);
        }
        this.rsaVerifiers = List.copyOf(rsa);
        this.ecVerifiers = List.copyOf(ec);
        this.accepted = Set.copyOf(algorithms);
    }

    /** Verifies a made-up signature (it fails, as it should) so that the JCA classes load now. */
    private static void warmUp(List<KeyedVerifier> verifiers, JWSAlgorithm algorithm) {
        if (verifiers.isEmpty()) {
            return;
        }
        byte[] signature = new byte[algorithm == JWSAlgorithm.ES256 ? 64 : 256];
        Arrays.fill(signature, (byte) 1);
        try {
            verifiers.get(0).verifier().verify(new JWSHeader(algorithm), "warm-up".getBytes(StandardCharsets.US_ASCII),
                Base64URL.encode(signature));
        } catch (JOSEException | RuntimeException e) {
            // Only a warm-up: a real token is verified (or refused) the same way later.
        }
    }

    static JwtAuthenticator load(AuthConfig config, Clock clock) {
        if (!config.jwtSecret().isEmpty() && !config.jwtSecretFile().isEmpty()) {
            throw new IllegalArgumentException("set auth.jwt.secret or auth.jwt.secret-file, not both");
        }
        byte[] secret = null;
        if (!config.jwtSecret().isEmpty()) {
            secret = secret("auth.jwt.secret", config.jwtSecret());
        } else if (!config.jwtSecretFile().isEmpty()) {
            secret = secret("auth.jwt.secret-file '" + config.jwtSecretFile() + "'",
                new String(AuthFiles.read("auth.jwt.secret-file", config.jwtSecretFile()), StandardCharsets.UTF_8)
                    .replaceAll("[\r\n]+$", ""));
        }
        List<JWK> keys = config.jwtJwksFile().isEmpty() ? List.of()
            : jwks(config.jwtJwksFile(), AuthFiles.read("auth.jwt.jwks-file", config.jwtJwksFile()));
        if (secret == null && keys.isEmpty()) {
            throw new IllegalArgumentException("auth.mode=jwt needs auth.jwt.secret-file (or auth.jwt.secret) for"
                + " HS256, or auth.jwt.jwks-file for RS256 and ES256");
        }
        return new JwtAuthenticator(secret, keys, config.jwtIssuer(), config.jwtAudience(), clock);
    }

    /**
     * An authenticator for tests and embedding.
     *
     * @param secret the HS256 secret, or null
     * @param jwks the JWKS JSON, or null
     * @param issuer the required {@code iss}, or empty
     * @param audience the required {@code aud}, or empty
     * @param clock the clock
     * @return the authenticator
     */
    static JwtAuthenticator of(@Nullable String secret, @Nullable String jwks, String issuer, String audience,
                               Clock clock) {
        return new JwtAuthenticator(secret == null ? null : secret("auth.jwt.secret", secret),
            jwks == null ? List.of() : jwks("JWKS", jwks.getBytes(StandardCharsets.UTF_8)), issuer, audience, clock);
    }

    private static byte[] secret(String what, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(what + " has " + bytes.length + " bytes; an HS256 secret needs at"
                + " least " + MIN_SECRET_BYTES + " (e.g. openssl rand -base64 48)");
        }
        return bytes;
    }

    private static List<JWK> jwks(String file, byte[] content) {
        JWKSet set;
        try {
            set = JWKSet.parse(new String(content, StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new IllegalArgumentException("auth.jwt.jwks-file '" + file + "' is not a JWKS ({\"keys\": [...]}): "
                + e.getMessage(), e);
        }
        List<JWK> keys = new ArrayList<>();
        for (JWK key : set.getKeys()) {
            String name = key.getKeyID() == null ? "a key without kid" : "key '" + key.getKeyID() + "'";
            if (key.getKeyType() == KeyType.OCT) {
                throw new IllegalArgumentException("auth.jwt.jwks-file '" + file + "' has a symmetric (oct) " + name
                    + ": HS256 secrets go in auth.jwt.secret-file, a JWKS holds public keys only");
            }
            if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
                LOG.warn("auth.jwt.jwks-file: {} is not a signature key (use={}); it is ignored", name,
                    key.getKeyUse());
                continue;
            }
            if (key.getKeyType() == KeyType.RSA) {
                RSAKey rsa = key.toRSAKey().toPublicJWK();
                if (rsa.size() < MIN_RSA_BITS) {
                    throw new IllegalArgumentException("auth.jwt.jwks-file '" + file + "': " + name + " has "
                        + rsa.size() + " bits; RSA keys need at least " + MIN_RSA_BITS);
                }
                keys.add(rsa);
            } else if (key.getKeyType() == KeyType.EC && Curve.P_256.equals(((ECKey) key).getCurve())) {
                keys.add(key.toECKey().toPublicJWK());
            } else {
                LOG.warn("auth.jwt.jwks-file: {} ({} {}) is not an RSA or EC P-256 key; it is ignored", name,
                    key.getKeyType(), key instanceof ECKey ? ((ECKey) key).getCurve() : "");
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("auth.jwt.jwks-file '" + file + "' has no RSA or EC P-256 signature"
                + " key");
        }
        return keys;
    }

    @Override
    public Grant authenticate(String credential) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(credential);
        } catch (ParseException e) {
            throw Authenticator.unauthorized("the token is not a JWT: " + e.getMessage());
        }
        if (!(jwt instanceof SignedJWT)) {
            throw Authenticator.unauthorized("the token is not signed (alg none) or is encrypted; this gateway"
                + " accepts only tokens signed with " + accepted());
        }
        SignedJWT signed = (SignedJWT) jwt;
        JWSAlgorithm algorithm = signed.getHeader().getAlgorithm();
        if (!accepted.contains(algorithm)) {
            throw Authenticator.unauthorized("tokens signed with " + algorithm + " are not accepted here; this"
                + " gateway accepts " + accepted());
        }
        if (!verify(signed, algorithm)) {
            throw Authenticator.unauthorized("the token's signature does not verify with the configured "
                + (algorithm == JWSAlgorithm.HS256 ? "secret" : "keys"));
        }
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            throw Authenticator.unauthorized("the token's claims are not a JSON object: " + e.getMessage());
        }
        return grant(claims);
    }

    private boolean verify(SignedJWT jwt, JWSAlgorithm algorithm) {
        try {
            if (algorithm == JWSAlgorithm.HS256) {
                return macVerifier != null && jwt.verify(macVerifier);
            }
            String keyId = jwt.getHeader().getKeyID();
            for (KeyedVerifier candidate : algorithm == JWSAlgorithm.RS256 ? rsaVerifiers : ecVerifiers) {
                boolean keyMatches = keyId == null || keyId.equals(candidate.keyId());
                boolean algorithmMatches = candidate.algorithm() == null
                    || candidate.algorithm().equals(algorithm.getName());
                if (keyMatches && algorithmMatches && jwt.verify(candidate.verifier())) {
                    return true;
                }
            }
            return false;
        } catch (JOSEException | IllegalStateException e) {
            return false;
        }
    }

    private Grant grant(JWTClaimsSet claims) {
        String subject = claims.getSubject();
        if (subject == null || subject.isBlank()) {
            throw Authenticator.unauthorized("the token has no 'sub' claim");
        }
        Date expiration = claims.getExpirationTime();
        if (expiration == null) {
            throw Authenticator.unauthorized("the token has no 'exp' claim: tokens must expire");
        }
        Instant now = clock.instant();
        Instant expiresAt = expiration.toInstant();
        if (!now.isBefore(expiresAt)) {
            throw Authenticator.unauthorized("the token expired at " + expiresAt + "; get a new one");
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && now.plus(NOT_BEFORE_LEEWAY).isBefore(notBefore.toInstant())) {
            throw Authenticator.unauthorized("the token is not valid before " + notBefore.toInstant());
        }
        if (!issuer.isEmpty() && !issuer.equals(claims.getIssuer())) {
            throw Authenticator.unauthorized("the token's issuer is '" + claims.getIssuer() + "', not '" + issuer
                + "' (auth.jwt.issuer)");
        }
        if (!audience.isEmpty() && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            throw Authenticator.unauthorized("the token's audience " + claims.getAudience() + " does not include '"
                + audience + "' (auth.jwt.audience)");
        }
        Object admin = claims.getClaim("admin");
        if (admin != null && !(admin instanceof Boolean)) {
            throw Authenticator.unauthorized("the token's 'admin' claim must be true or false");
        }
        return new Grant(subject, patterns(claims, "subscribe"), patterns(claims, "publish"),
            Boolean.TRUE.equals(admin), expiresAt);
    }

    private static List<TopicPattern> patterns(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        List<TopicPattern> patterns = new ArrayList<>();
        if (value == null) {
            return patterns;
        }
        if (!(value instanceof List)) {
            throw Authenticator.unauthorized("the token's '" + name + "' claim must be an array of patterns");
        }
        for (Object item : (List<?>) value) {
            TopicPattern pattern = item instanceof String ? TopicPattern.tryParse((String) item) : null;
            if (pattern == null) {
                throw Authenticator.unauthorized("the token's '" + name + "' claim has '" + item + "', which is not"
                    + " a pattern (*, entity:id, entity:* or entity:prefix*)");
            }
            patterns.add(pattern);
        }
        return patterns;
    }

    private String accepted() {
        List<String> names = new ArrayList<>();
        for (JWSAlgorithm a : List.of(JWSAlgorithm.HS256, JWSAlgorithm.RS256, JWSAlgorithm.ES256)) {
            if (accepted.contains(a)) {
                names.add(a.getName());
            }
        }
        return String.join(", ", names);
    }

    @Override
    public String toString() {
        return "JwtAuthenticator[" + accepted() + (issuer.isEmpty() ? "" : ", iss=" + issuer)
            + (audience.isEmpty() ? "" : ", aud=" + audience) + ", " + rsaVerifiers.size() + " RSA and "
            + ecVerifiers.size() + " EC keys]";
    }
}
