package io.eventgateway.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.event.EventCodec;
import io.eventgateway.event.NewEvent;
import io.eventgateway.r2dbc.sqlite.SqliteConnectionFactory;
import io.eventgateway.topic.Topic;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
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
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** What the durable log tells its {@link LogRecorder}: one call per group commit, with its size and duration. */
final class R2dbcEventLogRecorderTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path tempDir;

    private final List<long[]> commits = new CopyOnWriteArrayList<>();
    private final List<Integer> failures = new CopyOnWriteArrayList<>();
    private @Nullable EventLog log;

    @AfterEach
    void close() {
        if (log != null) {
            log.disposeLater().block(TIMEOUT);
        }
    }

    private EventLog open() {
        LogRecorder recorder = new LogRecorder() {
            @Override
            public void committed(int events, long nanos) {
                commits.add(new long[] {events, nanos});
            }

            @Override
            public void commitFailed(int events) {
                failures.add(events);
            }
        };
        EventLog opened = EventLog.r2dbc(SqliteConnectionFactory.from("r2dbc:sqlite:" + tempDir.resolve("e.db")),
            Clock.systemUTC(), 1_000_000, Duration.ofDays(7), Duration.ofMinutes(5), Schedulers.parallel(), recorder)
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
