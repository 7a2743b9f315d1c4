package io.eventgateway.server.auth;

/** RS256 with a JWKS file's key, through the contract. */
class JwtRs256AuthenticatorTest extends AbstractJwksAuthenticatorTest {

    JwtRs256AuthenticatorTest() {
        super(JwtAuthenticatorTest.RSA, TestTokens.rsa("rsa-1"));
    }
}
