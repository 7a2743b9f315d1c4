package io.eventgateway.r2dbc.sqlite;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;

/**
 * The driver's {@link Option}s and its URL parser.
 *
 * <p>Every option can also be given as a URL query parameter under the same name, e.g.
 * {@code r2dbc:sqlite:./data/gateway.db?journalMode=WAL&synchronous=FULL&busyTimeout=10s}. Besides these, the
 * standard {@link ConnectionFactoryOptions#DATABASE} (the path), {@link ConnectionFactoryOptions#LOCK_WAIT_TIMEOUT}
 * (same as {@link #BUSY_TIMEOUT}) and {@link ConnectionFactoryOptions#STATEMENT_TIMEOUT} are honoured.
 */
public final class SqliteConnectionFactoryOptions {

    /** The driver name: {@code sqlite}. */
    public static final String DRIVER = "sqlite";

    /** The path that names a private in-memory database: {@code :memory:}. */
    public static final String MEMORY = ":memory:";

    /** {@code journalMode}: PRAGMA journal_mode; default {@code WAL} for files, untouched for {@code :memory:}. */
    public static final Option<JournalMode> JOURNAL_MODE = Option.valueOf("journalMode");

    /** {@code synchronous}: PRAGMA synchronous; default {@code NORMAL} in WAL mode, else {@code FULL}. */
    public static final Option<SynchronousMode> SYNCHRONOUS = Option.valueOf("synchronous");

    /** {@code busyTimeout}: how long a statement waits for a lock before SQLITE_BUSY; default 5 s. */
    public static final Option<Duration> BUSY_TIMEOUT = Option.valueOf("busyTimeout");

    /** {@code readOnly}: open read-only (writes fail with R2dbcPermissionDeniedException); default false. */
    public static final Option<Boolean> READ_ONLY = Option.valueOf("readOnly");

    /** {@code createParentDirectories}: create missing parent directories of the file; default true. */
    public static final Option<Boolean> CREATE_PARENT_DIRECTORIES = Option.valueOf("createParentDirectories");

    /** {@code foreignKeys}: PRAGMA foreign_keys; default false, as in SQLite. */
    public static final Option<Boolean> FOREIGN_KEYS = Option.valueOf("foreignKeys");

    /** {@code transactionMode}: how {@code beginTransaction()} begins; default {@code DEFERRED}. */
    public static final Option<TransactionMode> TRANSACTION_MODE = Option.valueOf("transactionMode");

    /** {@code statementCacheSize}: prepared statements kept per connection (LRU); default 32, 0 disables. */
    public static final Option<Integer> STATEMENT_CACHE_SIZE = Option.valueOf("statementCacheSize");

    /** {@code fetchSize}: most rows read per hop to the connection thread; default 256. */
    public static final Option<Integer> FETCH_SIZE = Option.valueOf("fetchSize");

    private static final String PREFIX = "r2dbc:" + DRIVER + ":";

    private SqliteConnectionFactoryOptions() {
    }

    /**
     * Parses a SQLite R2DBC URL. Accepts the short form {@code r2dbc:sqlite:PATH[?k=v&...]} ({@code PATH} is a
     * relative or absolute file path, or {@code :memory:}), which {@code ConnectionFactoryOptions.parse} rejects
     * because it has no {@code //}, and the standard form {@code r2dbc:sqlite:///PATH?...} (PATH relative to the
     * working directory; {@code r2dbc:sqlite:////tmp/x.db} for an absolute path).
     *
     * @param url the URL
     * @return options with DRIVER {@code sqlite}, DATABASE the path, and the query parameters as options
     * @throws IllegalArgumentException if the URL is not a SQLite R2DBC URL
     */
    public static ConnectionFactoryOptions parse(String url) {
        if (url == null || !url.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a SQLite R2DBC URL: " + url + "; expected " + PREFIX
                + "PATH or " + PREFIX + MEMORY);
        }
        String rest = url.substring(PREFIX.length());
        if (rest.startsWith("//")) {
            return ConnectionFactoryOptions.parse(url);
        }
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        if (path.isBlank()) {
            throw new IllegalArgumentException("SQLite URL " + url + " has no path; use " + PREFIX
                + "./data/app.db or " + PREFIX + MEMORY);
        }
        ConnectionFactoryOptions.Builder builder = ConnectionFactoryOptions.builder()
            .option(ConnectionFactoryOptions.DRIVER, DRIVER)
            .option(ConnectionFactoryOptions.DATABASE, decode(path));
        if (q >= 0) {
            for (String pair : rest.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "true" : decode(pair.substring(eq + 1));
                builder.option(Option.valueOf(key), value);
            }
        }
        return builder.build();
    }

    private static String decode(String s) {
        // A path may contain "+"; only percent-escapes are decoded.
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
