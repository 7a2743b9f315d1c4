package io.eventgateway.r2dbc.sqlite;

import java.sql.BatchUpdateException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.eventgateway.r2dbc.sqlite.internal.Codecs;
import io.eventgateway.r2dbc.sqlite.internal.ConnectionThread;
import io.eventgateway.r2dbc.sqlite.internal.ParsedSql;
import io.eventgateway.r2dbc.sqlite.internal.SqliteExceptions;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConnection;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * An R2DBC connection over one sqlite-jdbc connection confined to its own {@link ConnectionThread}.
 *
 * <p>Every JDBC call and every field not marked volatile is touched only on that thread; publishers returned here
 * hop to it when subscribed and signal from it. Transactions are driven with SQL ({@code BEGIN}, {@code COMMIT},
 * {@code SAVEPOINT}) while JDBC stays in auto-commit mode, so the R2DBC view of auto-commit is this class's own.
 */
final class SqliteConnection implements Connection {

    private static final Object[] NO_VALUES = new Object[0];

    private final ConnectionThread thread;

    private final java.sql.Connection jdbc;

    private final SqliteConnectionConfiguration config;

    private final SqliteConnectionMetadata metadata;

    private final StatementCache cache;

    private final Set<RowCursor> cursors = new LinkedHashSet<>();

    private final AtomicBoolean closed = new AtomicBoolean();

    private volatile boolean autoCommit = true;

    private volatile boolean inTransaction;

    private volatile IsolationLevel isolationLevel = IsolationLevel.SERIALIZABLE;

    private volatile Duration statementTimeout;

    /** Settings a transaction definition changed, restored at its end; thread-confined. */
    private @Nullable Runnable restoreAfterTransaction;

    SqliteConnection(ConnectionThread thread, java.sql.Connection jdbc, SqliteConnectionConfiguration config,
        String version) {
        this.thread = thread;
        this.jdbc = jdbc;
        this.config = config;
        this.metadata = new SqliteConnectionMetadata(version);
        this.cache = new StatementCache(jdbc, config.statementCacheSize());
        this.statementTimeout = config.statementTimeout();
    }

    // ---------------------------------------------------------------- thread hops

    @FunctionalInterface
    interface SqlCallable<T> {
        @Nullable T call() throws SQLException;
    }

    @FunctionalInterface
    interface SqlRunnable {
        void run() throws SQLException;
    }

    private <T> Mono<T> call(@Nullable String sql, SqlCallable<T> work) {
        return Mono.create(sink -> {
            if (this.closed.get()) {
                sink.error(closedException());
                return;
            }
            submit(() -> {
                try {
                    T value = work.call();
                    if (value == null) {
                        sink.success();
                    } else {
                        sink.success(value);
                    }
                } catch (Throwable t) {
                    sink.error(SqliteExceptions.translate(t, sql));
                }
            }, sink::error);
        });
    }

    private Mono<Void> run(@Nullable String sql, SqlRunnable work) {
        return call(sql, () -> {
            work.run();
            return null;
        });
    }

    private void submit(Runnable task, java.util.function.Consumer<Throwable> onRejected) {
        try {
            this.thread.execute(task);
        } catch (RejectedExecutionException e) {
            onRejected.accept(closedException());
        }
    }

    void submitInternal(Runnable task) {
        try {
            this.thread.execute(task);
        } catch (RejectedExecutionException ignored) {
            // the connection closed; its close task already closed every cursor
        }
    }

    private static R2dbcNonTransientResourceException closedException() {
        return new R2dbcNonTransientResourceException("the SQLite connection is closed");
    }

    // ---------------------------------------------------------------- execution (called from statements)

    /**
     * Runs parsed statements with parameter sets. Results are emitted in order; a row result that is not the last
     * one is buffered (the next statement may change what it would read), the last streams from its cursor. A
     * DML statement run with several parameter sets goes through one JDBC batch.
     */
    Flux<Result> execute(String sqlText, List<ParsedSql.Part> parts, List<Object[]> sets,
        String @Nullable [] generated, int fetchSize) {
        return Flux.create(sink -> {
            if (this.closed.get()) {
                sink.error(closedException());
                return;
            }
            submit(() -> executeOnThread(sqlText, parts, sets, generated, fetchSize, sink), sink::error);
        });
    }

    private void executeOnThread(String sqlText, List<ParsedSql.Part> parts, List<Object[]> sets,
        String @Nullable [] generated, int fetchSize, FluxSink<Result> sink) {
        String current = sqlText;
        try {
            beginIfManual();
            for (int p = 0; p < parts.size(); p++) {
                ParsedSql.Part part = parts.get(p);
                boolean lastPart = p == parts.size() - 1;
                String sql = generated == null ? part.sql() : part.withReturning(generated);
                current = sql;
                if (sets.size() > 1 && generated == null && part.isBatchable()) {
                    executeBatch(sql, part, sets, sink);
                } else {
                    int count = Math.max(1, sets.size());
                    for (int s = 0; s < count; s++) {
                        Object[] values = sets.isEmpty() ? NO_VALUES : sets.get(s);
                        executeOne(sql, part, values, lastPart && s == count - 1, fetchSize, sink);
                    }
                }
            }
            sink.complete();
        } catch (Throwable t) {
            sink.next(SqliteResult.error(SqliteExceptions.translate(t, current)));
            sink.complete();
        }
    }

    private static boolean cacheable(ParsedSql.Part part) {
        return switch (part.keyword()) {
            case "SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH", "VALUES" -> true;
            default -> false;
        };
    }

    private void bind(PreparedStatement ps, ParsedSql.Part part, Object[] values) throws SQLException {
        int[] parameters = part.parameters();
        for (int i = 0; i < parameters.length; i++) {
            Codecs.bind(ps, i + 1, values[parameters[i]]);
        }
    }

    private void executeOne(String sql, ParsedSql.Part part, Object[] values, boolean last, int fetchSize,
        FluxSink<Result> sink) throws SQLException {
        boolean cacheable = cacheable(part);
        PreparedStatement ps = this.cache.acquire(sql);
        boolean handedOver = false;
        try {
            bind(ps, part, values);
            boolean hasRows;
            Disposable timer = armTimeout();
            try {
                hasRows = ps.execute();
            } finally {
                timer.dispose();
            }
            if (hasRows) {
                ResultSet rs = ps.getResultSet();
                RowCursor cursor = new RowCursor(this, sql, ps, rs, cacheable);
                handedOver = true;
                if (last) {
                    this.cursors.add(cursor);
                    sink.next(SqliteResult.stream(stream(cursor, fetchSize)));
                } else {
                    sink.next(SqliteResult.rows(cursor.drain()));
                }
            } else {
                long count = part.isDml() ? Math.max(0, ps.getUpdateCount()) : 0;
                sink.next(SqliteResult.updateCount(count));
            }
        } finally {
            if (!handedOver) {
                this.cache.release(sql, ps, cacheable);
            }
        }
    }

    private void executeBatch(String sql, ParsedSql.Part part, List<Object[]> sets, FluxSink<Result> sink)
        throws SQLException {
        PreparedStatement ps = this.cache.acquire(sql);
        try {
            for (Object[] values : sets) {
                bind(ps, part, values);
                ps.addBatch();
            }
            int[] counts;
            Disposable timer = armTimeout();
            try {
                counts = ps.executeBatch();
            } catch (BatchUpdateException e) {
                for (int c : e.getUpdateCounts()) {
                    sink.next(SqliteResult.updateCount(Math.max(0, c)));
                }
                throw e;
            } finally {
                timer.dispose();
                ps.clearBatch();
            }
            for (int c : counts) {
                sink.next(SqliteResult.updateCount(Math.max(0, c)));
            }
        } finally {
            this.cache.release(sql, ps, true);
        }
    }

    private Flux<Result.Segment> stream(RowCursor cursor, int fetchSize) {
        AtomicBoolean subscribed = new AtomicBoolean();
        return Flux.defer(() -> {
            if (!subscribed.compareAndSet(false, true)) {
                return Flux.error(new IllegalStateException("a result can be consumed only once"));
            }
            return Flux.<Result.Segment>create(sink -> {
                sink.onRequest(n -> submit(() -> cursor.pump(sink, n, fetchSize), sink::error));
                sink.onDispose(() -> submitInternal(cursor::close));
            });
        });
    }

    void cursorClosed(RowCursor cursor, String sql, PreparedStatement ps, boolean cacheable) {
        this.cursors.remove(cursor);
        this.cache.release(sql, ps, cacheable);
    }

    private Disposable armTimeout() {
        Duration timeout = this.statementTimeout;
        if (timeout.isZero()) {
            return Disposables.NONE;
        }
        // sqlite3_interrupt is safe to call from another thread; the statement fails with SQLITE_INTERRUPT.
        return Schedulers.parallel().schedule(() -> {
            try {
                ((SQLiteConnection) this.jdbc).getDatabase().interrupt();
            } catch (SQLException ignored) {
                // the connection closed meanwhile
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static final class Disposables {
        static final Disposable NONE = () -> { };
    }

    // ---------------------------------------------------------------- transactions (on the thread)

    private void exec(String sql) throws SQLException {
        try (java.sql.Statement s = this.jdbc.createStatement()) {
            s.execute(sql);
        }
    }

    private void beginIfManual() throws SQLException {
        if (!this.autoCommit && !this.inTransaction) {
            begin(this.config.transactionMode());
        }
    }

    private void begin(TransactionMode mode) throws SQLException {
        exec("BEGIN " + mode.name());
        this.inTransaction = true;
    }

    private void endTransaction(String sql) throws SQLException {
        try {
            exec(sql);
        } catch (SQLException e) {
            if (!"ROLLBACK".equals(sql)) {
                throw e;
            }
            // SQLite may already have rolled back (e.g. after SQLITE_FULL); the transaction is over either way.
        }
        this.inTransaction = false;
        Runnable restore = this.restoreAfterTransaction;
        this.restoreAfterTransaction = null;
        if (restore != null) {
            restore.run();
        }
    }

    @Override
    public Mono<Void> beginTransaction() {
        return run("BEGIN", () -> {
            if (!this.inTransaction) {
                begin(this.config.transactionMode());
            }
        });
    }

    @Override
    public Mono<Void> beginTransaction(TransactionDefinition definition) {
        if (definition == null) {
            throw new IllegalArgumentException("definition must not be null");
        }
        return run("BEGIN", () -> {
            if (this.inTransaction) {
                return;
            }
            List<String> restore = new ArrayList<>();
            IsolationLevel previousLevel = this.isolationLevel;
            IsolationLevel level = definition.getAttribute(TransactionDefinition.ISOLATION_LEVEL);
            if (level != null && !level.equals(this.isolationLevel)) {
                applyIsolation(level);
                restore.add(previousLevel == IsolationLevel.READ_UNCOMMITTED ? "PRAGMA read_uncommitted = 1"
                    : "PRAGMA read_uncommitted = 0");
            }
            Boolean readOnly = definition.getAttribute(TransactionDefinition.READ_ONLY);
            if (Boolean.TRUE.equals(readOnly)) {
                exec("PRAGMA query_only = 1");
                restore.add("PRAGMA query_only = 0");
            }
            Duration lockWait = definition.getAttribute(TransactionDefinition.LOCK_WAIT_TIMEOUT);
            if (lockWait != null) {
                ((SQLiteConnection) this.jdbc).setBusyTimeout(millis(lockWait));
                restore.add("PRAGMA busy_timeout = " + millis(this.config.busyTimeout()));
            }
            Object mode = definition.getAttribute(SqliteConnectionFactoryOptions.TRANSACTION_MODE);
            begin(mode == null ? this.config.transactionMode() : TransactionMode.from(mode));
            if (!restore.isEmpty()) {
                this.restoreAfterTransaction = () -> {
                    for (String sql : restore) {
                        try {
                            exec(sql);
                        } catch (SQLException ignored) {
                            // best effort; the next transaction sets what it needs
                        }
                    }
                    if (level != null) {
                        this.isolationLevel = previousLevel;
                    }
                };
            }
        });
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    @Override
    public Mono<Void> commitTransaction() {
        return run("COMMIT", () -> {
            if (this.inTransaction) {
                endTransaction("COMMIT");
            }
        });
    }

    @Override
    public Mono<Void> rollbackTransaction() {
        return run("ROLLBACK", () -> {
            if (this.inTransaction) {
                endTransaction("ROLLBACK");
            }
        });
    }

    @Override
    public Mono<Void> createSavepoint(String name) {
        String sql = "SAVEPOINT " + quote(name);
        return run(sql, () -> {
            if (!this.inTransaction) {
                begin(this.config.transactionMode());
            }
            exec(sql);
        });
    }

    @Override
    public Mono<Void> releaseSavepoint(String name) {
        String sql = "RELEASE SAVEPOINT " + quote(name);
        return run(sql, () -> exec(sql));
    }

    @Override
    public Mono<Void> rollbackTransactionToSavepoint(String name) {
        String sql = "ROLLBACK TO SAVEPOINT " + quote(name);
        return run(sql, () -> exec(sql));
    }

    private static String quote(String name) {
        if (name == null) {
            throw new IllegalArgumentException("savepoint name must not be null");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    @Override
    public boolean isAutoCommit() {
        return this.autoCommit && !this.inTransaction;
    }

    @Override
    public Mono<Void> setAutoCommit(boolean autoCommit) {
        return run(autoCommit ? "COMMIT" : null, () -> {
            if (autoCommit && this.inTransaction) {
                endTransaction("COMMIT");
            }
            this.autoCommit = autoCommit;
        });
    }

    @Override
    public IsolationLevel getTransactionIsolationLevel() {
        return this.isolationLevel;
    }

    @Override
    public Mono<Void> setTransactionIsolationLevel(IsolationLevel level) {
        if (level == null) {
            throw new IllegalArgumentException("isolationLevel must not be null");
        }
        return run("PRAGMA read_uncommitted", () -> applyIsolation(level));
    }

    /**
     * SQLite is SERIALIZABLE; READ_UNCOMMITTED is honoured between connections sharing a cache (in-memory
     * databases). READ_COMMITTED and REPEATABLE_READ are upgraded to SERIALIZABLE, which the SPI allows.
     */
    private void applyIsolation(IsolationLevel level) throws SQLException {
        boolean uncommitted = IsolationLevel.READ_UNCOMMITTED.equals(level);
        exec("PRAGMA read_uncommitted = " + (uncommitted ? 1 : 0));
        this.isolationLevel = uncommitted ? IsolationLevel.READ_UNCOMMITTED : IsolationLevel.SERIALIZABLE;
    }

    @Override
    public Mono<Void> setLockWaitTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("lock wait timeout must be a non-negative duration");
        }
        return run("PRAGMA busy_timeout", () -> ((SQLiteConnection) this.jdbc).setBusyTimeout(millis(timeout)));
    }

    @Override
    public Mono<Void> setStatementTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("statement timeout must be a non-negative duration");
        }
        return Mono.fromRunnable(() -> this.statementTimeout = timeout);
    }

    // ---------------------------------------------------------------- statements, metadata, lifecycle

    @Override
    public SqliteBatch createBatch() {
        return new SqliteBatch(this);
    }

    @Override
    public SqliteStatement createStatement(String sql) {
        if (sql == null) {
            throw new IllegalArgumentException("sql must not be null");
        }
        return new SqliteStatement(this, ParsedSql.cached(sql));
    }

    int fetchSize() {
        return this.config.fetchSize();
    }

    @Override
    public SqliteConnectionMetadata getMetadata() {
        return this.metadata;
    }

    @Override
    public Mono<Boolean> validate(ValidationDepth depth) {
        return Mono.defer(() -> doValidate(depth));
    }

    private Mono<Boolean> doValidate(ValidationDepth depth) {
        if (this.closed.get()) {
            return Mono.just(false);
        }
        if (depth == ValidationDepth.LOCAL) {
            return Mono.just(true);
        }
        return call("SELECT 1", () -> {
            try (java.sql.Statement s = this.jdbc.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                return rs.next();
            }
        }).onErrorReturn(false).defaultIfEmpty(false);
    }

    /**
     * Closes cursors, rolls back an open transaction, closes the JDBC connection and ends the thread. Idempotent.
     */
    @Override
    public Mono<Void> close() {
        return Mono.create(sink -> {
            if (!this.closed.compareAndSet(false, true)) {
                sink.success();
                return;
            }
            submit(() -> {
                try {
                    for (RowCursor cursor : new ArrayList<>(this.cursors)) {
                        cursor.close();
                    }
                    if (this.inTransaction) {
                        try {
                            endTransaction("ROLLBACK");
                        } catch (SQLException ignored) {
                            // closing rolls back anyway
                        }
                    }
                    this.cache.closeAll();
                    this.jdbc.close();
                    sink.success();
                } catch (Throwable t) {
                    sink.error(SqliteExceptions.translate(t, null));
                } finally {
                    this.thread.shutdown();
                }
            }, t -> sink.success());
        });
    }

    @Override
    public String toString() {
        return "SqliteConnection{" + this.thread.name() + ", " + this.config.path() + "}";
    }
}
