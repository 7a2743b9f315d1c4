package io.eventgateway.r2dbc.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.UUID;

import io.eventgateway.r2dbc.sqlite.internal.ConnectionThread;
import io.eventgateway.r2dbc.sqlite.internal.SqliteExceptions;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Opens SQLite connections; each has its own JDBC connection and its own daemon thread {@code r2dbc-sqlite-N}.
 *
 * <p>{@code :memory:} databases: SQLite gives every JDBC connection its own private in-memory database, so this
 * factory names one shared-cache database ({@code file:r2dbc-sqlite-mem-<uuid>?mode=memory&cache=shared}) that all
 * its connections open, and keeps one extra JDBC connection to it open so the database outlives its last R2DBC
 * connection (a pool shrinking to zero would otherwise lose the data). {@link #dispose()} closes it. Shared-cache
 * connections lock per table and report conflicts as {@code SQLITE_LOCKED} (a transient exception) rather than
 * waiting.
 */
public final class SqliteConnectionFactory implements ConnectionFactory, Disposable {

    private final SqliteConnectionConfiguration config;

    private final String jdbcUrl;

    private java.sql.@Nullable Connection memoryAnchor;

    private volatile boolean disposed;

    private SqliteConnectionFactory(SqliteConnectionConfiguration config) {
        this.config = config;
        this.jdbcUrl = config.isMemory()
            ? "jdbc:sqlite:file:r2dbc-sqlite-mem-" + UUID.randomUUID() + "?mode=memory&cache=shared"
            : "jdbc:sqlite:" + config.path();
    }

    /**
     * A factory for a configuration.
     *
     * @param config the configuration
     * @return the factory
     */
    public static SqliteConnectionFactory create(SqliteConnectionConfiguration config) {
        return new SqliteConnectionFactory(Objects.requireNonNull(config, "config must not be null"));
    }

    /**
     * A factory for a URL such as {@code r2dbc:sqlite:./data/gateway.db?busyTimeout=10s} or
     * {@code r2dbc:sqlite::memory:}; see {@link SqliteConnectionFactoryOptions#parse(String)}.
     *
     * @param url the URL
     * @return the factory
     */
    public static SqliteConnectionFactory from(String url) {
        return create(SqliteConnectionConfiguration.from(SqliteConnectionFactoryOptions.parse(url)));
    }

    /**
     * The configuration.
     *
     * @return the configuration
     */
    public SqliteConnectionConfiguration configuration() {
        return this.config;
    }

    @Override
    public Mono<Connection> create() {
        return Mono.create(sink -> {
            if (this.disposed) {
                sink.error(new R2dbcNonTransientResourceException("the SQLite connection factory is disposed"));
                return;
            }
            ConnectionThread thread = new ConnectionThread();
            thread.execute(() -> {
                try {
                    java.sql.Connection jdbc = open();
                    String version = jdbc.getMetaData().getDatabaseProductVersion();
                    sink.success(new SqliteConnection(thread, jdbc, this.config, version));
                } catch (Throwable t) {
                    thread.shutdown();
                    sink.error(SqliteExceptions.translate(t, null));
                }
            });
        });
    }

    /** Opens and configures one JDBC connection; runs on a connection thread. */
    private java.sql.Connection open() throws SQLException, IOException {
        if (this.config.isMemory()) {
            synchronized (this) {
                if (this.memoryAnchor == null) {
                    this.memoryAnchor = baseConfig().createConnection(this.jdbcUrl);
                }
            }
        } else if (this.config.createParentDirectories() && !this.config.readOnly()) {
            Path parent = Path.of(this.config.path()).toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        }
        java.sql.Connection jdbc = baseConfig().createConnection(this.jdbcUrl);
        try {
            try (java.sql.Statement s = jdbc.createStatement()) {
                // Reads the header: a file that is not a database fails here with SQLITE_NOTADB.
                try (ResultSet rs = s.executeQuery("PRAGMA schema_version")) {
                    rs.next();
                }
                JournalMode journal = this.config.journalMode();
                if (journal != null && !this.config.readOnly()) {
                    try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = " + journal.name())) {
                        rs.next();
                    }
                }
                s.execute("PRAGMA synchronous = " + this.config.synchronous().name());
                if (this.config.foreignKeys()) {
                    s.execute("PRAGMA foreign_keys = ON");
                }
            }
            return jdbc;
        } catch (SQLException e) {
            jdbc.close();
            throw e;
        }
    }

    private SQLiteConfig baseConfig() {
        SQLiteConfig c = new SQLiteConfig();
        c.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, this.config.busyTimeout().toMillis()));
        if (this.config.readOnly()) {
            c.setReadOnly(true);
        } else {
            c.setOpenMode(SQLiteOpenMode.CREATE);
        }
        if (this.config.isMemory()) {
            c.setOpenMode(SQLiteOpenMode.OPEN_URI);
        }
        return c;
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return () -> "SQLite";
    }

    /**
     * Closes the in-memory anchor connection (a no-op for files) and refuses new connections. Idempotent;
     * open connections stay usable.
     *
     * @return completes when done
     */
    public Mono<Void> disposeLater() {
        return Mono.create(sink -> {
            this.disposed = true;
            java.sql.Connection anchor;
            synchronized (this) {
                anchor = this.memoryAnchor;
                this.memoryAnchor = null;
            }
            if (anchor == null) {
                sink.success();
                return;
            }
            ConnectionThread thread = new ConnectionThread();
            thread.execute(() -> {
                try {
                    anchor.close();
                    sink.success();
                } catch (SQLException e) {
                    sink.error(SqliteExceptions.translate(e, null));
                } finally {
                    thread.shutdown();
                }
            });
        });
    }

    @Override
    public void dispose() {
        disposeLater().subscribe(null, e -> { });
    }

    @Override
    public boolean isDisposed() {
        return this.disposed;
    }

    @Override
    public String toString() {
        return "SqliteConnectionFactory{" + this.config + "}";
    }
}
