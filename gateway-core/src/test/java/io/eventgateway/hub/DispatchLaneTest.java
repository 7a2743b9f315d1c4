package io.eventgateway.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The hub's lane: one task at a time, in queue order, on the hub's thread or on a caller that finds it idle; a
 * caller that does not own its thread runs only its kind of task, within a budget; a disposed hub thread fails
 * what waits instead of leaving it.
 */
final class DispatchLaneTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Scheduler hubThread = Schedulers.newSingle("test-lane");
    private final DispatchLane lane = new DispatchLane(hubThread);
    /** Task names with the thread that ran them, in the order they ran (written on the lane only). */
    private final List<String> ran = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void tearDown() {
        hubThread.dispose();
    }

    private Runnable task(String name) {
        return () -> ran.add(name + "@" + Thread.currentThread().getName());
    }

    /**
     * The hub thread's name (its scheduler numbers threads globally). Asked last in a test: the thread may still hold
     * the lane for a moment after the answer, and a caller's task queued then would wait for it.
     */
    private String hubThreadName() {
        return lane.call(() -> Thread.currentThread().getName()).blockOptional(TIMEOUT).orElseThrow();
    }

    /** Waits for every task queued so far: a call is queued behind them and the lane keeps queue order. */
    private void barrier() {
        assertThat(lane.call(() -> "done").block(TIMEOUT)).isEqualTo("done");
    }

    @Test
    void anExecutedTaskRunsOnTheHubThread() {
        lane.execute(task("a"));
        barrier();

        assertThat(ran).containsExactly("a@" + hubThreadName());
    }

    @Test
    void aTaskRunOnTheCallerRunsAtOnceOnTheCallingThreadWhenTheLaneIsIdle() {
        String caller = Thread.currentThread().getName();

        lane.runOnCaller(task("a"), false);
        lane.runOnCaller(task("b"), true);

        assertThat(ran).as("ran before runOnCaller returned").containsExactly("a@" + caller, "b@" + caller);
    }

    @Test
    void tasksQueuedWhileTheCallerRunsTheLaneRunAfterItOnTheSameThreadInOrder() {
        String caller = Thread.currentThread().getName();

        lane.runOnCaller(() -> {
            ran.add("a@" + Thread.currentThread().getName());
            lane.runOnCaller(task("b"), false);
            lane.runOnCaller(task("c"), false);
            assertThat(ran).as("queued behind the running task, not run inside it").hasSize(1);
        }, false);

        assertThat(ran).containsExactly("a@" + caller, "b@" + caller, "c@" + caller);
    }

    @Test
    void aCallerThatDoesNotOwnItsThreadHandsTheLaneOverAtTheFirstTaskMeantForTheHubThread() {
        String caller = Thread.currentThread().getName();

        lane.runOnCaller(() -> {
            ran.add("a@" + Thread.currentThread().getName());
            lane.runOnCaller(task("b"), false);
            lane.execute(task("c"));
            lane.runOnCaller(task("d"), false);
        }, false);
        barrier();

        String hub = hubThreadName();
        assertThat(ran).containsExactly("a@" + caller, "b@" + caller, "c@" + hub, "d@" + hub);
    }

    @Test
    void aCallerThatOwnsItsThreadRunsEveryQueuedTask() {
        String caller = Thread.currentThread().getName();

        lane.runOnCaller(() -> {
            ran.add("a@" + Thread.currentThread().getName());
            lane.execute(task("b"));
            lane.runOnCaller(task("c"), false);
        }, true);

        assertThat(ran).containsExactly("a@" + caller, "b@" + caller, "c@" + caller);
    }

    @Test
    void aCallerThatDoesNotOwnItsThreadRunsAtMostItsBudgetThenTheHubThreadTakesTheRest() {
        String caller = Thread.currentThread().getName();
        int queued = DispatchLane.CALLER_BUDGET + 10;

        lane.runOnCaller(() -> {
            ran.add("0@" + Thread.currentThread().getName());
            for (int i = 1; i < queued; i++) {
                lane.runOnCaller(task(Integer.toString(i)), false);
            }
        }, false);
        barrier();

        String hub = hubThreadName();
        assertThat(ran).hasSize(queued);
        for (int i = 0; i < queued; i++) {
            String thread = i < DispatchLane.CALLER_BUDGET ? caller : hub;
            assertThat(ran.get(i)).isEqualTo(i + "@" + thread);
        }
    }

    @Test
    void aTaskQueuedWhileTheHubThreadHoldsTheLaneWaitsForIt() {
        // A hub thread that runs when the test says: the lane is handed to it and held until then.
        Queue<Runnable> pending = new ArrayDeque<>();
        DispatchLane held = new DispatchLane(Schedulers.fromExecutor(pending::add));
        held.execute(task("a"));

        held.runOnCaller(task("b"), true);
        assertThat(ran).as("the lane belongs to the hub thread: b waits for it, even on a caller that owns its thread")
            .isEmpty();
        assertThat(pending).hasSize(1);
        pending.poll().run();

        String caller = Thread.currentThread().getName();
        assertThat(ran).containsExactly("a@" + caller, "b@" + caller);
    }

    @Test
    void tasksFromConcurrentCallersRunOneAtATimeEachCallersInItsOrder() throws InterruptedException {
        int callers = 4;
        int perCaller = 20_000;
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        // Not thread-safe on purpose: the lane's ordering is what makes the writes of one task visible to the next.
        List<int[]> order = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int caller = c;
            threads.add(new Thread(() -> {
                for (int i = 0; i < perCaller; i++) {
                    int n = i;
                    Runnable work = () -> {
                        if (inFlight.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        order.add(new int[] {caller, n});
                        inFlight.decrementAndGet();
                    };
                    switch (n % 3) {
                        case 0 -> lane.execute(work);
                        case 1 -> lane.runOnCaller(work, false);
                        default -> lane.runOnCaller(work, caller % 2 == 0);
                    }
                }
            }, "caller-" + c));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(thread.isAlive()).isFalse();
        }
        barrier();

        int total = lane.call(order::size).blockOptional(TIMEOUT).orElseThrow();
        assertThat(total).isEqualTo(callers * perCaller);
        assertThat(overlaps).hasValue(0);
        int[] next = new int[callers];
        List<int[]> snapshot = lane.call(() -> List.copyOf(order)).blockOptional(TIMEOUT).orElseThrow();
        for (int[] entry : snapshot) {
            assertThat(entry[1]).as("caller %d's tasks in order", entry[0]).isEqualTo(next[entry[0]]);
            next[entry[0]]++;
        }
    }

    @Test
    void aFailingTaskDoesNotStopTheLane() {
        lane.execute(() -> {
            throw new IllegalStateException("a bug in one task");
        });
        lane.execute(task("after"));
        barrier();

        assertThat(ran).singleElement().asString().startsWith("after@");
    }

    @Test
    void aCallFailsWithTheCallablesErrorAndTheLaneGoesOn() {
        StepVerifier.create(lane.call(() -> {
            throw new IllegalArgumentException("refused");
        })).expectErrorMessage("refused").verify(TIMEOUT);

        StepVerifier.create(lane.call(() -> 42)).expectNext(42).expectComplete().verify(TIMEOUT);
    }

    @Test
    void onceTheHubThreadIsDisposedACallFailsInsteadOfWaitingForever() {
        hubThread.dispose();

        StepVerifier.create(lane.call(() -> "never"))
            .expectError(RejectedExecutionException.class)
            .verify(TIMEOUT);
        lane.execute(task("dropped"));
        StepVerifier.create(lane.call(() -> "never again"))
            .expectError(RejectedExecutionException.class)
            .verify(TIMEOUT);
        assertThat(ran).isEmpty();
        lane.runOnCaller(task("a commit still dispatched by its own thread"), true);
        assertThat(ran).hasSize(1);
    }
}
