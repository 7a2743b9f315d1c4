package io.eventgateway.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.topic.TopicPattern;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What auth costs the gateway, per operation (PROTOCOL.md section 11): the verification of a credential, done once
 * per WebSocket upgrade, per REST request and per {@code auth} message, and the grant check of a subscribe request.
 * Nothing of auth runs per delivered event, so these are the whole cost: a fan-out of N subscribers pays N
 * verifications when they connect, and nothing while events flow.
 *
 * <p>In gateway-server's package {@code io.eventgateway.server.auth}, compiled into the bench jar, because the
 * authenticators are package-private behind {@link Authenticator#create}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AuthBenchmark {

    private static final String SECRET = "bench-secret-of-the-event-gateway-at-least-32-bytes";

    private JwtAuthenticator authenticator;
    private ApiKeyAuthenticator apiKeys;
    private String hs256;
    private String rs256;
    private String es256;
    private String apiKey;
    private Grant grant;
    private List<TopicPattern> subscribe;

    @Setup
    public void setUp() throws JOSEException {
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec").generate();
        Clock clock = Clock.systemUTC();
        authenticator = JwtAuthenticator.of(SECRET, new JWKSet(List.of(rsa, ec)).toPublicJWKSet().toString(), "", "",
            clock);
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("bench")
            .expirationTime(Date.from(Instant.now().plusSeconds(3600)))
            .claim("subscribe", List.of("task:*", "stream:Stream-*", "agent:a-1")).claim("publish", List.of("task:*"))
            .build();
        hs256 = sign(new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims), new MACSigner(
            SECRET.getBytes(StandardCharsets.UTF_8)));
        SignedJWT rs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa").build(), claims);
        rs.sign(new RSASSASigner(rsa));
        rs256 = rs.serialize();
        SignedJWT es = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec").build(), claims);
        es.sign(new ECDSASigner(ec));
        es256 = es.serialize();
        apiKey = "egw_bench-key-0123456789abcdefghijklmnopqrstuvwxy";
        StringBuilder keys = new StringBuilder("keys:\n");
        for (int i = 0; i < 100; i++) {
            keys.append("  - name: k").append(i).append("\n    sha256: ")
                .append(HashKey.hex(i == 99 ? apiKey : apiKey + i)).append("\n    subscribe: ['task:*']\n");
        }
        apiKeys = ApiKeyAuthenticator.parse("bench", keys.toString().getBytes(StandardCharsets.UTF_8));
        grant = authenticator.authenticate(hs256);
        subscribe = List.of(TopicPattern.parse("task:T-*"), TopicPattern.parse("stream:Stream-A"),
            TopicPattern.parse("agent:a-1"));
    }

    private static String sign(SignedJWT jwt, MACSigner signer) throws JOSEException {
        jwt.sign(signer);
        return jwt.serialize();
    }

    /** An HS256 token: parse, HMAC, claims. */
    @Benchmark
    public Grant verifyHs256() {
        return authenticator.authenticate(hs256);
    }

    /** An RS256 token (2048-bit key). */
    @Benchmark
    public Grant verifyRs256() {
        return authenticator.authenticate(rs256);
    }

    /** An ES256 token (P-256). */
    @Benchmark
    public Grant verifyEs256() {
        return authenticator.authenticate(es256);
    }

    /** An API key against a file of 100 keys: one SHA-256 and 100 constant-time compares. */
    @Benchmark
    public Grant verifyApiKeyOf100() {
        return apiKeys.authenticate(apiKey);
    }

    /** The grant check of a subscribe request of 3 patterns against a grant of 3 patterns. */
    @Benchmark
    public Grant checkSubscribeOf3() {
        grant.checkSubscribe(subscribe, ErrorCode.WS_FORBIDDEN);
        return grant;
    }
}
