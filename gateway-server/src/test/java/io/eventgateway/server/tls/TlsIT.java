package io.eventgateway.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventgateway.server.GatewayServer;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.StartupException;
import io.eventgateway.server.config.GatewayConfig;
import io.eventgateway.server.config.TlsConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * {@code server.tls.*}: https and wss on one port with a certificate made in the test, a client that trusts exactly
 * that certificate (and verifies the host name), a client that does not, and every bad pair as a one-line start-up
 * error.
 */
class TlsIT extends GatewayTestSupport {

    @TempDir
    static Path dir;
    static TestCertificates rsa;
    static TestCertificates ec;
    static TestCertificates other;

    @BeforeAll
    static void certificates() {
        rsa = TestCertificates.create(dir, "rsa", "RSA");
        ec = TestCertificates.create(dir, "ec", "EC");
        other = TestCertificates.create(dir, "other", "RSA");
    }

    private void startTls(Path certificate, Path key) {
        start(config -> config.withServer(config.server().withTls(new TlsConfig(certificate.toString(),
            key.toString()))));
    }

    /** A client that trusts exactly one certificate, and checks the host name (reactor-netty's default). */
    private HttpClient trusting(Path certificate) {
        SslContext context;
        try {
            context = SslContextBuilder.forClient().trustManager(certificate.toFile()).build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
        return HttpClient.create(ConnectionProvider.newConnection()).host("127.0.0.1").port(port())
            .secure(spec -> spec.sslContext(context));
    }

    private static String get(HttpClient client, String path) {
        return client.get().uri(path)
            .responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8)
                .map(text -> response.status().code() + " " + text))
            .block(Duration.ofSeconds(30));
    }

    /** The first frame of a WebSocket, then closes it. */
    private static String firstFrame(HttpClient client) {
        return client.websocket().uri("/ws")
            .handle((in, out) -> in.receive().asString().next())
            .blockFirst(Duration.ofSeconds(30));
    }

    static Stream<Arguments> keyFormats() {
        return Stream.of(
            Arguments.of("RSA, PKCS#8", (Function<TestCertificates, Path>) TestCertificates::pkcs8, "rsa"),
            Arguments.of("RSA, PKCS#1", (Function<TestCertificates, Path>) TestCertificates::traditional, "rsa"),
            Arguments.of("EC, PKCS#8", (Function<TestCertificates, Path>) TestCertificates::pkcs8, "ec"),
            Arguments.of("EC, SEC 1", (Function<TestCertificates, Path>) TestCertificates::traditional, "ec"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyFormats")
    void httpsAndWssShareThePortForAClientThatTrustsTheCertificate(String name, Function<TestCertificates, Path> key,
                                                                 String which) {
        TestCertificates pair = which.equals("rsa") ? rsa : ec;
        startTls(pair.certificate(), key.apply(pair));
        HttpClient client = trusting(pair.certificate());

        assertThat(get(client, "/health")).startsWith("200 ").contains("\"status\":\"ok\"");
        assertThat(firstFrame(client)).contains("\"type\":\"connected\"");
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() {
        startTls(rsa.certificate(), rsa.pkcs8());
        HttpClient defaultTrust = HttpClient.create(ConnectionProvider.newConnection()).host("127.0.0.1").port(port())
            .secure();
        HttpClient trustsAnother = trusting(other.certificate());

        assertThatThrownBy(() -> get(defaultTrust, "/health")).satisfies(TlsIT::isHandshakeFailure);
        assertThatThrownBy(() -> firstFrame(trustsAnother)).satisfies(TlsIT::isHandshakeFailure);
        // The same clients with the right trust succeed: the failures are about trust, not the server.
        assertThat(get(trusting(rsa.certificate()), "/health")).startsWith("200 ");
    }

    @Test
    void plainHttpToTheTlsPortGetsNoAnswer() {
        startTls(rsa.certificate(), rsa.pkcs8());
        HttpClient plain = HttpClient.create(ConnectionProvider.newConnection()).host("127.0.0.1").port(port());

        assertThatThrownBy(() -> get(plain, "/health")).isInstanceOf(Exception.class);
    }

    private static void isHandshakeFailure(Throwable error) {
        assertThat(Stream.iterate(error, t -> t != null, Throwable::getCause))
            .as("an SSLHandshakeException in the causes of " + error)
            .anyMatch(SSLHandshakeException.class::isInstance);
        assertThat(Stream.iterate(error, t -> t != null, Throwable::getCause).map(String::valueOf))
            .anyMatch(text -> text.contains("PKIX path"));
    }

    private static void assertStartFails(TlsConfig tls, String message) {
        GatewayConfig config = TEST_CONFIG.withServer(TEST_CONFIG.server().withTls(tls));
        assertThatThrownBy(() -> GatewayServer.builder(config).build().start().block(Duration.ofSeconds(30)))
            .isInstanceOf(StartupException.class)
            .hasMessage(message)
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void onlyOneOfTheTwoFilesIsAStartUpError() {
        assertStartFails(new TlsConfig(rsa.certificate().toString(), ""), "server.tls.certificate is set but"
            + " server.tls.private-key is not: TLS needs both PEM files (or neither, for plain http)");
        assertStartFails(new TlsConfig("", rsa.pkcs8().toString()), "server.tls.private-key is set but"
            + " server.tls.certificate is not: TLS needs both PEM files (or neither, for plain http)");
    }

    @Test
    void unreadableFilesAreStartUpErrorsNamingTheKeyAndFile() throws IOException {
        Path missing = dir.resolve("missing.pem");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
        Path noKey = Files.writeString(dir.resolve("nokey.pem"), Files.readString(rsa.certificate()));

        assertStartFails(new TlsConfig(missing.toString(), rsa.pkcs8().toString()),
            "cannot read server.tls.certificate '" + missing + "': no such file");
        assertStartFails(new TlsConfig(rsa.certificate().toString(), missing.toString()),
            "cannot read server.tls.private-key '" + missing + "': no such file");
        assertStartFails(new TlsConfig(dir.toString(), rsa.pkcs8().toString()),
            "cannot read server.tls.certificate '" + dir + "': it is a directory");
        assertStartFails(new TlsConfig(garbage.toString(), rsa.pkcs8().toString()),
            "cannot use server.tls.certificate '" + garbage + "': it has no -----BEGIN CERTIFICATE----- block");
        assertStartFails(new TlsConfig(rsa.certificate().toString(), noKey.toString()),
            "cannot use server.tls.private-key '" + noKey + "': it has no PEM private key (-----BEGIN PRIVATE KEY-----,"
                + " BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsAStartUpError() {
        assertStartFails(new TlsConfig(rsa.certificate().toString(), other.pkcs8().toString()),
            "server.tls.private-key '" + other.pkcs8() + "' does not belong to the certificate in"
                + " server.tls.certificate '" + rsa.certificate() + "' (CN=localhost): give the key the certificate"
                + " was issued for");
        assertStartFails(new TlsConfig(rsa.certificate().toString(), ec.traditional().toString()),
            "server.tls.private-key '" + ec.traditional() + "' does not belong to the certificate in"
                + " server.tls.certificate '" + rsa.certificate() + "' (CN=localhost): give the key the certificate"
                + " was issued for");
    }

    @Test
    void anEncryptedKeyIsAStartUpErrorThatSaysHowToDecryptIt() throws IOException {
        Path encrypted = Files.writeString(dir.resolve("encrypted.key"),
            TestCertificates.pem("ENCRYPTED PRIVATE KEY", new byte[] {0x30, 0x00}));

        assertStartFails(new TlsConfig(rsa.certificate().toString(), encrypted.toString()),
            "cannot use server.tls.private-key '" + encrypted + "': the key is encrypted; the gateway reads"
                + " unencrypted keys only (decrypt it with: openssl pkey -in KEY -out KEY.plain, readable by the"
                + " gateway's user only)");
    }
}
