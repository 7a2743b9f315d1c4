package io.eventgateway.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.r2dbc.sqlite.SqliteConnectionFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import io.eventgateway.event.Event;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;
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
    void stateWritesCommitWithTheEventsAndAreReadBackThroughTheStateStore() {
        EventLog log = newLog();
        createCounterTable(log);
        int[] counter = {0};

        List<StateChange.StateWrite> writes =
            List.of(StateChange.StateWrite.of("INSERT INTO counter (n, label) VALUES (?, ?)", 1, null));

        Long seq = log.transact(countingChange(counter, writes)).block(TIMEOUT);

        assertThat(seq).isEqualTo(1L);
        List<String> rows = ((StateStore) log).load("SELECT n, label FROM counter",
            row -> row.get(0, Long.class) + "/" + row.get(1, String.class)).collectList().block(TIMEOUT);
        assertThat(rows).containsExactly("1/null");
    }

    @Test
    void aFailingStateWriteRollsBackTheEventsAndUndoesThePlanAndTheBatchGoesOn() {
        EventLog log = newLog();
        createCounterTable(log);
        List<Event> heard = new ArrayList<>();
        log.setCommitListener(heard::addAll);
        int[] counter = {0};
        append(log, newEvent("task:T-1", "a", 1));

        // The failure comes after the plan changed memory and after the event was bound: the unique key on n.
        log.transact(countingChange(counter, List.of(
                StateChange.StateWrite.of("INSERT INTO counter (n) VALUES (?)", 7),
                StateChange.StateWrite.of("INSERT INTO counter (n) VALUES (?)", 7))))
            .as(StepVerifier::create).expectError(R2dbcDataIntegrityViolationException.class).verify(TIMEOUT);

        assertThat(counter[0]).isZero();
        assertThat(log.headSeq()).isEqualTo(1L);
        assertThat(heard).extracting(Event::eventType).containsExactly("a");
        assertThat(((StateStore) log).load("SELECT COUNT(*) FROM counter", row -> row.get(0, Long.class))
            .blockFirst(TIMEOUT)).isZero();
        // The log goes on: the next append takes seq 2, nothing of the failed change was kept.
        assertThat(log.transact(countingChange(counter, List.of())).block(TIMEOUT)).isEqualTo(2L);
        assertThat(log.read(new EventQuery(0, Long.MAX_VALUE, List.of(), Long.MAX_VALUE)).collectList()
            .block(TIMEOUT)).extracting(e -> e.data().get("n").intValue()).containsExactly(1, 1);
    }

    private static void createCounterTable(EventLog log) {
        log.transact(now -> new StateChange.Plan<Void>(
            List.of(StateChange.StateWrite.of("CREATE TABLE counter (n INTEGER PRIMARY KEY, label TEXT)")),
            List.of(), events -> null, () -> { })).block(TIMEOUT);
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
