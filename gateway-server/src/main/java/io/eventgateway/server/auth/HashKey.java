package io.eventgateway.server.auth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code scripts/gateway hash-key}: makes the {@code sha256} value of an {@code auth.api-keys-file} entry.
 * <ul>
 *   <li>{@code hash-key --generate}: a new key of 256 random bits ({@code egw_} and 43 base64url characters,
 *       usable in a header, a query parameter and a WebSocket subprotocol) and its hash;</li>
 *   <li>{@code hash-key}: the hash of a key read from standard input (one line; the key never appears in the
 *       process list or the shell history), the same as {@code printf %s "$KEY" | sha256sum}.</li>
 * </ul>
 */
public final class HashKey {

    /** The first argument that selects this command. */
    public static final String COMMAND = "hash-key";
    /** The prefix of generated keys, so that a leaked one is recognisable (secret scanners). */
    static final String PREFIX = "egw_";

    private HashKey() {
    }

    /**
     * Runs the command.
     *
     * @param args the arguments after {@code hash-key}
     * @param in standard input
     * @param out standard output
     * @param err standard error
     * @return the exit status: 0, or 2 for a usage error
     */
    public static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            out.println(usage());
            return 0;
        }
        if (args.equals(List.of("--generate"))) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            out.println("key:    " + key);
            out.println("sha256: " + hex(key));
            err.println("Give the key to the client (it is not stored anywhere); put the sha256 in"
                + " auth.api-keys-file.");
            return 0;
        }
        if (!args.isEmpty()) {
            err.println("error: unexpected argument '" + args.get(0) + "'\n" + usage());
            return 2;
        }
        String key;
        try {
            key = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            err.println("error: cannot read the key from standard input: " + e.getMessage());
            return 2;
        }
        if (key == null || key.isEmpty()) {
            err.println("error: no key on standard input\n" + usage());
            return 2;
        }
        out.println(hex(key));
        return 0;
    }

    /**
     * The hash an {@code auth.api-keys-file} stores for a key.
     *
     * @param key the key
     * @return SHA-256 of its UTF-8 bytes, 64 lower-case hex digits
     */
    public static String hex(String key) {
        return HexFormat.of().formatHex(ApiKeyAuthenticator.sha256(key));
    }

    private static String usage() {
        return "Usage: scripts/gateway hash-key --generate      a new API key and its sha256\n"
            + "       printf %s \"$KEY\" | scripts/gateway hash-key   the sha256 of an existing key\n"
            + "The sha256 goes in auth.api-keys-file (README, Authentication).";
    }
}
