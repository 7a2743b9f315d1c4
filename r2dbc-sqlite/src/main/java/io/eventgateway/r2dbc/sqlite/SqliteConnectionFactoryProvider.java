package io.eventgateway.r2dbc.sqlite;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.ConnectionFactoryProvider;

/**
 * Service-loader entry for the driver name {@code sqlite}. With {@code ConnectionFactories.get(options)} use options
 * from {@link SqliteConnectionFactoryOptions#parse(String)}, since the short URL form has no {@code //}.
 */
public final class SqliteConnectionFactoryProvider implements ConnectionFactoryProvider {

    @Override
    public SqliteConnectionFactory create(ConnectionFactoryOptions options) {
        return SqliteConnectionFactory.create(SqliteConnectionConfiguration.from(options));
    }

    @Override
    public boolean supports(ConnectionFactoryOptions options) {
        return SqliteConnectionFactoryOptions.DRIVER.equals(options.getValue(ConnectionFactoryOptions.DRIVER));
    }

    @Override
    public String getDriver() {
        return SqliteConnectionFactoryOptions.DRIVER;
    }
}
