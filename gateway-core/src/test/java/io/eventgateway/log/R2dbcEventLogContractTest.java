package io.eventgateway.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.r2dbc.sqlite.SqliteConnectionFactory;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import io.eventgateway.event.Event;
import io.eventgateway.event.NewEvent;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
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

    @Test
    void aVersionTwoStoreIsMigratedToTheLeanerIndexesAndKeepsItsEvents() throws Exception {
        Path file = tempDir.resolve("version-2.db");
        try (java.sql.Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            for (String sql : Schema.migration(1)) {
                s.execute(sql);
            }
            for (String sql : Schema.migration(2)) {
                s.execute(sql);
            }
            s.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            s.execute("INSERT INTO schema_version VALUES (1), (2)");
            s.execute("INSERT INTO events VALUES (1, 'task:T-1', 'test.n', 1000, '{\"n\":1}', NULL)");
            s.execute("UPDATE meta SET value = 1 WHERE key = 'head_seq'");
            assertThat(indexesOfEvents(s)).containsExactlyInAnyOrder("events_topic_seq", "events_ts");
        }

        EventLog log = EventLog.r2dbc(SqliteConnectionFactory.from("r2dbc:sqlite:" + file), clock(), 1000,
            Duration.ofDays(365_000), Duration.ofMinutes(5), Schedulers.parallel()).block(TIMEOUT);
        assertThat(log).isNotNull();
        try {
            assertThat(log.headSeq()).isEqualTo(1L);
            assertThat(append(log, newEvent("task:T-1", "test.n", 2)).get(0).seq()).isEqualTo(2L);
            assertThat(log.read(query(0, Long.MAX_VALUE, Long.MAX_VALUE)).collectList().block(TIMEOUT))
                .extracting(e -> e.data().get("n").intValue()).containsExactly(1, 2);
        } finally {
            log.disposeLater().block(TIMEOUT);
        }
        try (java.sql.Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            assertThat(indexesOfEvents(s)).containsExactly("events_keyed_ts");
            // The idempotency keys read at start still go through an index, the partial one.
            try (ResultSet plan = s.executeQuery("EXPLAIN QUERY PLAN "
                + R2dbcEventLog.KEYED_SINCE.replace("?", "0"))) {
                StringBuilder steps = new StringBuilder();
                while (plan.next()) {
                    steps.append(plan.getString("detail")).append('\n');
                }
                assertThat(steps.toString()).contains("USING INDEX events_keyed_ts").doesNotContain("TEMP B-TREE");
            }
            try (ResultSet version = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
                assertThat(version.next()).isTrue();
                assertThat(version.getInt(1)).isEqualTo(Schema.VERSION).isEqualTo(3);
            }
        }
    }

    @Test
    void retentionByAgeGoesOnChunkAfterChunkAndStopsAtTheFirstYoungEvent() {
        EventLog log = newLog(1_000_000, Duration.ofMinutes(10), Duration.ofMinutes(5));
        int old = 2 * R2dbcEventLog.PURGE_CHUNK + 500;
        for (int appended = 0; appended < old; appended += 500) {
            NewEvent[] batch = new NewEvent[500];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = newEvent("task:T-1", "a", appended + i);
            }
            append(log, batch);
        }
        clock().advance(Duration.ofMinutes(10).plusMillis(1));

        long young = append(log, newEvent("task:T-1", "a", old)).get(0).seq();

        awaitPurgedThrough(log, old);
        assertThat(young).isEqualTo(old + 1L);
        assertThat(log.oldestSeq()).isEqualTo(young);
        assertThat(log.read(query(old, Long.MAX_VALUE, Long.MAX_VALUE)).collectList().block(TIMEOUT))
            .extracting(Event::seq).containsExactly(young);
    }

    @Test
    void retentionRunsUnderALoadThatNeverLetsTheWriterIdle() {
        EventLog log = newLog(1_000, Duration.ofDays(7), Duration.ofMinutes(5));
        List<NewEvent> hundred = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            hundred.add(newEvent("task:T-1", "a", i));
        }
        // 40 appends of 100 in flight: twice what one group commit takes, so the queue is never empty between steps.
        long loadEnds = System.nanoTime() + R2dbcEventLog.PURGE_STARVATION_NANOS + TimeUnit.SECONDS.toNanos(2);
        AtomicLong purgedDuringLoad = new AtomicLong();
        Long appended = Flux.range(0, Integer.MAX_VALUE)
            .takeWhile(i -> System.nanoTime() < loadEnds)
            .flatMap(i -> log.append(hundred), 40)
            .doOnNext(events -> purgedDuringLoad.accumulateAndGet(log.purgedThrough(), Math::max))
            .count()
            .block(Duration.ofSeconds(60));

        assertThat(appended).isNotNull().isGreaterThan(40L);
        assertThat(purgedDuringLoad.get()).as("purged through while the load lasted").isPositive();
        awaitPurgedThrough(log, log.headSeq() - 1_000);
        assertThat(log.oldestSeq()).isEqualTo(log.headSeq() - 999);
    }

    private static List<String> indexesOfEvents(Statement s) throws Exception {
        List<String> names = new ArrayList<>();
        try (ResultSet rows = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'index'"
            + " AND tbl_name = 'events' AND sql IS NOT NULL")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
