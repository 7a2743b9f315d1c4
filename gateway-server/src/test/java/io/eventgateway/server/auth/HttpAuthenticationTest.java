package io.eventgateway.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpAuthenticationTest {

    private final HttpAuthentication auth = HttpAuthentication.of(ApiKeyAuthenticator.parse("keys.yml",
        ApiKeyAuthenticatorTest.keyFile().getBytes(StandardCharsets.UTF_8)));

    private static HttpHeaders headers(String... pairs) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.add(pairs[i], pairs[i + 1]);
        }
        return headers;
    }

    @Test
    void offGivesEveryRequestTheUnrestrictedGrantWithoutReadingIt() {
        assertThat(HttpAuthentication.off().authenticate(headers("Authorization", "Basic x"), "/api/events"))
            .isSameAs(Grant.UNRESTRICTED);
        assertThat(HttpAuthentication.off().enabled()).isFalse();
        assertThat(HttpAuthentication.off().authenticator()).isNull();
    }

    @Test
    void theBearerHeaderComesFirstInAnyCase() {
        assertThat(HttpAuthentication.credential(headers("authorization", "bearer  abc "), "/?access_token=zzz"))
            .isEqualTo("abc");
        assertThat(auth.authenticate(headers("Authorization", "Bearer " + ApiKeyAuthenticatorTest.ALICE_KEY),
            "/api/events").subject()).isEqualTo("alice");
    }

    @Test
    void anotherAuthorizationSchemeIsRefused() {
        assertThatThrownBy(() -> HttpAuthentication.credential(headers("Authorization", "Basic YTpi"), "/"))
            .isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
                assertThat(e.getMessage()).contains("Bearer <token>");
            });
        assertThatThrownBy(() -> HttpAuthentication.credential(headers("Authorization", "Bearer "), "/"))
            .isInstanceOf(GatewayException.class);
    }

    @Test
    void theSubprotocolCarriesATokenNextToTheGatewaysOwn() {
        assertThat(HttpAuthentication.credential(headers("Sec-WebSocket-Protocol", "eventgateway.v1, bearer.tok.en"),
            "/ws")).isEqualTo("tok.en");
        assertThat(HttpAuthentication.credential(headers("Sec-WebSocket-Protocol", "bearer.t1",
            "Sec-WebSocket-Protocol", "eventgateway.v1"), "/ws")).isEqualTo("t1");
        assertThat(HttpAuthentication.credential(headers("Sec-WebSocket-Protocol", "eventgateway.v1"), "/ws"))
            .isNull();
    }

    @Test
    void aTokenSubprotocolWithoutTheGatewaysOwnIsABadRequest() {
        assertThatThrownBy(() -> HttpAuthentication.credential(headers("Sec-WebSocket-Protocol", "bearer.abc"), "/ws"))
            .isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
                assertThat(e.getMessage()).contains("eventgateway.v1").doesNotContain("abc");
            });
    }

    @Test
    void theAccessTokenParameterComesLast() {
        assertThat(HttpAuthentication.credential(headers(), "/ws?x=1&access_token=abc%2Ddef")).isEqualTo("abc-def");
        assertThat(HttpAuthentication.credential(headers(), "/ws?access_token=")).isNull();
        assertThat(HttpAuthentication.credential(headers(), "/ws?my_access_token_x=1")).isNull();
        assertThat(HttpAuthentication.credential(headers(), "/access_token")).isNull();
    }

    @Test
    void aMissingCredentialIsUnauthorizedWithDetailsMissing() {
        assertThatThrownBy(() -> auth.authenticate(headers(), "/api/events"))
            .isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
                assertThat(e.details()).isEqualTo(Map.of("credentials", "missing"));
            });
    }

    @Test
    void aRefusedCredentialIsUnauthorizedWithDetailsInvalid() {
        assertThatThrownBy(() -> auth.authenticate(headers(), "/api/events?access_token=wrong"))
            .isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
                assertThat(e.details()).isEqualTo(Map.of("credentials", "invalid"));
                assertThat(e.getMessage()).contains("unknown API key");
            });
    }
}
