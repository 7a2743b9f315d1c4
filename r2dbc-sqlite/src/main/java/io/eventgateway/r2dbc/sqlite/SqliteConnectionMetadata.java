package io.eventgateway.r2dbc.sqlite;

import io.r2dbc.spi.ConnectionMetadata;

/**
 * Product name {@code SQLite} and the library version sqlite-jdbc loaded, e.g. {@code 3.50.3}.
 */
final class SqliteConnectionMetadata implements ConnectionMetadata {

    private final String version;

    SqliteConnectionMetadata(String version) {
        this.version = version;
    }

    @Override
    public String getDatabaseProductName() {
        return "SQLite";
    }

    @Override
    public String getDatabaseVersion() {
        return this.version;
    }
}
