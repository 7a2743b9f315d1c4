package io.eventgateway.r2dbc.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import io.eventgateway.r2dbc.sqlite.internal.ParsedSql;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.Test;

final class SqliteConnectionFactoryOptionsTest {

    @Test
    void shortUrlWithRelativePathAndQueryIsParsed() {
        ConnectionFactoryOptions o = SqliteConnectionFactoryOptions.parse(
            "r2dbc:sqlite:./data/gateway.db?journalMode=delete&synchronous=FULL&busyTimeout=10s&readOnly=true");
        SqliteConnectionConfiguration c = SqliteConnectionConfiguration.from(o);
        assertThat(c.path()).isEqualTo("./data/gateway.db");
        assertThat(c.journalMode()).isEqualTo(JournalMode.DELETE);
        assertThat(c.synchronous()).isEqualTo(SynchronousMode.FULL);
        assertThat(c.busyTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.readOnly()).isTrue();
    }

    @Test
    void fileDefaultsAreWalWithSynchronousNormal() {
        SqliteConnectionConfiguration c = SqliteConnectionConfiguration.from(
            SqliteConnectionFactoryOptions.parse("r2dbc:sqlite:/tmp/x.db"));
        assertThat(c.path()).isEqualTo("/tmp/x.db");
        assertThat(c.journalMode()).isEqualTo(JournalMode.WAL);
        assertThat(c.synchronous()).isEqualTo(SynchronousMode.NORMAL);
        assertThat(c.busyTimeout()).isEqualTo(SqliteConnectionConfiguration.DEFAULT_BUSY_TIMEOUT);
        assertThat(c.transactionMode()).isEqualTo(TransactionMode.DEFERRED);
    }

    @Test
    void memoryUrlLeavesJournalModeAlone() {
        SqliteConnectionConfiguration c = SqliteConnectionConfiguration.from(
            SqliteConnectionFactoryOptions.parse("r2dbc:sqlite::memory:"));
        assertThat(c.isMemory()).isTrue();
        assertThat(c.journalMode()).isNull();
    }

    @Test
    void standardUrlFormIsDiscoveredThroughTheServiceLoader() {
        assertThat(ConnectionFactories.get("r2dbc:sqlite:///target/discovered.db?transactionMode=immediate"))
            .isInstanceOfSatisfying(SqliteConnectionFactory.class, f -> {
                assertThat(f.configuration().path()).isEqualTo("target/discovered.db");
                assertThat(f.configuration().transactionMode()).isEqualTo(TransactionMode.IMMEDIATE);
            });
        assertThat(ConnectionFactories.get(SqliteConnectionFactoryOptions.parse("r2dbc:sqlite::memory:")))
            .isInstanceOf(SqliteConnectionFactory.class);
    }

    @Test
    void invalidOptionValueNamesTheOption() {
        assertThatThrownBy(() -> SqliteConnectionConfiguration.from(
            SqliteConnectionFactoryOptions.parse("r2dbc:sqlite:x.db?busyTimeout=soon")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("busyTimeout");
        assertThatThrownBy(() -> SqliteConnectionFactoryOptions.parse("r2dbc:postgresql://x/y"))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parserNumbersMarkersLikeSqliteAndSplitsStatements() {
        ParsedSql p = ParsedSql.parse("SELECT ':x', $1 /* ? */ -- ?\n, :a, ?, :a, ?5; INSERT INTO t VALUES (@b)");
        assertThat(p.parts()).hasSize(2);
        assertThat(p.parts().get(0).sql()).contains("':x', ?");
        assertThat(p.parts().get(0).parameters()).containsExactly(0, 1, 2, 1, 4);
        assertThat(p.parts().get(1).parameters()).containsExactly(5);
        assertThat(p.parameterCount()).isEqualTo(6);
        assertThat(p.indexOf("a")).isEqualTo(1);
        assertThat(p.indexOf("$1")).isEqualTo(0);
        assertThat(p.isUsed(3)).isFalse();
        ParsedSql trigger = ParsedSql.parse("CREATE TRIGGER t AFTER INSERT ON a BEGIN DELETE FROM b; END; SELECT 1");
        assertThat(trigger.parts()).hasSize(2);
    }
}
