package io.eventgateway.domain;

import io.eventgateway.domain.agent.AgentService;
import io.eventgateway.domain.checkpoint.CheckpointService;
import io.eventgateway.domain.stream.StreamService;
import io.eventgateway.domain.task.TaskService;
import io.eventgateway.log.EventLog;
import io.eventgateway.log.StateStore;
import io.eventgateway.state.Seqlock;
import java.time.Clock;
import java.util.Objects;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The orchestration domain (PROTOCOL.md sections 8 and 9): tasks, streams, checkpoints and agents on one event
 * log, sharing one {@link Seqlock}. {@link #start()} loads the state tables (when the log keeps them: the durable
 * log does, the in-memory one starts empty) and starts the checkpoint expiry timer.
 *
 * <pre>{@code
 * Domain domain = Domain.open(log, clock, timer).block();
 * domain.tasks().create(new NewTask(null, "Write the docs", null, null, null, null)).block();
 * }</pre>
 */
public final class Domain implements Disposable {

    private final EventLog log;
    private final StreamService streams;
    private final TaskService tasks;
    private final CheckpointService checkpoints;
    private final AgentService agents;

    private Domain(EventLog log, Clock clock, Scheduler timer) {
        this.log = log;
        Seqlock seqlock = new Seqlock();
        this.streams = new StreamService(log, seqlock);
        this.tasks = new TaskService(log, seqlock, streams);
        this.checkpoints = new CheckpointService(log, seqlock, tasks, clock, timer);
        this.agents = new AgentService(log, seqlock, tasks, streams);
    }

    /**
     * Creates the domain on a log, empty; {@link #start()} loads it.
     *
     * @param log the event log (its clock stamps every change)
     * @param clock the same clock as the log's: the expiry timer computes its delays on it
     * @param timer the scheduler of the expiry timer
     * @return the domain
     */
    public static Domain create(EventLog log, Clock clock, Scheduler timer) {
        return new Domain(Objects.requireNonNull(log, "log"), Objects.requireNonNull(clock, "clock"),
            Objects.requireNonNull(timer, "timer"));
    }

    /**
     * Creates and starts the domain on a log: {@link #create} then {@link #start()}.
     *
     * @param log the event log (its clock stamps every change)
     * @param clock the same clock as the log's: the expiry timer computes its delays on it
     * @param timer the scheduler of the expiry timer
     * @return the domain, once loaded
     */
    public static Mono<Domain> open(EventLog log, Clock clock, Scheduler timer) {
        return Mono.defer(() -> {
            Domain domain = create(log, clock, timer);
            return domain.start().thenReturn(domain);
        });
    }

    /**
     * Loads the state tables (when the log keeps them: the durable log does, the in-memory one starts empty),
     * streams before tasks (whose loading counts them), then starts the expiry timer, so checkpoints that expired
     * while the gateway was down expire at once. Start it after the hub listens to the log, so those events reach
     * subscribers, and before serving requests. Call once.
     *
     * @return completes when loaded
     */
    public Mono<Void> start() {
        return Mono.defer(() -> {
            Mono<Void> load = Mono.empty();
            if (log instanceof StateStore) {
                StateStore store = (StateStore) log;
                load = streams.load(store)
                    .then(tasks.load(store))
                    .then(checkpoints.load(store))
                    .then(agents.load(store));
            }
            return load.then(Mono.fromRunnable(checkpoints::startExpiry));
        });
    }

    /**
     * The tasks.
     *
     * @return the service
     */
    public TaskService tasks() {
        return tasks;
    }

    /**
     * The streams.
     *
     * @return the service
     */
    public StreamService streams() {
        return streams;
    }

    /**
     * The checkpoints.
     *
     * @return the service
     */
    public CheckpointService checkpoints() {
        return checkpoints;
    }

    /**
     * The agents and handoffs.
     *
     * @return the service
     */
    public AgentService agents() {
        return agents;
    }

    /** Stops the expiry timer; idempotent. Changes already queued on the log still commit. */
    @Override
    public void dispose() {
        checkpoints.dispose();
    }

    @Override
    public boolean isDisposed() {
        return checkpoints.isDisposed();
    }
}
