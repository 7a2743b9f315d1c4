package io.eventgateway.server.auth;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.eventgateway.server.config.AuthConfig;
import io.eventgateway.topic.TopicPattern;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code auth.mode=api-key}: keys from {@code auth.api-keys-file}, a YAML (or JSON, which is YAML too) file that
 * stores each key only as its SHA-256 hash, with its grant:
 *
 * <pre>
 * keys:
 *   - name: orchestrator          # the subject: unique, shown in errors
 *     sha256: 9f86d081884c7d65... # 64 hex digits: SHA-256 of the key's UTF-8 bytes (scripts/gateway hash-key)
 *     subscribe: ["task:*", "stream:*"]
 *     publish: ["task:*"]
 *     admin: false                # optional, default false
 * </pre>
 *
 * <p>Why a fast hash: the keys {@code scripts/gateway hash-key} generates carry 256 random bits, so a leaked file
 * cannot be brute-forced whatever the hash, and a slow hash (bcrypt, ~50 ms) would cost that much CPU on an event
 * loop for every REST request. Keys that people choose themselves would need a slow hash; the tool never makes
 * those. The presented key's hash is compared with every stored hash in constant time, with no early exit.
 */
final class ApiKeyAuthenticator implements Authenticator {

    private static final String KEY = "auth.api-keys-file";
    private static final Set<String> FIELDS = Set.of("name", "sha256", "subscribe", "publish", "admin",
        "description");

    private final byte[][] hashes;
    private final Grant[] grants;

    private ApiKeyAuthenticator(List<byte[]> hashes, List<Grant> grants) {
        this.hashes = hashes.toArray(new byte[0][]);
        this.grants = grants.toArray(new Grant[0]);
        sha256("warm-up");
    }

    static ApiKeyAuthenticator load(AuthConfig config) {
        if (config.apiKeysFile().isEmpty()) {
            throw new IllegalArgumentException("auth.mode=api-key needs auth.api-keys-file: a YAML file of hashed"
                + " keys (README, Authentication; scripts/gateway hash-key makes one)");
        }
        return parse(config.apiKeysFile(), AuthFiles.read(KEY, config.apiKeysFile()));
    }

    /**
     * Parses the content of a key file.
     *
     * @param file its name, for messages
     * @param content its bytes
     * @return the authenticator
     * @throws IllegalArgumentException one line naming the file, the entry and the problem
     */
    static ApiKeyAuthenticator parse(String file, byte[] content) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(content);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(KEY + " '" + file + "' is not valid YAML or JSON: "
                + firstLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + KEY + " '" + file + "': " + e.getMessage(), e);
        }
        JsonNode keys = root == null ? null : root.get("keys");
        if (keys == null || !keys.isArray() || keys.isEmpty()) {
            throw new IllegalArgumentException(KEY + " '" + file + "' must have a non-empty list 'keys' of"
                + " {name, sha256, subscribe, publish, admin}");
        }
        List<byte[]> hashes = new ArrayList<>();
        List<Grant> grants = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < keys.size(); i++) {
            JsonNode entry = keys.get(i);
            String where = KEY + " '" + file + "', keys[" + i + "]";
            if (!entry.isObject()) {
                throw new IllegalArgumentException(where + " must be a map {name, sha256, subscribe, publish, admin}");
            }
            for (Map.Entry<String, JsonNode> field : entry.properties()) {
                if (!FIELDS.contains(field.getKey())) {
                    throw new IllegalArgumentException(where + " has an unknown field '" + field.getKey()
                        + "': the fields are name, sha256, subscribe, publish, admin, description");
                }
            }
            String name = text(entry, "name", where);
            if (!names.add(name)) {
                throw new IllegalArgumentException(where + ": the name '" + name + "' is used twice");
            }
            String hex = text(entry, "sha256", where).toLowerCase(Locale.ROOT);
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException(where + " ('" + name + "'): sha256 must be 64 hex digits, the"
                    + " SHA-256 of the key (scripts/gateway hash-key), not the key itself");
            }
            if (!seen.add(hex)) {
                throw new IllegalArgumentException(where + " ('" + name + "'): the same key hash is listed twice");
            }
            JsonNode admin = entry.get("admin");
            if (admin != null && !admin.isBoolean()) {
                throw new IllegalArgumentException(where + " ('" + name + "'): admin must be true or false");
            }
            hashes.add(HexFormat.of().parseHex(hex));
            grants.add(new Grant(name, patterns(entry, "subscribe", where), patterns(entry, "publish", where),
                admin != null && admin.booleanValue(), null));
        }
        return new ApiKeyAuthenticator(hashes, grants);
    }

    @Override
    public Grant authenticate(String credential) {
        byte[] hash = sha256(credential);
        Grant found = null;
        // Every stored hash is compared, in constant time each, so the time taken says nothing about which matched.
        for (int i = 0; i < hashes.length; i++) {
            if (MessageDigest.isEqual(hash, hashes[i])) {
                found = grants[i];
            }
        }
        if (found == null) {
            throw Authenticator.unauthorized("unknown API key: it is not in auth.api-keys-file");
        }
        return found;
    }

    /**
     * The hash a key file stores for a key.
     *
     * @param key the key
     * @return SHA-256 of its UTF-8 bytes
     */
    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String text(JsonNode entry, String field, String where) {
        JsonNode node = entry.get(field);
        if (node == null || !node.isTextual() || node.textValue().isBlank()) {
            throw new IllegalArgumentException(where + ": '" + field + "' is required and must be a string");
        }
        return node.textValue().trim();
    }

    private static List<TopicPattern> patterns(JsonNode entry, String field, String where) {
        JsonNode node = entry.get(field);
        List<TopicPattern> patterns = new ArrayList<>();
        if (node == null || node.isNull()) {
            return patterns;
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(where + ": '" + field + "' must be a list of patterns such as"
                + " [\"task:*\"]");
        }
        for (JsonNode item : node) {
            TopicPattern pattern = item.isTextual() ? TopicPattern.tryParse(item.textValue()) : null;
            if (pattern == null) {
                throw new IllegalArgumentException(where + ": '" + item.asText() + "' in '" + field
                    + "' is not a pattern: use *, entity:id, entity:* or entity:prefix*");
            }
            patterns.add(pattern);
        }
        return patterns;
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).trim();
    }
}
