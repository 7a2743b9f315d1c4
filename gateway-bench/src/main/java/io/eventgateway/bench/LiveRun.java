package io.eventgateway.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * The skeleton every live scenario shares: a load generator, an open-loop publisher, a meter, and the end of a
 * run, which is where correctness is decided: stop publishing, wait for the server's answers, let the
 * subscribers receive the rest, read the gateway's resources, close, and count what each subscriber is still
 * missing.
 */
final class LiveRun implements AutoCloseable {

    final BenchOptions options;
    final Report report;
    final Generator generator;
    final GatewayProbe probe;
    private @Nullable Publisher publisher;
    private @Nullable Meter meter;

    LiveRun(BenchOptions options, String scenario) {
        this.options = options;
        this.report = new Report(scenario);
        this.report.label = options.label;
        this.report.target = Report.target(options);
        this.probe = GatewayProbe.of(options);
        this.generator = new Generator(options);
        if (!probe.known()) {
            report.notes.add("the gateway's process id was not given (--gateway-pid): its CPU, RSS and heap are"
                + " not reported");
        } else if (probe.inProcess()) {
            report.notes.add("the gateway runs inside the load generator's JVM (a smoke test): CPU cannot be split"
                + " between them, and the heap figures include the generator's");
        }
    }

    Publisher publisher(String[] topics, int connections) {
        Publisher p = new Publisher(generator, topics, connections);
        publisher = p;
        return p;
    }

    Meter meter(Map<String, Latency> groups) {
        Meter m = new Meter(options, report, generator, publisher, probe, groups);
        meter = m;
        return m;
    }

    /**
     * The warm-up window, reported apart from the steady state (none when {@code --warmup 0}); with {@code --ramp}
     * the publisher is held to the ramp's mean rate there.
     */
    void warmup(double rate) {
        if (options.rampSeconds > 0) {
            report.parameters.put("warm-up ramp s", options.rampSeconds);
        }
        if (options.warmupSeconds > 0 && meter != null) {
            meter.window("warm-up", options.warmupSeconds,
                Publisher.meanRate(rate, options.warmupSeconds, options.rampSeconds), false);
        }
    }

    /** Stops publishing and decides correctness; fills the report's correctness and resources. */
    void finish() {
        finish(true);
    }

    /**
     * Stops publishing and decides correctness.
     *
     * @param readResources whether to read the gateway's resources now (the scenario may have read them itself)
     */
    void finish(boolean readResources) {
        finish(readResources, new long[0]);
    }

    /**
     * Stops publishing and decides correctness.
     *
     * @param readResources whether to read the gateway's resources now (the scenario may have read them itself)
     * @param publishedElsewhere per topic index, the events published by the scenario itself (when there is no
     *     publisher)
     */
    void finish(boolean readResources, long[] publishedElsewhere) {
        Publisher p = publisher;
        long[] published = publishedElsewhere;
        Duration drain = Duration.ofSeconds(options.drainSeconds);
        if (p != null) {
            p.stop();
            boolean answered = p.awaitAnswers(drain);
            published = p.publishedPerTopic();
            report.correctness.publishesRejected = p.rejected();
            if (!answered) {
                report.correctness.publishesUnanswered = p.unanswered();
            }
            if (p.rejected() > 0) {
                report.correctness.lastProblem = "publish rejected: " + p.lastRejection();
                report.notes.add("the server rejected publishes, so their sequence numbers were never delivered:"
                    + " the unannounced count below includes them and says nothing about delivery");
            }
        }
        List<BenchClient> clients = generator.clients();
        long behind = drain(clients, published, drain);
        if (behind > 0) {
            report.notes.add(String.format(Locale.ROOT, "%,d events were still not received %d s after publishing"
                + " stopped; those still missing at the end are counted undelivered (late or lost: the run cannot"
                + " tell; lengthen --drain-seconds)", behind, options.drainSeconds));
        }
        if (readResources) {
            readResources();
        }
        try {
            if (p != null) {
                p.close();
            }
        } catch (RuntimeException e) {
            report.notes.add("the publisher did not close cleanly: " + e);
        }
        generator.close();
        Report.Correctness c = report.correctness;
        for (BenchClient client : clients) {
            Subscriber s = client.ledger;
            if (s.topicIndex < published.length) {
                s.finish(published[s.topicIndex], behind > 0);
            }
            c.received += s.received;
            c.announcedDrops += s.announcedDrops;
            c.unannounced += s.unannounced;
            c.duplicates += s.duplicates;
            c.orderViolations += s.orderViolations;
            c.overAnnounced += s.overAnnounced;
            c.misrouted += s.misrouted;
            c.undelivered += s.undelivered;
        }
        c.connectionsLost = generator.lost();
        c.reconnectsAfterLoss = generator.reconnectsAfterLoss();
        c.serverErrors = generator.serverErrors();
        if (c.lastProblem == null) {
            c.lastProblem = generator.lastProblem();
        }
        report.machine.sourceAddresses = generator.sources.used();
        report.machine.frameBytes = generator.frameBytes();
        report.machine.framesReceived = generator.framesReceived();
        report.machine.subscribersPerLoop = generator.subscribersPerLoop();
        report.collectSaturation();
    }

    /**
     * Waits until every subscriber has received (or been told it lost) every event of its topic.
     *
     * @return the events still owed when the time ran out
     */
    static long drain(List<BenchClient> clients, long[] published, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long behind;
        do {
            behind = 0;
            for (BenchClient c : clients) {
                int k = c.ledger.topicIndex;
                // A subscriber reconnecting after a loss catches up through its replay: wait for it too.
                if (k < published.length && c.state != BenchClient.State.CLOSED) {
                    behind += c.ledger.behind(published[k]);
                }
            }
            if (behind == 0) {
                return 0;
            }
            Meter.sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50));
        } while (System.nanoTime() < deadline);
        return behind;
    }

    /** The gateway's RSS, heap after GC and connection count, and the generator's live count, now. */
    void readResources() {
        Report.Resources r = report.resources;
        r.liveSubscribers = generator.live();
        r.gatewayConnections = probe.connections();
        long rss = probe.rssKb();
        r.gatewayRssMb = rss < 0 ? -1 : rss / 1024.0;
        long heap = probe.heapAfterGcKb();
        r.gatewayHeapAfterGcMb = heap < 0 ? -1 : heap / 1024.0;
        Histogram connects = generator.connectTimes.take();
        if (connects.getTotalCount() > 0) {
            r.connectP50Ms = Latency.ms(connects.getValueAtPercentile(50));
            r.connectP99Ms = Latency.ms(connects.getValueAtPercentile(99));
        }
    }

    @Override
    public void close() {
        try {
            if (publisher != null) {
                publisher.close();
            }
        } finally {
            generator.close();
        }
    }
}
