package io.eventgateway.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.r2dbc.sqlite.SqliteConnectionFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Schedulers;

/** The {@link EventLog} contract for the durable R2DBC log on SQLite files. */
final class R2dbcEventLogContractTest extends AbstractEventLogContractTest {

    @TempDir
    Path tempDir;

    private final AtomicInteger files = new AtomicInteger();

    @Override
    protected EventLog createLog(Clock clock, long retentionEvents, Duration retentionAge,
                                 Duration idempotencyWindow) {
        Path file = tempDir.resolve("events-" + files.incrementAndGet() + ".db");
        EventLog log = EventLog.r2dbc(SqliteConnectionFactory.from("r2dbc:sqlite:" + file), clock, retentionEvents,
            retentionAge, idempotencyWindow, Schedulers.parallel()).block(TIMEOUT);
        assertThat(log).isNotNull();
        return log;
    }

    @Test
    void eachLogStartsOnItsOwnEmptyFile() {
        EventLog first = newLog();
        append(first, newEvent("task:T-1", "a", 1));
        EventLog second = newLog();

        assertThat(first.headSeq()).isEqualTo(1L);
        assertThat(second.headSeq()).isZero();
    }
}
