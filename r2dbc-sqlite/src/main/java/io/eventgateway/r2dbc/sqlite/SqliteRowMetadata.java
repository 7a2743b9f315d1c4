package io.eventgateway.r2dbc.sqlite;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

import io.r2dbc.spi.RowMetadata;

/**
 * The columns of a result, shared by its rows. Names are looked up case-insensitively; with duplicate labels the
 * first column wins.
 */
final class SqliteRowMetadata implements RowMetadata {

    private final List<SqliteColumnMetadata> columns;

    private final Map<String, Integer> byName;

    SqliteRowMetadata(List<SqliteColumnMetadata> columns) {
        this.columns = List.copyOf(columns);
        this.byName = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            this.byName.putIfAbsent(columns.get(i).getName().toLowerCase(Locale.ROOT), i);
        }
    }

    int size() {
        return this.columns.size();
    }

    int indexOf(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        Integer index = this.byName.get(name.toLowerCase(Locale.ROOT));
        if (index == null) {
            throw new NoSuchElementException("no column named " + name + "; columns are " + this.columns);
        }
        return index;
    }

    void checkIndex(int index) {
        if (index < 0 || index >= this.columns.size()) {
            throw new IndexOutOfBoundsException("column index " + index + " is out of range [0, "
                + this.columns.size() + ")");
        }
    }

    @Override
    public SqliteColumnMetadata getColumnMetadata(int index) {
        checkIndex(index);
        return this.columns.get(index);
    }

    @Override
    public SqliteColumnMetadata getColumnMetadata(String name) {
        return this.columns.get(indexOf(name));
    }

    @Override
    public List<SqliteColumnMetadata> getColumnMetadatas() {
        return this.columns;
    }

    @Override
    public boolean contains(String columnName) {
        return this.byName.containsKey(columnName.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return this.columns.toString();
    }
}
