package io.eventgateway.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventgateway.server.config.TlsConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PEM reading and the checks of the server context, without sockets. */
class ServerTlsTest {

    @TempDir
    static Path dir;
    static TestCertificates rsa;
    static TestCertificates ec;

    @BeforeAll
    static void certificates() {
        rsa = TestCertificates.create(dir, "rsa", "RSA");
        ec = TestCertificates.create(dir, "ec", "EC");
    }

    private static PrivateKey key(Path file) throws Exception {
        return PemKeys.read(Files.readString(file, StandardCharsets.US_ASCII));
    }

    @Test
    void theThreeKeyFormatsReadToTheSameKey() throws Exception {
        assertThat(key(rsa.traditional()).getEncoded()).isEqualTo(key(rsa.pkcs8()).getEncoded());
        assertThat(key(rsa.pkcs8()).getAlgorithm()).isEqualTo("RSA");
        assertThat(key(ec.traditional()).getAlgorithm()).isEqualTo("EC");
        // The SEC 1 file also has an EC PARAMETERS block first, as openssl ecparam -genkey writes it.
        assertThat(Files.readString(ec.traditional())).startsWith("-----BEGIN EC PARAMETERS-----");
        assertThat(ServerTls.matches(key(ec.traditional()), certificateKey(ec))).isTrue();
    }

    @Test
    void aKeyMatchesOnlyItsOwnCertificate() throws Exception {
        assertThat(ServerTls.matches(key(rsa.pkcs8()), certificateKey(rsa))).isTrue();
        assertThat(ServerTls.matches(key(ec.pkcs8()), certificateKey(rsa))).isFalse();
        assertThat(ServerTls.matches(key(rsa.pkcs8()), certificateKey(ec))).isFalse();
    }

    @Test
    void theContextOffersOnlyTls12And13() {
        SslContext context = ServerTls.serverContext(new TlsConfig(rsa.certificate().toString(),
            rsa.pkcs8().toString()), Clock.systemUTC());
        SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);

        assertThat(context.isServer()).isTrue();
        assertThat(List.of(engine.getEnabledProtocols())).isNotEmpty().isSubsetOf("TLSv1.2", "TLSv1.3");
    }

    @Test
    void legacyEncryptedPemKeysAreRefusedWithTheFix() {
        String pem = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n"
            + "-----END RSA PRIVATE KEY-----\n";

        assertThatThrownBy(() -> PemKeys.read(pem)).hasMessageContaining("the key is encrypted")
            .hasMessageContaining("openssl pkey");
    }

    @Test
    void aSec1KeyWithoutItsCurveIsRefusedWithTheFix() throws Exception {
        // The inner key of a JDK PKCS#8 EC key is SEC 1 without the curve parameters.
        byte[] pkcs8 = key(ec.pkcs8()).getEncoded();
        byte[] inner = Arrays.copyOfRange(pkcs8, pkcs8.length - 39, pkcs8.length);
        String pem = TestCertificates.pem("EC PRIVATE KEY", inner);

        assertThatThrownBy(() -> PemKeys.read(pem)).hasMessageContaining("does not name its curve");
    }

    private static PublicKey certificateKey(TestCertificates pair) throws Exception {
        try (InputStream in = Files.newInputStream(pair.certificate())) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in).getPublicKey();
        }
    }
}
