package io.eventgateway.domain;

import static io.eventgateway.domain.DomainHarness.EPOCH;
import static io.eventgateway.domain.DomainHarness.TIMEOUT;
import static io.eventgateway.domain.DomainHarness.types;
import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.domain.DomainHarness.Store;
import io.eventgateway.domain.FailingConnections.Point;
import io.eventgateway.domain.checkpoint.Checkpoint;
import io.eventgateway.domain.checkpoint.NewCheckpoint;
import io.eventgateway.domain.stream.StreamView;
import io.eventgateway.domain.task.NewTask;
import io.eventgateway.domain.task.Task;
import io.eventgateway.domain.task.TaskFilter;
import io.eventgateway.domain.task.TaskPatch;
import io.eventgateway.domain.task.TaskStatus;
import io.eventgateway.event.Event;
import io.eventgateway.log.EventQuery;
import io.r2dbc.spi.R2dbcException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.test.StepVerifier;

/**
 * A state change and its events commit together or not at all (issue 4): a failure injected after the state rows
 * were written but before the events are, or at commit, leaves memory, the tables and the log as they were, and the
 * next change goes through.
 */
class AtomicityTest {

    @TempDir
    Path dir;

    private DomainHarness open(AtomicReference<FailingConnections> failing) {
        return new DomainHarness(Store.SQLITE, dir, factory -> {
            FailingConnections wrapped = new FailingConnections(factory);
            failing.set(wrapped);
            return wrapped;
        });
    }

    /** Everything a change could have touched, to compare before and after. */
    private record Snapshot(List<Task> tasks, List<StreamView> streams, List<Checkpoint> checkpoints,
                            List<String> taskRows, List<String> streamRows, List<String> checkpointRows,
                            long head, List<Long> seqs) {
    }

    private static Snapshot snapshot(DomainHarness h) {
        return new Snapshot(h.domain.tasks().list(TaskFilter.ALL).value(), h.domain.streams().list().value(),
            h.domain.checkpoints().list(null).value(),
            rows(h, "SELECT id || ':' || status || ':' || COALESCE(stream_id, '-') || ':' || updated_at FROM tasks"
                + " ORDER BY id"),
            rows(h, "SELECT stream_id || ':' || COALESCE(started_at, '-') || ':' || COALESCE(completed_at, '-')"
                + " || ':' || updated_at FROM streams ORDER BY stream_id"),
            rows(h, "SELECT id || ':' || COALESCE(resumed_at, '-') || ':' || COALESCE(expired_at, '-')"
                + " FROM checkpoints ORDER BY id"),
            h.log.headSeq(),
            h.log.read(new EventQuery(0, Long.MAX_VALUE, List.of(), Long.MAX_VALUE)).map(Event::seq).collectList()
                .block(TIMEOUT));
    }

    private static List<String> rows(DomainHarness h, String sql) {
        return h.tables().load(sql, row -> row.get(0, String.class)).collectList().block(TIMEOUT);
    }

    @ParameterizedTest
    @EnumSource(Point.class)
    void aFailedTaskChangeLeavesNeitherStateNorEventsBehind(Point point) {
        AtomicReference<FailingConnections> failing = new AtomicReference<>();
        try (DomainHarness h = open(failing)) {
            h.domain.streams().create("S-A", "A").block(TIMEOUT);
            h.domain.streams().create("S-B", "B").block(TIMEOUT);
            h.domain.tasks().create(new NewTask("T-1", "One", null, "S-A", null, null)).block(TIMEOUT);
            h.domain.tasks().create(new NewTask("T-2", "Two", TaskStatus.IN_PROGRESS, "S-A", null, null))
                .block(TIMEOUT);
            h.take();
            h.advance(Duration.ofSeconds(1));
            Snapshot before = snapshot(h);

            // A move that touches the task, both streams (one completes, one starts) and emits seven events.
            failing.get().failNext(point);
            h.domain.tasks().update("T-2", TaskPatch.builder().streamId("S-B").build())
                .as(StepVerifier::create).expectError(R2dbcException.class).verify(TIMEOUT);
            failing.get().failNext(point);
            h.domain.tasks().create(new NewTask("T-3", "Three", null, "S-B", null, null))
                .as(StepVerifier::create).expectError(R2dbcException.class).verify(TIMEOUT);

            assertThat(failing.get().injected()).isEqualTo(2);
            assertThat(h.take()).as("no subscriber heard of them").isEmpty();
            assertThat(snapshot(h)).isEqualTo(before);
            assertThat(h.domain.tasks().find("T-3")).isNull();

            // The log and the domain go on: the same change now commits, with its events.
            h.domain.tasks().update("T-2", TaskPatch.builder().streamId("S-B").build()).block(TIMEOUT);
            assertThat(types(h.take())).containsExactly("task:T-2 task.updated", "stream:S-A stream.progress",
                "stream:S-B stream.started", "stream:S-B stream.progress");
            assertThat(rows(h, "SELECT stream_id FROM tasks WHERE id = 'T-2'")).containsExactly("S-B");
            h.restart();
            assertThat(h.domain.streams().get("S-B").value().stream().counts().inProgress()).isEqualTo(1);
            assertThat(h.domain.streams().get("S-A").value().stream().counts().totalTasks()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Point.class)
    void aFailedExpiryIsRetriedAndStillEmitsExactlyOnce(Point point) {
        AtomicReference<FailingConnections> failing = new AtomicReference<>();
        try (DomainHarness h = open(failing)) {
            h.domain.tasks().create(new NewTask("T-1", "One", null, null, null, null)).block(TIMEOUT);
            Checkpoint cp = h.domain.checkpoints().create("T-1", new NewCheckpoint("manual", null, null, null,
                EPOCH.plusSeconds(10))).block(TIMEOUT).value();
            h.take();

            failing.get().failNext(point);
            h.advance(Duration.ofSeconds(10));
            assertThat(failing.get().injected()).isEqualTo(1);
            assertThat(h.take()).isEmpty();
            assertThat(h.domain.checkpoints().find(cp.id()).expiredAt()).isNull();
            assertThat(rows(h, "SELECT id FROM checkpoints WHERE expired_at IS NOT NULL")).isEmpty();

            h.advance(Duration.ofSeconds(1));
            List<Event> events = h.take();
            assertThat(types(events)).containsExactly("checkpoint:T-1 checkpoint.expired");
            assertThat(events.get(0).data().get("expiredAt").asText()).isEqualTo("2026-01-08T12:00:11.000Z");
            h.advance(Duration.ofMinutes(5));
            assertThat(h.take()).isEmpty();
        }
    }
}
