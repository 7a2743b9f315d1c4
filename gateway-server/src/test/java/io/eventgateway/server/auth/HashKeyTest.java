package io.eventgateway.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashKeyTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        return HashKey.run(List.of(args), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void hashesTheKeyOnStandardInputLikeSha256sum() {
        assertThat(run("abc\n")).isZero();

        // printf %s abc | sha256sum
        assertThat(out.toString(StandardCharsets.UTF_8).trim())
            .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void generatesAKeyWhoseHashItPrintsAndThatAKeyFileAccepts() {
        assertThat(run("", "--generate")).isZero();

        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        String key = lines[0].substring("key:".length()).trim();
        String hash = lines[1].substring("sha256:".length()).trim();
        assertThat(key).matches("egw_[A-Za-z0-9_-]{43}");
        assertThat(hash).isEqualTo(HashKey.hex(key));
        Grant grant = ApiKeyAuthenticator.parse("k.yml", ("keys: [{name: n, sha256: " + hash + "}]")
            .getBytes(StandardCharsets.UTF_8)).authenticate(key);
        assertThat(grant.subject()).isEqualTo("n");
    }

    @Test
    void twoGeneratedKeysDiffer() {
        run("", "--generate");
        run("", "--generate");

        List<String> keys = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("key:")).toList();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void noKeyOrAnUnknownArgumentIsAUsageError() {
        assertThat(run("")).isEqualTo(2);
        assertThat(run("k", "--bogus")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage: scripts/gateway hash-key");
    }
}
