package io.eventgateway.r2dbc.sqlite;

import io.eventgateway.r2dbc.sqlite.internal.Codecs;
import io.r2dbc.spi.Row;
import org.jspecify.annotations.Nullable;

/**
 * One row, read eagerly on the connection thread so it can be used on any thread and after the cursor moved on.
 */
final class SqliteRow implements Row {

    private final SqliteRowMetadata metadata;

    private final @Nullable Object[] values;

    SqliteRow(SqliteRowMetadata metadata, @Nullable Object[] values) {
        this.metadata = metadata;
        this.values = values;
    }

    @Override
    public <T> @Nullable T get(int index, Class<T> type) {
        this.metadata.checkIndex(index);
        return decode(index, type);
    }

    @Override
    public <T> @Nullable T get(String name, Class<T> type) {
        return decode(this.metadata.indexOf(name), type);
    }

    private <T> @Nullable T decode(int index, Class<T> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        return Codecs.decode(this.values[index], this.metadata.getColumnMetadata(index).declType(), type);
    }

    @Override
    public SqliteRowMetadata getMetadata() {
        return this.metadata;
    }
}
