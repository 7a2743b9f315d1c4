package io.eventgateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.server.tls.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's side of auth and TLS: one line and exit status 1 for a bad start, and {@code hash-key}. */
class MainAuthTlsTest {

    @TempDir
    static Path dir;
    static TestCertificates rsa;
    static TestCertificates other;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void certificates() {
        rsa = TestCertificates.create(dir, "rsa", "RSA");
        other = TestCertificates.create(dir, "other", "RSA");
    }

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errLines() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMismatchedTlsPairExits1WithOneLine() {
        int status = run("--server.port=0", "--store.url=memory:", "--server.tls.certificate=" + rsa.certificate(),
            "--server.tls.private-key=" + other.pkcs8());

        assertThat(status).isEqualTo(1);
        assertThat(errLines().lines()).hasSize(1);
        assertThat(errLines()).startsWith("error: server.tls.private-key '" + other.pkcs8() + "' does not belong");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("ready");
    }

    @Test
    void onlyTheCertificateExits1WithOneLine() {
        int status = run("--server.port=0", "--store.url=memory:", "--server.tls.certificate=" + rsa.certificate());

        assertThat(status).isEqualTo(1);
        assertThat(errLines()).isEqualTo("error: server.tls.certificate is set but server.tls.private-key is not:"
            + " TLS needs both PEM files (or neither, for plain http)" + System.lineSeparator());
    }

    @Test
    void anUnreadableKeyFileExits1WithOneLine() {
        int status = run("--server.port=0", "--store.url=memory:", "--server.tls.certificate=" + rsa.certificate(),
            "--server.tls.private-key=" + dir.resolve("absent.key"));

        assertThat(status).isEqualTo(1);
        assertThat(errLines()).isEqualTo("error: cannot read server.tls.private-key '" + dir.resolve("absent.key")
            + "': no such file" + System.lineSeparator());
    }

    @Test
    void jwtModeWithoutKeysExits1WithOneLine() {
        int status = run("--server.port=0", "--store.url=memory:", "--auth.mode=jwt");

        assertThat(status).isEqualTo(1);
        assertThat(errLines().lines()).hasSize(1);
        assertThat(errLines()).startsWith("error: auth.mode=jwt needs auth.jwt.secret-file");
    }

    @Test
    void anUnknownAuthModeIsAConfigurationError() {
        assertThat(run("--auth.mode=oauth")).isEqualTo(2);
        assertThat(errLines()).contains("auth.mode must be one of none, api-key, jwt");
    }

    @Test
    void hashKeyRunsInsteadOfTheGateway() {
        assertThat(run("hash-key", "--generate")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("key:    egw_").contains("sha256: ");
    }
}
