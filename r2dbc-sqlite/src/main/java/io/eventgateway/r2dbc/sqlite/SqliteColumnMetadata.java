package io.eventgateway.r2dbc.sqlite;

import io.eventgateway.r2dbc.sqlite.internal.Codecs;
import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.Nullability;
import io.r2dbc.spi.Type;

/**
 * A result column: its label, its declared type (or the storage class of the first row when it has none) and the
 * Java type {@code get(.., Object.class)} returns for it.
 */
final class SqliteColumnMetadata implements ColumnMetadata {

    private final String name;

    private final SqliteType type;

    private final Nullability nullability;

    SqliteColumnMetadata(String name, String declType, Nullability nullability) {
        this.name = name;
        this.type = new SqliteType(declType, Codecs.naturalClass(declType));
        this.nullability = nullability;
    }

    String declType() {
        return this.type.getName();
    }

    @Override
    public String getName() {
        return this.name;
    }

    @Override
    public Type getType() {
        return this.type;
    }

    @Override
    public Nullability getNullability() {
        return this.nullability;
    }

    @Override
    public Object getNativeTypeMetadata() {
        return this.type.getName();
    }

    @Override
    public String toString() {
        return this.name + " " + this.type.getName();
    }

    record SqliteType(String getName, Class<?> getJavaType) implements Type {
    }
}
