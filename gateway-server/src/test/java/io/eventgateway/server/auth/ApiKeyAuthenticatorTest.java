package io.eventgateway.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventgateway.server.config.AuthConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys from a YAML file, through the contract, and every way the file can be wrong. */
class ApiKeyAuthenticatorTest extends AbstractAuthenticatorContractTest {

    static final String ALICE_KEY = "egw_alice-key-0123456789abcdefghijklmnopqrstuvw";
    static final String OPS_KEY = "egw_ops-key-0123456789abcdefghijklmnopqrstuvwxyz";

    /** The key file of the contract: alice and ops, as an operator would write it. */
    static String keyFile() {
        return "keys:\n"
            + "  - name: alice\n"
            + "    sha256: " + HashKey.hex(ALICE_KEY) + "\n"
            + "    subscribe: [\"task:*\", \"stream:Stream-A\"]\n"
            + "    publish: [\"task:*\"]\n"
            + "  - name: ops\n"
            + "    description: the operators' dashboards\n"
            + "    sha256: " + HashKey.hex(OPS_KEY).toUpperCase() + "\n"
            + "    admin: true\n";
    }

    private final ApiKeyAuthenticator authenticator = ApiKeyAuthenticator.parse("keys.yml",
        keyFile().getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    @Override
    protected Authenticator authenticator() {
        return authenticator;
    }

    @Override
    protected String aliceCredential() {
        return ALICE_KEY;
    }

    @Override
    protected String adminCredential() {
        return OPS_KEY;
    }

    @Override
    protected String foreignCredential() {
        return "egw_" + "x".repeat(43);
    }

    @Test
    void aJsonFileWorksToo() {
        String json = "{\"keys\": [{\"name\": \"alice\", \"sha256\": \"" + HashKey.hex(ALICE_KEY)
            + "\", \"subscribe\": [\"task:*\"], \"publish\": []}]}";

        Grant grant = ApiKeyAuthenticator.parse("keys.json", json.getBytes(StandardCharsets.UTF_8))
            .authenticate(ALICE_KEY);

        assertThat(grant.subject()).isEqualTo("alice");
        assertThat(grant.expiresAt()).isNull();
    }

    @Test
    void theFileIsReadFromAuthApiKeysFile() throws IOException {
        Path file = Files.writeString(dir.resolve("keys.yml"), keyFile());

        Authenticator loaded = Authenticator.create(AuthConfig.defaults().withMode("api-key")
            .withApiKeysFile(file.toString()), JwtAuthenticatorTest.CLOCK);

        assertThat(loaded.authenticate(OPS_KEY).admin()).isTrue();
    }

    @Test
    void aMissingFileOrKeyIsAOneLineStartUpError() {
        assertThatThrownBy(() -> Authenticator.create(AuthConfig.defaults().withMode("api-key"),
            JwtAuthenticatorTest.CLOCK)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("needs auth.api-keys-file");
        assertThatThrownBy(() -> Authenticator.create(AuthConfig.defaults().withMode("api-key")
            .withApiKeysFile(dir.resolve("absent.yml").toString()), JwtAuthenticatorTest.CLOCK))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("cannot read auth.api-keys-file '" + dir.resolve("absent.yml") + "': no such file");
        assertThatThrownBy(() -> Authenticator.create(AuthConfig.defaults().withMode("api-key")
            .withApiKeysFile(dir.toString()), JwtAuthenticatorTest.CLOCK))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a directory");
    }

    @Test
    void everyMistakeInTheFileIsNamed() {
        String hash = HashKey.hex(ALICE_KEY);
        assertInvalid("not: [valid", "not valid YAML");
        assertInvalid("keys: []", "non-empty list 'keys'");
        assertInvalid("keys:\n  - name: a\n    sha256: " + hash + "\n    subscibe: ['*']", "unknown field 'subscibe'");
        assertInvalid("keys:\n  - sha256: " + hash, "'name' is required");
        assertInvalid("keys:\n  - name: a\n    sha256: " + ALICE_KEY, "64 hex digits");
        assertInvalid("keys:\n  - name: a\n    sha256: " + hash + "\n  - name: a\n    sha256: "
            + HashKey.hex(OPS_KEY), "'a' is used twice");
        assertInvalid("keys:\n  - name: a\n    sha256: " + hash + "\n  - name: b\n    sha256: " + hash,
            "same key hash");
        assertInvalid("keys:\n  - name: a\n    sha256: " + hash + "\n    subscribe: ['task:*:x']", "'task:*:x'");
        assertInvalid("keys:\n  - name: a\n    sha256: " + hash + "\n    publish: 'task:*'", "must be a list");
        assertInvalid("keys:\n  - name: a\n    sha256: " + hash + "\n    admin: 'yes'", "admin must be true or false");
    }

    private static void assertInvalid(String content, String message) {
        assertThatThrownBy(() -> ApiKeyAuthenticator.parse("keys.yml", content.getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("auth.api-keys-file 'keys.yml'")
            .hasMessageContaining(message)
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
