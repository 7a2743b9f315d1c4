package io.eventgateway.server.auth;

import java.util.List;

/** ES256 with a JWKS file's key, through the contract. */
class JwtEs256AuthenticatorTest extends AbstractAuthenticatorContractTest {

    private final JwtAuthenticator authenticator = JwtAuthenticator.of(null, TestTokens.jwks(JwtAuthenticatorTest.EC),
        "", "", JwtAuthenticatorTest.CLOCK);

    @Override
    protected Authenticator authenticator() {
        return authenticator;
    }

    @Override
    protected String aliceCredential() {
        return TestTokens.sign(JwtAuthenticatorTest.EC, JwtAuthenticatorTest.alice().build());
    }

    @Override
    protected String adminCredential() {
        return TestTokens.sign(JwtAuthenticatorTest.EC, TestTokens.claims("ops",
            JwtAuthenticatorTest.NOW.plusSeconds(60), List.of(), List.of()).claim("admin", true).build());
    }

    @Override
    protected String foreignCredential() {
        return TestTokens.sign(TestTokens.ec("ec-1"), JwtAuthenticatorTest.alice().build());
    }
}
