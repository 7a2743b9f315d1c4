package io.eventgateway.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HS256 through the contract, and every way a JWT can be wrong. */
class JwtAuthenticatorTest extends AbstractAuthenticatorContractTest {

    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final RSAKey RSA = TestTokens.rsa("rsa-1");
    static final ECKey EC = TestTokens.ec("ec-1");

    private final JwtAuthenticator hs = JwtAuthenticator.of(TestTokens.SECRET, null, "", "", CLOCK);
    private final JwtAuthenticator jwks = JwtAuthenticator.of(null, TestTokens.jwks(RSA, EC), "", "", CLOCK);
    private final JwtAuthenticator both = JwtAuthenticator.of(TestTokens.SECRET, TestTokens.jwks(RSA, EC), "", "",
        CLOCK);

    @Override
    protected Authenticator authenticator() {
        return hs;
    }

    @Override
    protected String aliceCredential() {
        return TestTokens.hs256(TestTokens.SECRET, alice().build());
    }

    @Override
    protected String adminCredential() {
        return TestTokens.hs256(TestTokens.SECRET, TestTokens.claims("ops", NOW.plusSeconds(600), List.of(),
            List.of()).claim("admin", true).build());
    }

    @Override
    protected String foreignCredential() {
        return TestTokens.hs256("another-secret-that-is-also-32-bytes-long!", alice().build());
    }

    static JWTClaimsSet.Builder alice() {
        return TestTokens.claims("alice", NOW.plusSeconds(600), alicePatterns(), List.of("task:*"));
    }

    private static void assertRefused(Authenticator authenticator, String token, String message) {
        assertThatThrownBy(() -> authenticator.authenticate(token))
            .isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
                assertThat(e.getMessage()).contains(message);
            });
    }

    @Test
    void theGrantExpiresAtTheTokensExp() {
        assertThat(hs.authenticate(aliceCredential()).expiresAt()).isEqualTo(NOW.plusSeconds(600));
    }

    @Test
    void rs256AndEs256TokensVerifyWithTheJwksKeys() {
        Grant rs = jwks.authenticate(TestTokens.sign(RSA, alice().build()));
        Grant es = jwks.authenticate(TestTokens.sign(EC, alice().build()));

        assertThat(rs.subject()).isEqualTo("alice");
        assertThat(es.subscribe()).hasSize(2);
        assertThat(both.authenticate(aliceCredential()).subject()).isEqualTo("alice");
        assertThat(both.authenticate(TestTokens.sign(RSA, alice().build())).subject()).isEqualTo("alice");
    }

    @Test
    void anExpiredTokenIsRefusedFromItsExpOnWithoutLeeway() {
        assertRefused(hs, TestTokens.hs256(TestTokens.SECRET, TestTokens.claims("alice", NOW, List.of(), List.of())
            .build()), "expired");
        assertRefused(hs, TestTokens.hs256(TestTokens.SECRET, TestTokens.claims("alice", NOW.minusSeconds(3600),
            List.of(), List.of()).build()), "expired");
        assertThat(hs.authenticate(TestTokens.hs256(TestTokens.SECRET, TestTokens.claims("alice", NOW.plusSeconds(1),
            List.of(), List.of()).build())).subject()).isEqualTo("alice");
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefused() {
        assertRefused(jwks, TestTokens.sign(TestTokens.rsa("rsa-1"), alice().build()), "signature does not verify");
        assertRefused(jwks, TestTokens.sign(TestTokens.ec("ec-1"), alice().build()), "signature does not verify");
        assertRefused(hs, foreignCredential(), "signature does not verify");
    }

    @Test
    void anUnsignedTokenIsRefusedByEveryConfiguration() {
        String none = TestTokens.unsigned(alice().build());

        assertRefused(hs, none, "not signed");
        assertRefused(jwks, none, "not signed");
        assertRefused(both, none, "not signed");
    }

    @Test
    void aTokenClaimingNoneInASignedLookingFormIsRefused() {
        // {"alg":"none"} with a signature part: not a JWS either.
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
            "{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        String signed = aliceCredential();
        String forged = header + signed.substring(signed.indexOf('.'));

        // nimbus refuses to parse an unsecured JWT with a signature part.
        assertRefused(both, forged, "not a JWT");
    }

    @Test
    void hs256SignedWithThePublicRsaKeyIsRefusedAlgorithmConfusion() {
        byte[] publicKeyAsSecret = RSA.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        byte[] publicDerAsSecret = publicDer(RSA);

        // Without a secret configured HS256 is not accepted at all.
        assertRefused(jwks, TestTokens.hs256(publicKeyAsSecret, alice().build()), "HS256 are not accepted");
        assertRefused(jwks, TestTokens.hs256(publicDerAsSecret, alice().build()), "HS256 are not accepted");
        // With one, an HS256 token is checked against the secret only, never against the JWKS keys.
        assertRefused(both, TestTokens.hs256(publicKeyAsSecret, alice().build()), "signature does not verify");
        assertRefused(both, TestTokens.hs256(publicDerAsSecret, alice().build()), "signature does not verify");
    }

    @Test
    void rs256IsRefusedWhenOnlyASecretIsConfiguredAndOtherAlgorithmsAlways() throws Exception {
        assertRefused(hs, TestTokens.sign(RSA, alice().build()), "RS256 are not accepted");
        SignedJWT rs512 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS512).keyID("rsa-1").build(),
            alice().build());
        rs512.sign(new RSASSASigner(RSA));
        assertRefused(jwks, rs512.serialize(), "RS512 are not accepted");
    }

    @Test
    void anEcTokenClaimingRs256IsRefused() throws Exception {
        // An ES256 signature relabelled RS256: verified with RSA keys only, so it fails.
        String es = TestTokens.sign(EC, alice().build());
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
            "{\"alg\":\"RS256\",\"kid\":\"ec-1\"}".getBytes(StandardCharsets.UTF_8));

        assertRefused(jwks, header + es.substring(es.indexOf('.')), "signature does not verify");
    }

    @Test
    void aKidThatNamesNoKeyIsRefused() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("other").build(),
            alice().build());
        jwt.sign(new RSASSASigner(RSA));

        assertRefused(jwks, jwt.serialize(), "signature does not verify");
    }

    @Test
    void aTokenWithoutKidIsTriedAgainstEveryKeyOfItsType() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), alice().build());
        jwt.sign(new RSASSASigner(RSA));

        assertThat(jwks.authenticate(jwt.serialize()).subject()).isEqualTo("alice");
    }

    @Test
    void subAndExpAreRequired() {
        assertRefused(hs, TestTokens.hs256(TestTokens.SECRET, new JWTClaimsSet.Builder()
            .expirationTime(Date.from(NOW.plusSeconds(60))).build()), "no 'sub'");
        assertRefused(hs, TestTokens.hs256(TestTokens.SECRET, new JWTClaimsSet.Builder().subject("alice").build()),
            "no 'exp'");
    }

    @Test
    void notBeforeHasSixtySecondsOfLeeway() {
        assertThat(hs.authenticate(TestTokens.hs256(TestTokens.SECRET, alice()
            .notBeforeTime(Date.from(NOW.plusSeconds(60))).build())).subject()).isEqualTo("alice");
        assertRefused(hs, TestTokens.hs256(TestTokens.SECRET, alice().notBeforeTime(Date.from(NOW.plusSeconds(61)))
            .build()), "not valid before");
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() {
        JwtAuthenticator strict = JwtAuthenticator.of(TestTokens.SECRET, null, "https://issuer.example", "gateway",
            CLOCK);
        String good = TestTokens.hs256(TestTokens.SECRET, alice().issuer("https://issuer.example")
            .audience(List.of("other", "gateway")).build());

        assertThat(strict.authenticate(good).subject()).isEqualTo("alice");
        assertRefused(strict, aliceCredential(), "issuer");
        assertRefused(strict, TestTokens.hs256(TestTokens.SECRET, alice().issuer("https://evil.example")
            .audience("gateway").build()), "issuer");
        assertRefused(strict, TestTokens.hs256(TestTokens.SECRET, alice().issuer("https://issuer.example")
            .audience("other").build()), "audience");
        // Not configured: not checked.
        assertThat(hs.authenticate(good).subject()).isEqualTo("alice");
    }

    @Test
    void patternClaimsMustBeArraysOfValidPatternsAndAdminABoolean() {
        assertRefused(hs, TestTokens.hs256(TestTokens.SECRET, alice().claim("subscribe", "task:*").build()),
            "'subscribe' claim must be an array");
        assertRefused(hs, TestTokens.hs256(TestTokens.SECRET, alice().claim("publish", List.of("ta*")).build()),
            "'ta*'");
        assertRefused(hs, TestTokens.hs256(TestTokens.SECRET, alice().claim("admin", "yes").build()), "'admin'");
        Grant none = hs.authenticate(TestTokens.hs256(TestTokens.SECRET, new JWTClaimsSet.Builder().subject("bob")
            .expirationTime(Date.from(NOW.plusSeconds(60))).build()));
        assertThat(none.subscribe()).isEmpty();
        assertThat(none.publish()).isEmpty();
        assertThat(none.admin()).isFalse();
    }

    @Test
    void shortSecretsAreRefusedAtStartUp() {
        assertThatThrownBy(() -> JwtAuthenticator.of("short", null, "", "", CLOCK))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 32");
    }

    @Test
    void aJwksWithASymmetricKeyOrWithoutUsableKeysIsRefusedAtStartUp() throws Exception {
        JWK oct = new OctetSequenceKeyGenerator(256).keyID("oct").generate();
        String withOct = "{\"keys\":[" + oct.toJSONString() + "]}";

        assertThatThrownBy(() -> JwtAuthenticator.of(null, withOct, "", "", CLOCK))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("symmetric");
        assertThatThrownBy(() -> JwtAuthenticator.of(null, "{\"keys\":[]}", "", "", CLOCK))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no RSA or EC P-256");
        assertThatThrownBy(() -> JwtAuthenticator.of(null, "not json", "", "", CLOCK))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JWKS");
    }

    @Test
    void privateKeysInTheJwksAreUsedOnlyForTheirPublicPart() {
        JwtAuthenticator fromPrivate = JwtAuthenticator.of(null, "{\"keys\":[" + RSA.toJSONString() + "]}", "", "",
            CLOCK);

        assertThat(fromPrivate.authenticate(TestTokens.sign(RSA, alice().build())).subject()).isEqualTo("alice");
    }

    @Test
    void aTokenValidNowIsRefusedLaterByAClockThatMoved() {
        String token = aliceCredential();
        JwtAuthenticator later = JwtAuthenticator.of(TestTokens.SECRET, null, "", "",
            Clock.offset(CLOCK, Duration.ofSeconds(600)));

        assertThat(hs.authenticate(token).subject()).isEqualTo("alice");
        assertRefused(later, token, "expired");
    }

    private static byte[] publicDer(RSAKey key) {
        try {
            return key.toRSAPublicKey().getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
