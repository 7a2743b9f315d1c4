package io.eventgateway.server.auth;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads the files that {@code auth.*} keys name, once at start-up, with one-line errors naming the key. */
final class AuthFiles {

    private AuthFiles() {
    }

    /**
     * Reads a whole file.
     *
     * @param key the configuration key that names it, e.g. {@code auth.api-keys-file}
     * @param file the path
     * @return its bytes
     * @throws IllegalArgumentException {@code cannot read auth.api-keys-file 'keys.yml': no such file}
     */
    static byte[] read(String key, String file) {
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
}
