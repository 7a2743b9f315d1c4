package io.eventgateway.server.tls;

import io.eventgateway.server.config.TlsConfig;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.http.Http11SslContextSpec;

/**
 * Builds the server's TLS context from {@code server.tls.certificate} and {@code server.tls.private-key}, at start-up
 * and off the event loops. Every problem is one line naming the key and the file: only one of the two set, a file
 * that cannot be read, a file without a certificate or key, an encrypted key, or a key that does not belong to the
 * certificate (the JDK's TLS engine would only find that out at the first handshake, so it is checked here by
 * signing with the key and verifying with the certificate). A certificate that has expired or is not yet valid
 * only logs a warning: clients will refuse it, but the operator may be replacing it.
 */
public final class ServerTls {

    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

    private ServerTls() {
    }

    /**
     * Reads, checks and builds the context.
     *
     * @param config the TLS settings, {@link TlsConfig#enabled()}
     * @param clock checks the certificate's validity dates
     * @return the server context
     * @throws IllegalArgumentException one line saying what to fix
     */
    public static SslContext serverContext(TlsConfig config, Clock clock) {
        if (config.certificate().isEmpty() || config.privateKey().isEmpty()) {
            String set = config.certificate().isEmpty() ? "server.tls.private-key" : "server.tls.certificate";
            String unset = config.certificate().isEmpty() ? "server.tls.certificate" : "server.tls.private-key";
            throw new IllegalArgumentException(set + " is set but " + unset + " is not: TLS needs both PEM files"
                + " (or neither, for plain http)");
        }
        List<X509Certificate> chain = certificates(config.certificate(),
            read("server.tls.certificate", config.certificate()));
        String keyPem = new String(read("server.tls.private-key", config.privateKey()), StandardCharsets.US_ASCII);
        PrivateKey key;
        try {
            key = PemKeys.read(keyPem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use server.tls.private-key '" + config.privateKey() + "': "
                + e.getMessage(), e);
        }
        X509Certificate leaf = chain.get(0);
        if (!matches(key, leaf.getPublicKey())) {
            throw new IllegalArgumentException("server.tls.private-key '" + config.privateKey() + "' does not belong"
                + " to the certificate in server.tls.certificate '" + config.certificate() + "' ("
                + leaf.getSubjectX500Principal().getName() + "): give the key the certificate was issued for");
        }
        Instant now = clock.instant();
        if (now.isAfter(leaf.getNotAfter().toInstant()) || now.isBefore(leaf.getNotBefore().toInstant())) {
            LOG.warn("the TLS certificate {} is valid only from {} to {}: clients will refuse it",
                leaf.getSubjectX500Principal().getName(), leaf.getNotBefore().toInstant(),
                leaf.getNotAfter().toInstant());
        }
        try {
            return Http11SslContextSpec.forServer(key, chain).sslContext();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot use server.tls.certificate '" + config.certificate()
                + "' with its key: " + e.getMessage(), e);
        }
    }

    private static byte[] read(String key, String file) {
        Path path = Path.of(file);
        try {
            if (Files.isDirectory(path)) {
                throw new IllegalArgumentException("cannot read " + key + " '" + file + "': it is a directory");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read " + key + " '" + file + "': no such file", e);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("cannot read " + key + " '" + file + "': permission denied", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + key + " '" + file + "': " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(String file, byte[] pem) {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (PemKeys.Block block : PemKeys.blocks(new String(pem, StandardCharsets.US_ASCII))) {
                if (block.label().equals("CERTIFICATE")) {
                    for (Certificate c : factory.generateCertificates(new ByteArrayInputStream(block.der()))) {
                        chain.add((X509Certificate) c);
                    }
                }
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use server.tls.certificate '" + file + "': it is not a valid"
                + " PEM certificate (" + e.getMessage() + ")", e);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("cannot use server.tls.certificate '" + file + "': it has no"
                + " -----BEGIN CERTIFICATE----- block");
        }
        return chain;
    }

    /** Whether a private key and a public key are a pair: a signature made with one verifies with the other. */
    static boolean matches(PrivateKey key, PublicKey certificateKey) {
        if (!key.getAlgorithm().equals(certificateKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        if (algorithm == null) {
            // RSASSA-PSS and rarer kinds: the handshake will tell.
            return true;
        }
        try {
            byte[] probe = "event-gateway key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificateKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
