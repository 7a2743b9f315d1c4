package io.eventgateway.r2dbc.sqlite;

import java.util.ArrayList;
import java.util.List;

import io.eventgateway.r2dbc.sqlite.internal.ParsedSql;
import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Result;
import reactor.core.publisher.Flux;

/**
 * SQL statements without bind markers run in order in one hop to the connection thread, one result each.
 */
final class SqliteBatch implements Batch {

    private final SqliteConnection connection;

    private final List<ParsedSql.Part> parts = new ArrayList<>();

    private final StringBuilder text = new StringBuilder();

    SqliteBatch(SqliteConnection connection) {
        this.connection = connection;
    }

    @Override
    public SqliteBatch add(String sql) {
        if (sql == null) {
            throw new IllegalArgumentException("sql must not be null");
        }
        ParsedSql parsed = ParsedSql.parse(sql);
        if (parsed.parameterCount() > 0) {
            throw new IllegalArgumentException("batch statements cannot have bind markers; use a Statement with "
                + "add() for parameters: " + sql);
        }
        this.parts.addAll(parsed.parts());
        this.text.append(sql).append(";\n");
        return this;
    }

    @Override
    public Flux<Result> execute() {
        return this.connection.execute(this.text.toString(), List.copyOf(this.parts), List.of(), null,
            this.connection.fetchSize());
    }
}
