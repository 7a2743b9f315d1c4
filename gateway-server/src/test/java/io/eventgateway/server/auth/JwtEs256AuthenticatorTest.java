package io.eventgateway.server.auth;

/** ES256 with a JWKS file's key, through the contract. */
class JwtEs256AuthenticatorTest extends AbstractJwksAuthenticatorTest {

    JwtEs256AuthenticatorTest() {
        super(JwtAuthenticatorTest.EC, TestTokens.ec("ec-1"));
    }
}
