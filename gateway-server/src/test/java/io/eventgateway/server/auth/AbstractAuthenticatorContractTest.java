package io.eventgateway.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.topic.Topic;
import io.eventgateway.topic.TopicPattern;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link Authenticator} does: a credential it issued gives its grant; anything else is refused with
 * {@link ErrorCode#UNAUTHORIZED} and a message that does not repeat the credential.
 */
abstract class AbstractAuthenticatorContractTest {

    /**
     * The authenticator under test.
     *
     * @return it
     */
    protected abstract Authenticator authenticator();

    /**
     * A credential for subject {@code alice} that may subscribe to {@code task:*} and {@code stream:Stream-A} and
     * publish to {@code task:*}, not admin.
     *
     * @return the credential
     */
    protected abstract String aliceCredential();

    /**
     * A credential for subject {@code ops} with an admin grant and no topics.
     *
     * @return the credential
     */
    protected abstract String adminCredential();

    /**
     * A well-formed credential that this authenticator did not issue (another key or secret).
     *
     * @return the credential
     */
    protected abstract String foreignCredential();

    @Test
    void aValidCredentialGivesItsGrant() {
        Grant grant = authenticator().authenticate(aliceCredential());

        assertThat(grant.subject()).isEqualTo("alice");
        assertThat(grant.subscribe()).extracting(TopicPattern::value).containsExactly("task:*", "stream:Stream-A");
        assertThat(grant.publish()).extracting(TopicPattern::value).containsExactly("task:*");
        assertThat(grant.admin()).isFalse();
        assertThat(grant.maySubscribe(TopicPattern.parse("task:T-1"))).isTrue();
        assertThat(grant.mayPublish(Topic.parse("stream:Stream-A"))).isFalse();
    }

    @Test
    void theAdminFlagIsPartOfTheGrant() {
        Grant grant = authenticator().authenticate(adminCredential());

        assertThat(grant.subject()).isEqualTo("ops");
        assertThat(grant.admin()).isTrue();
        assertThat(grant.subscribe()).isEmpty();
        assertThat(grant.publish()).isEmpty();
    }

    @Test
    void aCredentialFromElsewhereIsRefused() {
        assertUnauthorized(foreignCredential());
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "not a token", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.", "egw_"})
    void garbageIsRefused(String credential) {
        assertUnauthorized(credential);
    }

    @Test
    void theSameCredentialGivesTheSameGrantEveryTime() {
        assertThat(authenticator().authenticate(aliceCredential()))
            .isEqualTo(authenticator().authenticate(aliceCredential()));
    }

    @Test
    void aCredentialWithOneCharacterChangedIsRefused() {
        String valid = aliceCredential();
        char last = valid.charAt(valid.length() - 2);
        assertUnauthorized(valid.substring(0, valid.length() - 2) + (last == 'A' ? 'B' : 'A')
            + valid.charAt(valid.length() - 1));
    }

    protected void assertUnauthorized(String credential) {
        assertThatThrownBy(() -> authenticator().authenticate(credential))
            .isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
                if (credential.length() > 8) {
                    assertThat(e.getMessage()).doesNotContain(credential);
                }
            });
    }

    protected static List<String> alicePatterns() {
        return List.of("task:*", "stream:Stream-A");
    }
}
