package io.eventgateway.server.tls;

import java.io.ByteArrayOutputStream;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an unencrypted PEM private key in the three forms tools write: PKCS#8 ({@code BEGIN PRIVATE KEY}, what
 * {@code openssl genpkey} and {@code keytool} export), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, older
 * {@code openssl genrsa}) and SEC 1 ({@code BEGIN EC PRIVATE KEY}, {@code openssl ecparam -genkey}). Without
 * BouncyCastle, Netty and the JDK read only PKCS#8, so the other two are wrapped into PKCS#8 here: a PKCS#1 key is
 * the inner key of an {@code rsaEncryption} PKCS#8 structure, and a SEC 1 key the inner key of an
 * {@code id-ecPublicKey} one whose parameter is the curve named in the SEC 1 structure.
 */
final class PemKeys {

    private static final Pattern BLOCK = Pattern.compile(
        "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
    /** {@code rsaEncryption} (1.2.840.113549.1.1.1) with its NULL parameter. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** {@code id-ecPublicKey} (1.2.840.10045.2.1), without the curve that follows it. */
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02,
        0x01};
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA");

    private PemKeys() {
    }

    /** One PEM block: its label and decoded bytes, and whether it has RFC 1421 headers (legacy encryption). */
    record Block(String label, byte[] der, boolean hasHeaders) {
    }

    static List<Block> blocks(String pem) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String body = m.group(2);
            boolean headers = body.contains(":");
            String base64 = headers ? body.substring(body.indexOf("\n\n") < 0 ? body.length()
                : body.indexOf("\n\n")) : body;
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(base64.trim()), headers));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("its " + m.group(1) + " block is not valid base64", e);
            }
        }
        return blocks;
    }

    /**
     * The private key of a PEM text.
     *
     * @param pem the file's text
     * @return the key
     * @throws IllegalArgumentException a reason, to follow "cannot use server.tls.private-key 'FILE': "
     */
    static PrivateKey read(String pem) {
        for (Block block : blocks(pem)) {
            switch (block.label()) {
                case "PRIVATE KEY":
                    return pkcs8(block.der());
                case "RSA PRIVATE KEY":
                    refuseEncrypted(block);
                    return pkcs8(wrap(RSA_ALGORITHM, block.der()));
                case "EC PRIVATE KEY":
                    refuseEncrypted(block);
                    return pkcs8(wrap(ecAlgorithm(block.der()), block.der()));
                case "ENCRYPTED PRIVATE KEY":
                    throw encrypted();
                default:
                    // EC PARAMETERS, a certificate pasted in the same file: not the key.
                    break;
            }
        }
        throw new IllegalArgumentException("it has no PEM private key (-----BEGIN PRIVATE KEY-----, BEGIN RSA"
            + " PRIVATE KEY or BEGIN EC PRIVATE KEY)");
    }

    private static void refuseEncrypted(Block block) {
        if (block.hasHeaders()) {
            throw encrypted();
        }
    }

    private static IllegalArgumentException encrypted() {
        return new IllegalArgumentException("the key is encrypted; the gateway reads unencrypted keys only"
            + " (decrypt it with: openssl pkey -in KEY -out KEY.plain, readable by the gateway's user only)");
    }

    private static PrivateKey pkcs8(byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
                // Try the next algorithm.
            }
        }
        throw new IllegalArgumentException("its private key is not an RSA, EC or EdDSA key the JDK can read");
    }

    /** The AlgorithmIdentifier of a SEC 1 key: id-ecPublicKey and the curve OID of its [0] parameters. */
    private static byte[] ecAlgorithm(byte[] sec1) {
        Der outer = new Der(sec1, 0);
        if (outer.tag != 0x30) {
            throw new IllegalArgumentException("its EC PRIVATE KEY is not a DER sequence");
        }
        int at = outer.contentStart;
        while (at < outer.end) {
            Der element = new Der(sec1, at);
            if (element.tag == (byte) 0xa0) {
                byte[] curve = new byte[element.end - element.contentStart];
                System.arraycopy(sec1, element.contentStart, curve, 0, curve.length);
                return sequence(concat(EC_PUBLIC_KEY_OID, curve));
            }
            at = element.end;
        }
        throw new IllegalArgumentException("its EC PRIVATE KEY does not name its curve; convert it with: openssl pkey"
            + " -in KEY -out KEY.pk8");
    }

    /** PrivateKeyInfo {version 0, algorithm, OCTET STRING key} (RFC 5208). */
    private static byte[] wrap(byte[] algorithm, byte[] key) {
        return sequence(concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, key)));
    }

    private static byte[] sequence(byte[] content) {
        return tlv(0x30, content);
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** One DER element's tag and extent (definite lengths only, as DER requires). */
    private static final class Der {
        final byte tag;
        final int contentStart;
        final int end;

        Der(byte[] der, int at) {
            if (at + 2 > der.length) {
                throw new IllegalArgumentException("its key is truncated DER");
            }
            tag = der[at];
            int first = der[at + 1] & 0xff;
            int length;
            int start;
            if (first < 0x80) {
                length = first;
                start = at + 2;
            } else {
                int bytes = first & 0x7f;
                if (bytes == 0 || bytes > 4 || at + 2 + bytes > der.length) {
                    throw new IllegalArgumentException("its key is not valid DER");
                }
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = (length << 8) | (der[at + 2 + i] & 0xff);
                }
                start = at + 2 + bytes;
            }
            if (length < 0 || start + length > der.length) {
                throw new IllegalArgumentException("its key is truncated DER");
            }
            contentStart = start;
            end = start + length;
        }
    }
}
