package io.eventgateway.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** Real tokens for the tests, signed here with nimbus-jose-jwt, and the keys to sign and verify them. */
public final class TestTokens {

    /** An HS256 secret of 48 bytes. */
    public static final String SECRET = "test-secret-of-the-event-gateway-at-least-32-bytes";

    private TestTokens() {
    }

    /**
     * The claims of a token.
     *
     * @param subject {@code sub}
     * @param expiresAt {@code exp}
     * @param subscribe {@code subscribe}
     * @param publish {@code publish}
     * @return a builder, to add more claims
     */
    public static JWTClaimsSet.Builder claims(String subject, Instant expiresAt, List<String> subscribe,
                                              List<String> publish) {
        return new JWTClaimsSet.Builder().subject(subject).expirationTime(Date.from(expiresAt))
            .claim("subscribe", subscribe).claim("publish", publish);
    }

    /**
     * An HS256 token.
     *
     * @param secret the secret
     * @param claims the claims
     * @return the compact token
     */
    public static String hs256(String secret, JWTClaimsSet claims) {
        return sign(JWSAlgorithm.HS256, null, claims, signer(() -> new MACSigner(secret.getBytes(
            StandardCharsets.UTF_8))));
    }

    /**
     * An HS256 token signed with raw bytes as the secret (for the algorithm-confusion attack).
     *
     * @param secret the secret bytes
     * @param claims the claims
     * @return the compact token
     */
    public static String hs256(byte[] secret, JWTClaimsSet claims) {
        return sign(JWSAlgorithm.HS256, null, claims, signer(() -> new MACSigner(secret)));
    }

    /**
     * An RS256 or ES256 token signed with a JWK's private key, naming its kid.
     *
     * @param key the private key
     * @param claims the claims
     * @return the compact token
     */
    public static String sign(JWK key, JWTClaimsSet claims) {
        if (key instanceof RSAKey) {
            return sign(JWSAlgorithm.RS256, key.getKeyID(), claims, signer(() -> new RSASSASigner((RSAKey) key)));
        }
        return sign(JWSAlgorithm.ES256, key.getKeyID(), claims, signer(() -> new ECDSASigner((ECKey) key)));
    }

    /**
     * An unsigned token ({@code alg: none}).
     *
     * @param claims the claims
     * @return the compact token
     */
    public static String unsigned(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    /**
     * A new RSA 2048 key pair.
     *
     * @param kid its key id
     * @return the private JWK
     */
    public static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A new EC P-256 key pair.
     *
     * @param kid its key id
     * @return the private JWK
     */
    public static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The public JWKS of keys, as a file would hold it.
     *
     * @param keys the keys (their public parts are written)
     * @return the JSON
     */
    public static String jwks(JWK... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
    }

    private interface SignerFactory {
        JWSSigner create() throws JOSEException;
    }

    private static JWSSigner signer(SignerFactory factory) {
        try {
            return factory.create();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JWSAlgorithm algorithm, String kid, JWTClaimsSet claims, JWSSigner signer) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
