package io.eventgateway.domain;

import static io.eventgateway.domain.DomainHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.domain.DomainHarness.Store;
import io.eventgateway.domain.stream.Stream;
import io.eventgateway.domain.task.NewTask;
import io.eventgateway.domain.task.Task;
import io.eventgateway.domain.task.TaskFilter;
import io.eventgateway.domain.task.TaskPatch;
import io.eventgateway.domain.task.TaskStatus;
import io.eventgateway.event.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stream progress over a long random sequence of task changes (status changes including cancelled and failed, moves
 * between streams, tasks created in a stream), compared after every change with a straightforward recomputation:
 * from the {@code tasks} table (SQLite) or the task list (in memory). Fixed seed, so a failure repeats.
 */
class StreamProgressPropertyTest {

    private static final List<String> STREAMS = List.of("S-A", "S-B", "S-C");
    private static final TaskStatus[] STATUSES = TaskStatus.values();

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Store.class)
    void progressAlwaysEqualsARecountOfTheTasks(Store store) {
        Random random = new Random(20260108L);
        try (DomainHarness h = new DomainHarness(store, dir)) {
            for (String s : STREAMS) {
                h.domain.streams().create(s, "Stream " + s).block(TIMEOUT);
            }
            Set<String> started = new HashSet<>();
            Map<String, Boolean> complete = new HashMap<>();
            Map<String, Integer> completions = new HashMap<>();
            List<String> ids = new ArrayList<>();
            for (int step = 0; step < 400; step++) {
                h.advance(Duration.ofMillis(1 + random.nextInt(1000)));
                int op = random.nextInt(10);
                if (ids.size() < 3 || op == 0) {
                    String id = "T-" + ids.size();
                    ids.add(id);
                    h.domain.tasks().create(new NewTask(id, "Task " + id, pick(random), stream(random), null, null))
                        .block(TIMEOUT);
                } else {
                    String id = ids.get(random.nextInt(ids.size()));
                    TaskPatch.Builder patch = TaskPatch.builder();
                    if (op <= 6) {
                        patch.status(pick(random));
                    } else if (op <= 8) {
                        patch.streamId(stream(random));
                    } else {
                        patch.title("Renamed " + step).status(pick(random)).streamId(stream(random));
                    }
                    h.domain.tasks().update(id, patch.build()).block(TIMEOUT);
                }
                List<Event> events = h.take();
                Map<String, int[]> recount = recount(h);
                for (String s : STREAMS) {
                    int[] counts = recount.getOrDefault(s, new int[STATUSES.length]);
                    // The counts each change keeps up to date (what the events carry), and those a read recounts.
                    Stream stream = h.domain.streams().find(s);
                    assertThat(countsOf(stream)).as("step %d, %s", step, s).containsExactly(counts);
                    assertThat(h.domain.streams().get(s).value().stream()).isEqualTo(stream);
                    int total = total(counts);
                    boolean nowComplete = total > 0 && counts[TaskStatus.COMPLETED.ordinal()] == total;
                    assertThat(stream.completedAt() != null).as("step %d, %s complete", step, s)
                        .isEqualTo(nowComplete);
                    if (nowComplete && !complete.getOrDefault(s, false)) {
                        completions.merge(s, 1, Integer::sum);
                    }
                    complete.put(s, nowComplete);
                    if (counts[TaskStatus.IN_PROGRESS.ordinal()] > 0) {
                        started.add(s);
                    }
                    assertThat(stream.startedAt() != null).as("step %d, %s started", step, s)
                        .isEqualTo(started.contains(s));
                    JsonNode last = lastProgress(events, s);
                    if (last != null) {
                        assertThat(last.get("totalTasks").asInt()).isEqualTo(total);
                        assertThat(last.get("completedTasks").asInt())
                            .isEqualTo(counts[TaskStatus.COMPLETED.ordinal()]);
                        assertThat(last.get("inProgressTasks").asInt())
                            .isEqualTo(counts[TaskStatus.IN_PROGRESS.ordinal()]);
                        assertThat(last.get("blockedTasks").asInt()).isEqualTo(counts[TaskStatus.BLOCKED.ordinal()]);
                        assertThat(last.get("failedTasks").asInt()).isEqualTo(counts[TaskStatus.FAILED.ordinal()]);
                        assertThat(last.get("cancelledTasks").asInt())
                            .isEqualTo(counts[TaskStatus.CANCELLED.ordinal()]);
                        double percent = total == 0 ? 0.0
                            : Math.round(counts[TaskStatus.COMPLETED.ordinal()] * 10_000.0 / total) / 100.0;
                        assertThat(last.get("progressPercentage").asDouble()).isEqualTo(percent);
                    }
                }
                assertStreamEventsMatchTheTransitions(events, step);
            }
            for (String s : STREAMS) {
                assertThat(h.domain.streams().get(s).value().tasks())
                    .allMatch(t -> s.equals(t.streamId()));
            }
            assertThat(completions.values().stream().mapToInt(Integer::intValue).sum()).as("streams completed")
                .isPositive();
            if (store == Store.SQLITE) {
                Map<String, int[]> before = recount(h);
                Map<String, Stream> streams = new HashMap<>();
                STREAMS.forEach(s -> streams.put(s, h.domain.streams().find(s)));
                h.restart();
                for (String s : STREAMS) {
                    assertThat(countsOf(h.domain.streams().find(s)))
                        .containsExactly(before.getOrDefault(s, new int[STATUSES.length]));
                    assertThat(h.domain.streams().find(s)).isEqualTo(streams.get(s));
                }
            }
        }
    }

    /** Every stream event names a stream whose counts changed, and completed/started come with their progress. */
    private static void assertStreamEventsMatchTheTransitions(List<Event> events, int step) {
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            if (e.eventType().equals("stream.started")) {
                assertThat(events.get(i + 1).eventType()).as("step %d", step).isEqualTo("stream.progress");
            }
            if (e.eventType().equals("stream.completed")) {
                Event progress = events.get(i - 1);
                assertThat(progress.eventType()).isIn("stream.progress", "stream.blocked");
                assertThat(e.data().get("totalTasks").asInt()).isPositive();
            }
        }
    }

    private static @Nullable JsonNode lastProgress(List<Event> events, String stream) {
        JsonNode last = null;
        for (Event e : events) {
            if (e.eventType().equals("stream.progress") && e.topic().id().equals(stream)) {
                last = e.data();
            }
        }
        return last;
    }

    /** Counts by status per stream, straight from the rows (SQLite) or the task list (memory). */
    private static Map<String, int[]> recount(DomainHarness h) {
        Map<String, int[]> counts = new HashMap<>();
        if (h.store == Store.SQLITE) {
            h.tables().load("SELECT stream_id, status, COUNT(*) FROM tasks WHERE stream_id IS NOT NULL"
                    + " GROUP BY stream_id, status", row -> new Object[] {row.get(0, String.class),
                    row.get(1, String.class), row.get(2, Long.class)}).collectList().block(TIMEOUT)
                .forEach(r -> counts.computeIfAbsent((String) r[0], k -> new int[STATUSES.length])[
                    TaskStatus.parse("status", (String) r[1]).ordinal()] = ((Long) r[2]).intValue());
        } else {
            for (Task task : h.domain.tasks().list(TaskFilter.ALL).value()) {
                if (task.streamId() != null) {
                    counts.computeIfAbsent(task.streamId(), k -> new int[STATUSES.length])[task.status().ordinal()]++;
                }
            }
        }
        return counts;
    }

    private static int[] countsOf(Stream stream) {
        Map<TaskStatus, Integer> m = new EnumMap<>(TaskStatus.class);
        m.put(TaskStatus.PENDING, stream.counts().pending());
        m.put(TaskStatus.IN_PROGRESS, stream.counts().inProgress());
        m.put(TaskStatus.BLOCKED, stream.counts().blocked());
        m.put(TaskStatus.COMPLETED, stream.counts().completed());
        m.put(TaskStatus.FAILED, stream.counts().failed());
        m.put(TaskStatus.CANCELLED, stream.counts().cancelled());
        int[] counts = new int[STATUSES.length];
        m.forEach((status, n) -> counts[status.ordinal()] = n);
        return counts;
    }

    /** Every task except the cancelled ones: the stream's work. */
    private static int total(int[] counts) {
        int total = 0;
        for (TaskStatus s : STATUSES) {
            if (s != TaskStatus.CANCELLED) {
                total += counts[s.ordinal()];
            }
        }
        return total;
    }

    private static TaskStatus pick(Random random) {
        // Completed twice as likely, so streams do complete now and then.
        int i = random.nextInt(STATUSES.length + 2);
        return i >= STATUSES.length ? TaskStatus.COMPLETED : STATUSES[i];
    }

    private static @Nullable String stream(Random random) {
        int i = random.nextInt(STREAMS.size() + 1);
        return i == STREAMS.size() ? null : STREAMS.get(i);
    }
}
