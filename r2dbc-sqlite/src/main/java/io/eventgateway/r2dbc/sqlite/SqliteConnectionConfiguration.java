package io.eventgateway.r2dbc.sqlite;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of a {@link SqliteConnectionFactory}, validated when built.
 *
 * <p>Build one with {@link #builder()} or read one from R2DBC options with {@link #from(ConnectionFactoryOptions)}.
 */
public final class SqliteConnectionConfiguration {

    /** Default {@link Builder#busyTimeout(Duration)}: 5 seconds. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);

    /** Default {@link Builder#statementCacheSize(int)}: 32. */
    public static final int DEFAULT_STATEMENT_CACHE_SIZE = 32;

    /** Default {@link Builder#fetchSize(int)}: 256 rows. */
    public static final int DEFAULT_FETCH_SIZE = 256;

    /** {@link Builder#statementTimeout(Duration)} sentinel: no timeout. */
    public static final Duration NO_TIMEOUT = Duration.ZERO;

    private final String path;

    private final @Nullable JournalMode journalMode;

    private final @Nullable SynchronousMode synchronous;

    private final Duration busyTimeout;

    private final boolean readOnly;

    private final boolean createParentDirectories;

    private final boolean foreignKeys;

    private final TransactionMode transactionMode;

    private final int statementCacheSize;

    private final int fetchSize;

    private final Duration statementTimeout;

    private SqliteConnectionConfiguration(Builder b) {
        this.path = Objects.requireNonNull(b.path, "path must not be null; use \":memory:\" or a file path");
        if (this.path.isBlank()) {
            throw new IllegalArgumentException("path must not be blank; use \":memory:\" or a file path");
        }
        this.journalMode = b.journalMode;
        this.synchronous = b.synchronous;
        this.busyTimeout = requireNonNegative(b.busyTimeout, "busyTimeout");
        this.readOnly = b.readOnly;
        this.createParentDirectories = b.createParentDirectories;
        this.foreignKeys = b.foreignKeys;
        this.transactionMode = Objects.requireNonNull(b.transactionMode, "transactionMode must not be null");
        if (b.statementCacheSize < 0) {
            throw new IllegalArgumentException("statementCacheSize must be >= 0, was " + b.statementCacheSize);
        }
        this.statementCacheSize = b.statementCacheSize;
        if (b.fetchSize < 1) {
            throw new IllegalArgumentException("fetchSize must be >= 1, was " + b.fetchSize);
        }
        this.fetchSize = b.fetchSize;
        this.statementTimeout = requireNonNegative(b.statementTimeout, "statementTimeout");
    }

    private static Duration requireNonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name + " must not be null");
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + d);
        }
        return d;
    }

    /**
     * A builder. Defaults: WAL journal for files, synchronous NORMAL in WAL (else FULL), busy timeout 5 s,
     * read-write, parent directories created, foreign keys off, DEFERRED transactions, 32 cached statements,
     * fetch size 256, no statement timeout.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the driver options (see {@link SqliteConnectionFactoryOptions}); values may be typed or strings.
     *
     * @param options the options; DATABASE is the path
     * @return the configuration
     * @throws IllegalArgumentException if DATABASE is missing or a value is invalid
     */
    public static SqliteConnectionConfiguration from(ConnectionFactoryOptions options) {
        Object database = options.getValue(ConnectionFactoryOptions.DATABASE);
        if (database == null) {
            throw new IllegalArgumentException("the SQLite database path (option database) is missing; use "
                + "r2dbc:sqlite:./data/app.db or r2dbc:sqlite::memory:");
        }
        Builder b = builder().path(database.toString());
        Object v = options.getValue(SqliteConnectionFactoryOptions.JOURNAL_MODE);
        if (v != null) {
            b.journalMode(JournalMode.from(v));
        }
        v = options.getValue(SqliteConnectionFactoryOptions.SYNCHRONOUS);
        if (v != null) {
            b.synchronous(SynchronousMode.from(v));
        }
        v = options.getValue(ConnectionFactoryOptions.LOCK_WAIT_TIMEOUT);
        if (v != null) {
            b.busyTimeout(duration(v, ConnectionFactoryOptions.LOCK_WAIT_TIMEOUT));
        }
        v = options.getValue(SqliteConnectionFactoryOptions.BUSY_TIMEOUT);
        if (v != null) {
            b.busyTimeout(duration(v, SqliteConnectionFactoryOptions.BUSY_TIMEOUT));
        }
        v = options.getValue(ConnectionFactoryOptions.STATEMENT_TIMEOUT);
        if (v != null) {
            b.statementTimeout(duration(v, ConnectionFactoryOptions.STATEMENT_TIMEOUT));
        }
        v = options.getValue(SqliteConnectionFactoryOptions.READ_ONLY);
        if (v != null) {
            b.readOnly(bool(v));
        }
        v = options.getValue(SqliteConnectionFactoryOptions.CREATE_PARENT_DIRECTORIES);
        if (v != null) {
            b.createParentDirectories(bool(v));
        }
        v = options.getValue(SqliteConnectionFactoryOptions.FOREIGN_KEYS);
        if (v != null) {
            b.foreignKeys(bool(v));
        }
        v = options.getValue(SqliteConnectionFactoryOptions.TRANSACTION_MODE);
        if (v != null) {
            b.transactionMode(TransactionMode.from(v));
        }
        v = options.getValue(SqliteConnectionFactoryOptions.STATEMENT_CACHE_SIZE);
        if (v != null) {
            b.statementCacheSize(integer(v, SqliteConnectionFactoryOptions.STATEMENT_CACHE_SIZE));
        }
        v = options.getValue(SqliteConnectionFactoryOptions.FETCH_SIZE);
        if (v != null) {
            b.fetchSize(integer(v, SqliteConnectionFactoryOptions.FETCH_SIZE));
        }
        return b.build();
    }

    private static boolean bool(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException("not a boolean: " + v);
        };
    }

    private static int integer(Object v, Option<?> option) {
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option.name() + " must be an integer, was " + v, e);
        }
    }

    /**
     * Reads a duration: a {@link Duration}, a number of milliseconds, ISO-8601 ({@code PT5S}) or a short form
     * ({@code 500ms}, {@code 5s}, {@code 2m}).
     */
    static Duration duration(Object v, Option<?> option) {
        if (v instanceof Duration d) {
            return d;
        }
        if (v instanceof Number n) {
            return Duration.ofMillis(n.longValue());
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("p")) {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
            }
            if (s.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1).trim()));
            }
            if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1).trim()));
            }
            return Duration.ofMillis(Long.parseLong(s));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(option.name() + " must be a duration such as 500ms, 5s or PT5S, was "
                + v, e);
        }
    }

    /**
     * The database path, or {@code :memory:}.
     *
     * @return the path
     */
    public String path() {
        return this.path;
    }

    /**
     * Whether this is an in-memory database.
     *
     * @return {@code true} for {@code :memory:}
     */
    public boolean isMemory() {
        return SqliteConnectionFactoryOptions.MEMORY.equals(this.path);
    }

    /**
     * The journal mode to set: the configured one, else WAL for files and none for memory.
     *
     * @return the mode, or {@code null} to leave SQLite's default
     */
    public @Nullable JournalMode journalMode() {
        if (this.journalMode != null) {
            return this.journalMode;
        }
        return isMemory() ? null : JournalMode.WAL;
    }

    /**
     * The synchronous level: the configured one, else NORMAL in WAL mode and FULL otherwise.
     *
     * @return the level
     */
    public SynchronousMode synchronous() {
        if (this.synchronous != null) {
            return this.synchronous;
        }
        return journalMode() == JournalMode.WAL ? SynchronousMode.NORMAL : SynchronousMode.FULL;
    }

    /**
     * How long to wait for a lock.
     *
     * @return the busy timeout (default 5 s)
     */
    public Duration busyTimeout() {
        return this.busyTimeout;
    }

    /**
     * Whether the database is opened read-only.
     *
     * @return read-only (default false)
     */
    public boolean readOnly() {
        return this.readOnly;
    }

    /**
     * Whether missing parent directories are created.
     *
     * @return default true
     */
    public boolean createParentDirectories() {
        return this.createParentDirectories;
    }

    /**
     * Whether foreign keys are enforced.
     *
     * @return default false
     */
    public boolean foreignKeys() {
        return this.foreignKeys;
    }

    /**
     * How {@code beginTransaction()} begins.
     *
     * @return default DEFERRED
     */
    public TransactionMode transactionMode() {
        return this.transactionMode;
    }

    /**
     * Prepared statements cached per connection.
     *
     * @return default 32; 0 disables the cache
     */
    public int statementCacheSize() {
        return this.statementCacheSize;
    }

    /**
     * Most rows read per hop to the connection thread.
     *
     * @return default 256
     */
    public int fetchSize() {
        return this.fetchSize;
    }

    /**
     * The initial statement timeout of each connection.
     *
     * @return default {@link #NO_TIMEOUT}
     */
    public Duration statementTimeout() {
        return this.statementTimeout;
    }

    @Override
    public String toString() {
        return "SqliteConnectionConfiguration{path=" + this.path + ", journalMode=" + journalMode()
            + ", synchronous=" + synchronous() + ", busyTimeout=" + this.busyTimeout + ", readOnly=" + this.readOnly
            + ", transactionMode=" + this.transactionMode + "}";
    }

    /**
     * Builder of {@link SqliteConnectionConfiguration}; see {@link SqliteConnectionConfiguration#builder()} for the
     * defaults.
     */
    public static final class Builder {

        private @Nullable String path;
        private @Nullable JournalMode journalMode;
        private @Nullable SynchronousMode synchronous;
        private Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;
        private boolean readOnly;
        private boolean createParentDirectories = true;
        private boolean foreignKeys;
        private TransactionMode transactionMode = TransactionMode.DEFERRED;
        private int statementCacheSize = DEFAULT_STATEMENT_CACHE_SIZE;
        private int fetchSize = DEFAULT_FETCH_SIZE;
        private Duration statementTimeout = NO_TIMEOUT;

        private Builder() {
        }

        /**
         * The database file (relative to the working directory or absolute), or {@code :memory:}. Required.
         *
         * @param path the path
         * @return this builder
         */
        public Builder path(String path) {
            this.path = path;
            return this;
        }

        /**
         * PRAGMA journal_mode; default WAL for files.
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder journalMode(JournalMode mode) {
            this.journalMode = mode;
            return this;
        }

        /**
         * PRAGMA synchronous; default NORMAL in WAL mode, else FULL.
         *
         * @param mode the level
         * @return this builder
         */
        public Builder synchronous(SynchronousMode mode) {
            this.synchronous = mode;
            return this;
        }

        /**
         * Lock wait (PRAGMA busy_timeout); default 5 s.
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder busyTimeout(Duration timeout) {
            this.busyTimeout = timeout;
            return this;
        }

        /**
         * Open read-only; default false.
         *
         * @param readOnly whether read-only
         * @return this builder
         */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /**
         * Create missing parent directories; default true.
         *
         * @param create whether to create them
         * @return this builder
         */
        public Builder createParentDirectories(boolean create) {
            this.createParentDirectories = create;
            return this;
        }

        /**
         * PRAGMA foreign_keys; default false.
         *
         * @param enforce whether to enforce foreign keys
         * @return this builder
         */
        public Builder foreignKeys(boolean enforce) {
            this.foreignKeys = enforce;
            return this;
        }

        /**
         * How {@code beginTransaction()} begins; default DEFERRED. A single writer should use IMMEDIATE.
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder transactionMode(TransactionMode mode) {
            this.transactionMode = mode;
            return this;
        }

        /**
         * Prepared statements cached per connection; default 32, 0 disables.
         *
         * @param size the cache size
         * @return this builder
         */
        public Builder statementCacheSize(int size) {
            this.statementCacheSize = size;
            return this;
        }

        /**
         * Most rows read per hop to the connection thread; default 256.
         *
         * @param rows the chunk size
         * @return this builder
         */
        public Builder fetchSize(int rows) {
            this.fetchSize = rows;
            return this;
        }

        /**
         * Initial statement timeout of each connection; default {@link #NO_TIMEOUT}.
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder statementTimeout(Duration timeout) {
            this.statementTimeout = timeout;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the configuration
         * @throws IllegalArgumentException or NullPointerException naming the bad setting
         */
        public SqliteConnectionConfiguration build() {
            return new SqliteConnectionConfiguration(this);
        }
    }
}
