package io.eventgateway.r2dbc.sqlite;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.eventgateway.r2dbc.sqlite.internal.SqliteExceptions;
import io.r2dbc.spi.Nullability;
import io.r2dbc.spi.Result;
import reactor.core.publisher.FluxSink;

/**
 * An open JDBC result set, confined to the connection thread. Rows are read in chunks of at most the fetch size,
 * as the subscriber asks for them; the result set is closed when exhausted, on cancel, or when the connection
 * closes.
 */
final class RowCursor {

    private final SqliteConnection connection;

    private final String sql;

    private final PreparedStatement ps;

    private final ResultSet rs;

    private final SqliteRowMetadata metadata;

    private final boolean cacheable;

    private boolean closed;

    RowCursor(SqliteConnection connection, String sql, PreparedStatement ps, ResultSet rs, boolean cacheable)
        throws SQLException {
        this.connection = connection;
        this.sql = sql;
        this.ps = ps;
        this.rs = rs;
        this.cacheable = cacheable;
        this.metadata = metadata(rs);
    }

    private static SqliteRowMetadata metadata(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<SqliteColumnMetadata> columns = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            String decl;
            try {
                decl = md.getColumnTypeName(i);
            } catch (SQLException e) {
                decl = "";
            }
            Nullability nullability;
            try {
                int nullable = md.isNullable(i);
                nullability = nullable == ResultSetMetaData.columnNoNulls ? Nullability.NON_NULL
                    : nullable == ResultSetMetaData.columnNullable ? Nullability.NULLABLE : Nullability.UNKNOWN;
            } catch (SQLException e) {
                nullability = Nullability.UNKNOWN;
            }
            columns.add(new SqliteColumnMetadata(md.getColumnLabel(i),
                decl == null ? "" : decl.toUpperCase(Locale.ROOT), nullability));
        }
        return new SqliteRowMetadata(columns);
    }

    private SqliteRow read() throws SQLException {
        int n = this.metadata.size();
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            values[i] = this.rs.getObject(i + 1);
        }
        return new SqliteRow(this.metadata, values);
    }

    /** Reads every row (for a result that is not the last of an execution). */
    List<Result.Segment> drain() throws SQLException {
        List<Result.Segment> rows = new ArrayList<>();
        try {
            while (this.rs.next()) {
                rows.add(new SqliteResult.RowSegmentImpl(read()));
            }
        } finally {
            close();
        }
        return rows;
    }

    /**
     * Emits up to {@code n} rows, at most one fetch size per task; schedules itself again for the rest.
     */
    void pump(FluxSink<Result.Segment> sink, long n, int fetchSize) {
        if (this.closed) {
            sink.complete();
            return;
        }
        long chunk = Math.min(n, fetchSize);
        long emitted = 0;
        try {
            while (emitted < chunk) {
                if (sink.isCancelled()) {
                    close();
                    return;
                }
                if (!this.rs.next()) {
                    close();
                    sink.complete();
                    return;
                }
                sink.next(new SqliteResult.RowSegmentImpl(read()));
                emitted++;
            }
        } catch (SQLException e) {
            close();
            sink.next(new SqliteResult.ErrorMessage(SqliteExceptions.translate(e, this.sql)));
            sink.complete();
            return;
        }
        long remaining = n == Long.MAX_VALUE ? Long.MAX_VALUE : n - emitted;
        if (remaining > 0) {
            // Yield the thread between chunks so other work (and a cancel) can run.
            this.connection.submitInternal(() -> pump(sink, remaining, fetchSize));
        }
    }

    void close() {
        if (this.closed) {
            return;
        }
        this.closed = true;
        try {
            this.rs.close();
        } catch (SQLException ignored) {
            // the statement is reset or dropped below
        }
        this.connection.cursorClosed(this, this.sql, this.ps, this.cacheable);
    }
}
