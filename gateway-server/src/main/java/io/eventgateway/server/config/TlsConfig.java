package io.eventgateway.server.config;

import java.util.Objects;

/**
 * {@code server.tls.*}: serve {@code https} and {@code wss} on {@code server.port} instead of {@code http} and
 * {@code ws}. Both files are set, or neither; a pair with one file, an unreadable file or a key that does not
 * belong to the certificate stops the start with a one-line error.
 *
 * @param certificate {@code server.tls.certificate}, default {@link #UNSET} (TLS off): a PEM file of the server
 *     certificate, optionally followed by its intermediate certificates
 * @param privateKey {@code server.tls.private-key}, default {@link #UNSET}: the certificate's private key as an
 *     unencrypted PEM file: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC 1
 *     ({@code BEGIN EC PRIVATE KEY})
 */
public record TlsConfig(String certificate, String privateKey) {

    /** The value of a file that is not set: the empty string. */
    public static final String UNSET = "";

    /** Rejects nulls; the paths are trimmed. */
    public TlsConfig {
        certificate = Objects.requireNonNull(certificate, "server.tls.certificate must not be null").trim();
        privateKey = Objects.requireNonNull(privateKey, "server.tls.private-key must not be null").trim();
    }

    /**
     * The defaults: TLS off.
     *
     * @return neither file set
     */
    public static TlsConfig defaults() {
        return new TlsConfig(UNSET, UNSET);
    }

    /**
     * Whether TLS is asked for: at least one of the two files is set (start-up fails unless both are).
     *
     * @return true when a file is set
     */
    public boolean enabled() {
        return !certificate.isEmpty() || !privateKey.isEmpty();
    }

    /**
     * A copy with another certificate file.
     *
     * @param certificate the path, default {@link #UNSET}
     * @return the copy
     */
    public TlsConfig withCertificate(String certificate) {
        return new TlsConfig(certificate, privateKey);
    }

    /**
     * A copy with another private key file.
     *
     * @param privateKey the path, default {@link #UNSET}
     * @return the copy
     */
    public TlsConfig withPrivateKey(String privateKey) {
        return new TlsConfig(certificate, privateKey);
    }
}
