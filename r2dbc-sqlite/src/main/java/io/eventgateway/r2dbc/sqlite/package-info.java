/**
 * An R2DBC SPI 1.0 driver for SQLite over {@code org.xerial:sqlite-jdbc}: every JDBC call runs on a dedicated
 * daemon thread owned by its connection, so subscribers never block. Entry points are
 * {@link io.eventgateway.r2dbc.sqlite.SqliteConnectionFactory} (built from code or a URL) and the
 * {@code ConnectionFactoryProvider} discovered for the driver name {@code sqlite}; options are the {@code Option}
 * constants in {@link io.eventgateway.r2dbc.sqlite.SqliteConnectionFactoryOptions}.
 */
@NullMarked
package io.eventgateway.r2dbc.sqlite;

import org.jspecify.annotations.NullMarked;
