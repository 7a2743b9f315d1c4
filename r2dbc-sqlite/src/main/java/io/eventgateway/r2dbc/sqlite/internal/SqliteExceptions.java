package io.eventgateway.r2dbc.sqlite.internal;

import java.sql.SQLException;

import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The one place SQLite result codes become R2DBC exceptions. The SQLite message, the SQL state and the error code
 * (the primary result code, 0-255) are kept; the offending SQL is attached where known.
 *
 * <table>
 *   <caption>mapping</caption>
 *   <tr><th>SQLite primary code</th><th>exception</th></tr>
 *   <tr><td>CONSTRAINT, MISMATCH, TOOBIG</td><td>R2dbcDataIntegrityViolationException</td></tr>
 *   <tr><td>ERROR, RANGE</td><td>R2dbcBadGrammarException</td></tr>
 *   <tr><td>BUSY, LOCKED, SCHEMA, PROTOCOL</td><td>R2dbcTransientResourceException</td></tr>
 *   <tr><td>ABORT</td><td>R2dbcRollbackException</td></tr>
 *   <tr><td>PERM, READONLY, AUTH</td><td>R2dbcPermissionDeniedException</td></tr>
 *   <tr><td>INTERRUPT</td><td>R2dbcTimeoutException</td></tr>
 *   <tr><td>anything else (NOTADB, CANTOPEN, CORRUPT, IOERR, FULL, ...)</td>
 *       <td>R2dbcNonTransientResourceException</td></tr>
 * </table>
 */
public final class SqliteExceptions {

    private static final int ERROR = 1;
    private static final int PERM = 3;
    private static final int ABORT = 4;
    private static final int BUSY = 5;
    private static final int LOCKED = 6;
    private static final int READONLY = 8;
    private static final int INTERRUPT = 9;
    private static final int PROTOCOL = 15;
    private static final int SCHEMA = 17;
    private static final int TOOBIG = 18;
    private static final int CONSTRAINT = 19;
    private static final int MISMATCH = 20;
    private static final int AUTH = 23;
    private static final int RANGE = 25;

    private SqliteExceptions() {
    }

    /**
     * Translates a JDBC exception from sqlite-jdbc.
     *
     * @param e the exception
     * @param sql the statement that failed, if any
     * @return the R2DBC exception, with {@code e} as cause
     */
    public static R2dbcException translate(SQLException e, @Nullable String sql) {
        int code = primaryCode(e);
        String message = e.getMessage() == null ? "SQLite error " + code : e.getMessage();
        String state = e.getSQLState();
        return switch (code) {
            case CONSTRAINT, MISMATCH, TOOBIG -> new R2dbcDataIntegrityViolationException(message, state, code, sql, e);
            case ERROR, RANGE -> new R2dbcBadGrammarException(message, state, code, sql, e);
            case BUSY, LOCKED, SCHEMA, PROTOCOL -> new R2dbcTransientResourceException(message, state, code, sql, e);
            case ABORT -> new R2dbcRollbackException(message, state, code, sql, e);
            case PERM, READONLY, AUTH -> new R2dbcPermissionDeniedException(message, state, code, sql, e);
            case INTERRUPT -> new R2dbcTimeoutException(message, state, code, sql, e);
            default -> new R2dbcNonTransientResourceException(message, state, code, sql, e);
        };
    }

    /**
     * Translates any failure: SQL exceptions as above, R2DBC exceptions unchanged, others wrapped as
     * non-transient resource failures.
     *
     * @param t the failure
     * @param sql the statement that failed, if any
     * @return the R2DBC exception
     */
    public static R2dbcException translate(Throwable t, @Nullable String sql) {
        if (t instanceof R2dbcException r) {
            return r;
        }
        if (t instanceof SQLException s) {
            return translate(s, sql);
        }
        return new R2dbcNonTransientResourceException(String.valueOf(t.getMessage()), null, 0, sql, t);
    }

    private static int primaryCode(SQLException e) {
        if (e instanceof SQLiteException s && s.getResultCode() != null
            && s.getResultCode() != SQLiteErrorCode.UNKNOWN_ERROR) {
            return s.getResultCode().code & 0xff;
        }
        if (e.getErrorCode() > 0) {
            return e.getErrorCode() & 0xff;
        }
        // sqlite-jdbc raises some errors as plain SQLExceptions (e.g. "database connection closed").
        return 0;
    }
}
