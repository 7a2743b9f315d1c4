package io.eventgateway.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.event.EventCodec;
import io.eventgateway.event.NewEvent;
import io.eventgateway.r2dbc.sqlite.SqliteConnectionFactory;
import io.eventgateway.topic.Topic;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * What the durable log tells its {@link LogRecorder}: one call per group commit, with its size and duration, and one
 * per WAL checkpoint, which only the log's checkpointer runs.
 */
final class R2dbcEventLogRecorderTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path tempDir;

    private final List<long[]> commits = new CopyOnWriteArrayList<>();
    private final List<Integer> failures = new CopyOnWriteArrayList<>();
    private final List<long[]> checkpoints = new CopyOnWriteArrayList<>();
    private final Sinks.Many<Long> checkpointed = Sinks.many().replay().all();
    private @Nullable EventLog log;

    @AfterEach
    void close() {
        if (log != null) {
            log.disposeLater().block(TIMEOUT);
        }
    }

    private EventLog open() {
        return open(Schedulers.parallel());
    }

    private EventLog open(Scheduler timer) {
        LogRecorder recorder = new LogRecorder() {
            @Override
            public void committed(int events, long nanos) {
                commits.add(new long[] {events, nanos});
            }

            @Override
            public void commitFailed(int events) {
                failures.add(events);
            }

            @Override
            public void checkpointed(long nanos, long walFrames, long copiedFrames) {
                checkpoints.add(new long[] {nanos, walFrames, copiedFrames});
                checkpointed.tryEmitNext(walFrames);
            }
        };
        EventLog opened = EventLog.r2dbc(SqliteConnectionFactory.from("r2dbc:sqlite:" + tempDir.resolve("e.db")),
            Clock.systemUTC(), 1_000_000, Duration.ofDays(7), Duration.ofMinutes(5), timer, recorder)
            .block(TIMEOUT);
        assertThat(opened).isNotNull();
        log = opened;
        return opened;
    }

    private static NewEvent event(int n) {
        return new NewEvent(Topic.parse("task:T-" + n), "test.event", EventCodec.JSON.createObjectNode().put("n", n));
    }

    @Test
    void everyGroupCommitIsRecordedOnceWithItsEventsAndADuration() {
        EventLog log = open();
        List<NewEvent> three = List.of(event(1), event(2), event(3));
        assertThat(log.append(three).block(TIMEOUT)).hasSize(3);
        // 200 concurrent single appends: group commit folds them into fewer transactions.
        Flux.range(0, 200).flatMap(i -> log.append(List.of(event(i))), 200).blockLast(TIMEOUT);

        long events = commits.stream().mapToLong(c -> c[0]).sum();
        assertThat(events).isEqualTo(203);
        assertThat(commits.get(0)[0]).isEqualTo(3);
        assertThat(commits).allMatch(c -> c[1] > 0, "a positive duration");
        assertThat(commits.size()).as("fewer commits than appends").isLessThanOrEqualTo(201);
        assertThat(failures).isEmpty();
    }

    /**
     * The writer never checkpoints (SQLite's automatic checkpoint would, inside the commit that crosses 1,000 WAL
     * pages): the WAL grows past that while nothing is checkpointed, until the checkpointer's timer copies it all,
     * and the next commit starts the WAL over.
     */
    @Test
    void onlyTheCheckpointerCheckpointsOnItsTimer() throws IOException {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        EventLog log = open(time);
        // One commit at a time, each writing a few pages: thousands of WAL frames.
        Flux.range(0, 1500).concatMap(i -> log.append(List.of(event(i)))).blockLast(TIMEOUT);
        Path wal = tempDir.resolve("e.db-wal");
        assertThat(checkpoints).as("no checkpoint before the timer").isEmpty();
        assertThat(Files.size(wal)).as("the WAL grew past SQLite's automatic checkpoint (1,000 pages)")
            .isGreaterThan(2 * 1000 * 4096L);

        time.advanceTimeBy(R2dbcEventLog.CHECKPOINT_INTERVAL);
        long frames = checkpointed.asFlux().blockFirst(TIMEOUT);
        assertThat(frames).isGreaterThan(2000);
        assertThat(checkpoints.get(0)[2]).as("every frame copied: no reader held any back").isEqualTo(frames);

        log.append(List.of(event(1500))).block(TIMEOUT);
        time.advanceTimeBy(R2dbcEventLog.CHECKPOINT_INTERVAL);
        long next = checkpointed.asFlux().skip(1).blockFirst(TIMEOUT);
        assertThat(next).as("the commit after a full checkpoint starts the WAL over").isLessThan(10);
        assertThat(checkpoints).hasSize(2);
    }

    @Test
    void aFailedCommitIsRecordedAsAFailureNotAsACommit() {
        EventLog log = open();
        log.transact(now -> new StateChange.Plan<Void>(
            List.of(StateChange.StateWrite.of("CREATE TABLE unique_n (n INTEGER PRIMARY KEY)")),
            List.of(), events -> null, () -> { })).block(TIMEOUT);
        int before = commits.size();

        List<StateChange.StateWrite> clash = new ArrayList<>();
        clash.add(StateChange.StateWrite.of("INSERT INTO unique_n (n) VALUES (?)", 7));
        clash.add(StateChange.StateWrite.of("INSERT INTO unique_n (n) VALUES (?)", 7));
        log.transact(now -> new StateChange.Plan<Long>(clash, List.of(event(1)), events -> events.get(0).seq(),
                () -> { }))
            .as(StepVerifier::create).expectError(R2dbcDataIntegrityViolationException.class).verify(TIMEOUT);

        assertThat(failures).containsExactly(1);
        assertThat(commits).hasSize(before);
    }
}
