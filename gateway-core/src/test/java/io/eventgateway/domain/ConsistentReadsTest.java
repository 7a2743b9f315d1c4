package io.eventgateway.domain;

import static io.eventgateway.domain.DomainHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.domain.DomainHarness.Store;
import io.eventgateway.domain.stream.StatusCounts;
import io.eventgateway.domain.stream.StreamView;
import io.eventgateway.domain.task.NewTask;
import io.eventgateway.domain.task.Task;
import io.eventgateway.domain.task.TaskPatch;
import io.eventgateway.domain.task.TaskStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams read while tasks change on other threads: an answer's counts always equal a recount of the task list it
 * carries, and once the changes stop, the counts every change kept up to date equal a recount of the tasks.
 */
class ConsistentReadsTest {

    @TempDir
    Path dir;

    @Test
    void aStreamReadDuringConcurrentChangesAgreesWithItsOwnTaskList() throws Exception {
        try (DomainHarness h = new DomainHarness(Store.MEMORY, dir)) {
            h.domain.streams().create("S-A", "A").block(TIMEOUT);
            h.domain.streams().create("S-B", "B").block(TIMEOUT);
            for (int i = 0; i < 40; i++) {
                h.domain.tasks().create(new NewTask("T-" + i, "Task " + i, null, i % 2 == 0 ? "S-A" : "S-B", null,
                    null)).block(TIMEOUT);
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            AtomicBoolean writing = new AtomicBoolean(true);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < 3; w++) {
                    int seed = w;
                    writers.add(pool.submit(() -> {
                        Random random = new Random(seed);
                        for (int n = 0; n < 3000; n++) {
                            TaskPatch.Builder patch = TaskPatch.builder()
                                .status(TaskStatus.values()[random.nextInt(TaskStatus.values().length)]);
                            if (random.nextBoolean()) {
                                patch.streamId(random.nextBoolean() ? "S-A" : "S-B");
                            }
                            h.domain.tasks().update("T-" + random.nextInt(40), patch.build()).block(TIMEOUT);
                        }
                    }));
                }
                Future<Integer> reader = pool.submit(() -> {
                    int reads = 0;
                    while (writing.get()) {
                        for (String s : List.of("S-A", "S-B")) {
                            StreamView view = h.domain.streams().get(s).value();
                            StatusCounts recount = StatusCounts.NONE;
                            for (Task task : view.tasks()) {
                                recount = recount.plus(task.status(), 1);
                            }
                            assertThat(view.stream().counts()).as("read %d of %s", reads, s).isEqualTo(recount);
                            reads++;
                        }
                    }
                    return reads;
                });
                for (Future<?> writer : writers) {
                    writer.get(2, TimeUnit.MINUTES);
                }
                writing.set(false);
                assertThat(reader.get(1, TimeUnit.MINUTES)).isPositive();
                int listed = 0;
                for (StreamView view : h.domain.streams().list().value()) {
                    StatusCounts recount = StatusCounts.NONE;
                    for (Task task : view.tasks()) {
                        recount = recount.plus(task.status(), 1);
                        assertThat(task.streamId()).isEqualTo(view.stream().streamId());
                    }
                    assertThat(h.domain.streams().find(view.stream().streamId()).counts()).isEqualTo(recount);
                    listed += view.tasks().size();
                }
                assertThat(listed).as("every task in exactly one stream").isEqualTo(40);
            } finally {
                writing.set(false);
                pool.shutdownNow();
            }
        }
    }
}
