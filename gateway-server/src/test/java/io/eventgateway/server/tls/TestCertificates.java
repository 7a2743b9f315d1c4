package io.eventgateway.server.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates made for a test with the JDK's own {@code keytool} (no BouncyCastle, no openssl), for
 * {@code localhost} and {@code 127.0.0.1}, written as the PEM files an operator would have: the certificate, and the
 * key as PKCS#8, PKCS#1 (RSA) or SEC 1 (EC).
 *
 * @param certificate the PEM certificate
 * @param pkcs8 the key as {@code BEGIN PRIVATE KEY}
 * @param traditional the key as {@code BEGIN RSA PRIVATE KEY} or {@code BEGIN EC PRIVATE KEY} (with its curve)
 */
public record TestCertificates(Path certificate, Path pkcs8, Path traditional) {

    private static final char[] PASSWORD = "changeit".toCharArray();
    /** prime256v1 / secp256r1: 1.2.840.10045.3.1.7. */
    private static final byte[] P256_OID = {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};

    /**
     * Makes a key pair and its certificate in a directory.
     *
     * @param dir where the files go
     * @param name the files' prefix
     * @param algorithm {@code RSA} or {@code EC}
     * @return the files
     */
    public static TestCertificates create(Path dir, String name, String algorithm) {
        Path store = dir.resolve(name + ".p12");
        List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", "gw",
            "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
            "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit"));
        command.addAll(algorithm.equals("RSA") ? List.of("-keyalg", "RSA", "-keysize", "2048")
            : List.of("-keyalg", "EC", "-groupname", "secp256r1"));
        run(command);
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, PASSWORD);
            Key key = keyStore.getKey("gw", PASSWORD);
            Certificate certificate = keyStore.getCertificate("gw");
            byte[] pkcs8 = key.getEncoded();
            Path cert = Files.writeString(dir.resolve(name + ".crt"), pem("CERTIFICATE", certificate.getEncoded()));
            Path pk8 = Files.writeString(dir.resolve(name + ".key"), pem("PRIVATE KEY", pkcs8));
            // PKCS#8 = SEQUENCE {INTEGER 0, AlgorithmIdentifier, OCTET STRING inner}: inner is PKCS#1 or SEC 1.
            byte[] inner = innerKey(pkcs8);
            Path old = algorithm.equals("RSA")
                ? Files.writeString(dir.resolve(name + "-pkcs1.key"), pem("RSA PRIVATE KEY", inner))
                : Files.writeString(dir.resolve(name + "-sec1.key"), "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n"
                    + "-----END EC PARAMETERS-----\n" + pem("EC PRIVATE KEY", sec1WithCurve(inner)));
            return new TestCertificates(cert, pk8, old);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A PEM block.
     *
     * @param label e.g. {@code CERTIFICATE}
     * @param der the bytes
     * @return the text
     */
    public static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
            + "\n-----END " + label + "-----\n";
    }

    private static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + new String(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The content of the last element (the OCTET STRING) of a PKCS#8 PrivateKeyInfo. */
    private static byte[] innerKey(byte[] pkcs8) {
        int[] outer = header(pkcs8, 0);
        int at = outer[0];
        int[] version = header(pkcs8, at);
        at = version[0] + version[1];
        int[] algorithm = header(pkcs8, at);
        at = algorithm[0] + algorithm[1];
        int[] octets = header(pkcs8, at);
        return Arrays.copyOfRange(pkcs8, octets[0], octets[0] + octets[1]);
    }

    /** A SEC 1 ECPrivateKey {1, d, [0] prime256v1} from the JDK's {1, d} (which leaves the curve to PKCS#8). */
    private static byte[] sec1WithCurve(byte[] sec1) {
        int[] outer = header(sec1, 0);
        int at = outer[0];
        int[] version = header(sec1, at);
        at = version[0] + version[1];
        int[] d = header(sec1, at);
        byte[] privateKey = Arrays.copyOfRange(sec1, at, d[0] + d[1]);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.writeBytes(new byte[] {0x02, 0x01, 0x01});
        content.writeBytes(privateKey);
        content.write(0xa0);
        content.write(P256_OID.length);
        content.writeBytes(P256_OID);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.write(content.size());
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }

    /** {content start, content length} of the DER element at an offset. */
    private static int[] header(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        if (first < 0x80) {
            return new int[] {at + 2, first};
        }
        int bytes = first & 0x7f;
        int length = 0;
        for (int i = 0; i < bytes; i++) {
            length = (length << 8) | (der[at + 2 + i] & 0xff);
        }
        return new int[] {at + 2 + bytes, length};
    }
}
