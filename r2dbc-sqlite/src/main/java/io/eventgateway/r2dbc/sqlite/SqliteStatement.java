package io.eventgateway.r2dbc.sqlite;

import java.util.ArrayList;
import java.util.List;

import io.eventgateway.r2dbc.sqlite.internal.Codecs;
import io.eventgateway.r2dbc.sqlite.internal.ParsedSql;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * A statement with SQLite bind markers ({@code ?}, {@code ?NNN}, {@code :name}, {@code @name}, {@code $name}).
 *
 * <p>{@code bind(int, ..)} is zero-based over SQLite's parameter numbers; {@code bind(String, ..)} takes the marker
 * ({@code ":id"}, {@code "$1"}) or the bare name ({@code "id"}). Values are checked and converted when bound, so a
 * wrong type fails at {@code bind}. Parameter sets collected with {@link #add()} run as one JDBC batch on the
 * connection thread when the statement is DML without {@code RETURNING}.
 */
final class SqliteStatement implements Statement {

    private final SqliteConnection connection;

    private final ParsedSql parsed;

    private @Nullable Object[] current;

    private List<Object[]> sets = new ArrayList<>();

    private String @Nullable [] generated;

    private int fetchSize;

    /** Whether a bound value is a Blob or Clob still to be read: checked as values are bound, not rescanned. */
    private boolean streams;

    SqliteStatement(SqliteConnection connection, ParsedSql parsed) {
        this.connection = connection;
        this.parsed = parsed;
        this.current = new Object[parsed.parameterCount()];
        this.fetchSize = connection.fetchSize();
    }

    @Override
    public SqliteStatement add() {
        requireComplete();
        this.sets.add(this.current);
        this.current = new Object[this.parsed.parameterCount()];
        return this;
    }

    private void requireComplete() {
        for (int i = 0; i < this.current.length; i++) {
            if (this.current[i] == null && this.parsed.isUsed(i)) {
                throw new IllegalStateException("parameter " + i + " of \"" + this.parsed.sql()
                    + "\" is not bound; bind every parameter (bindNull for NULL) before add() or execute()");
            }
        }
    }

    @Override
    public SqliteStatement bind(int index, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null; use bindNull(" + index + ", type)");
        }
        checkIndex(index);
        this.current[index] = encode(value);
        return this;
    }

    @Override
    public SqliteStatement bind(String name, Object value) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        if (value == null) {
            throw new IllegalArgumentException("value must not be null; use bindNull(\"" + name + "\", type)");
        }
        this.current[this.parsed.indexOf(name)] = encode(value);
        return this;
    }

    @Override
    public SqliteStatement bindNull(int index, Class<?> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        checkIndex(index);
        this.current[index] = Codecs.encodeNull(type);
        return this;
    }

    @Override
    public SqliteStatement bindNull(String name, Class<?> type) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        this.current[this.parsed.indexOf(name)] = Codecs.encodeNull(type);
        return this;
    }

    private Object encode(Object value) {
        Object encoded = Codecs.encode(value);
        if (Codecs.needsResolution(encoded)) {
            this.streams = true;
        }
        return encoded;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= this.current.length) {
            throw new IndexOutOfBoundsException("bind index " + index + " is out of range [0, " + this.current.length
                + ") for \"" + this.parsed.sql() + "\"");
        }
    }

    @Override
    public SqliteStatement returnGeneratedValues(String... columns) {
        if (columns == null) {
            throw new IllegalArgumentException("columns must not be null");
        }
        for (String column : columns) {
            if (column == null) {
                throw new IllegalArgumentException("column names must not be null");
            }
        }
        this.generated = columns.clone();
        return this;
    }

    @Override
    public SqliteStatement fetchSize(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("fetch size must be >= 0, was " + rows);
        }
        this.fetchSize = rows == 0 ? this.connection.fetchSize() : rows;
        return this;
    }

    @Override
    public Flux<Result> execute() {
        List<Object[]> toRun;
        if (this.parsed.parameterCount() > 0) {
            requireComplete();
            this.sets.add(this.current);
            toRun = this.sets;
        } else {
            toRun = List.of();
        }
        // The statement may be bound and executed again.
        this.sets = new ArrayList<>();
        this.current = new Object[this.parsed.parameterCount()];
        String[] columns = this.generated;
        int rows = this.fetchSize;
        boolean resolve = this.streams;
        this.streams = false;
        if (resolve) {
            return Flux.fromIterable(toRun)
                .concatMap(SqliteStatement::resolve)
                .collectList()
                .flatMapMany(resolved -> this.connection.execute(this.parsed.sql(), this.parsed.parts(), resolved,
                    columns, rows));
        }
        return this.connection.execute(this.parsed.sql(), this.parsed.parts(), toRun, columns, rows);
    }

    private static reactor.core.publisher.Mono<Object[]> resolve(Object[] values) {
        return Flux.fromArray(values)
            .concatMap(v -> v == null ? reactor.core.publisher.Mono.just(Codecs.encodeNull(Object.class))
                : Codecs.resolve(v))
            .collectList()
            .map(List::toArray);
    }

    @Override
    public String toString() {
        return "SqliteStatement{" + this.parsed.sql() + "}";
    }
}
