package io.eventgateway.server.auth;

import com.nimbusds.jose.jwk.JWK;
import java.util.List;

/**
 * A JWT authenticator with one key of a JWKS file, through the contract: subclasses give the key (its algorithm is
 * the key's type) and another key of the same type and {@code kid} that the file does not hold.
 */
abstract class AbstractJwksAuthenticatorTest extends AbstractAuthenticatorContractTest {

    private final JWK key;
    private final JWK foreign;
    private final JwtAuthenticator authenticator;

    AbstractJwksAuthenticatorTest(JWK key, JWK foreign) {
        this.key = key;
        this.foreign = foreign;
        this.authenticator = JwtAuthenticator.of(null, TestTokens.jwks(key), "", "", JwtAuthenticatorTest.CLOCK);
    }

    @Override
    protected Authenticator authenticator() {
        return authenticator;
    }

    @Override
    protected String aliceCredential() {
        return TestTokens.sign(key, JwtAuthenticatorTest.alice().build());
    }

    @Override
    protected String adminCredential() {
        return TestTokens.sign(key, TestTokens.claims("ops", JwtAuthenticatorTest.NOW.plusSeconds(60), List.of(),
            List.of()).claim("admin", true).build());
    }

    @Override
    protected String foreignCredential() {
        return TestTokens.sign(foreign, JwtAuthenticatorTest.alice().build());
    }
}
