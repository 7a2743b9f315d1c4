package io.eventgateway.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code churn}: one topic, {@code --subscribers} subscribers, publishing at {@code --rate}, while
 * {@code --churn} times a second one of the churning share ({@code --churn-share}) closes its connection and
 * reconnects from a new source port with {@code since} = the last seq it processed, as PROTOCOL.md section 7 tells
 * a client to. The stable subscribers' latency is the headline (churn must not disturb them); the churning ones'
 * latency includes their replays. Every churning subscriber's stream must stay gap-free and duplicate-free across
 * its reconnects.
 */
final class ChurnScenario {

    private final BenchOptions options;

    ChurnScenario(BenchOptions options) {
        this.options = options;
    }

    Report run() {
        int subscribers = options.subscribers(1000);
        int rate = options.rate(100);
        int churning = Math.max(1, (int) Math.round(subscribers * options.churnShare));
        if (churning >= subscribers) {
            throw new IllegalArgumentException("--churn-share must leave some stable subscribers");
        }
        Generator.checkOpenFileLimit(subscribers + 10);
        try (LiveRun run = new LiveRun(options, "churn")) {
            Report report = run.report;
            report.parameters.put("subscribers", subscribers);
            report.parameters.put("churning", churning);
            report.parameters.put("reconnects/s", options.churnPerSecond);
            report.parameters.put("rate/s", rate);
            report.parameters.put("seconds", options.seconds);
            report.parameters.put("warm-up s", options.warmupSeconds);
            Latency stable = new Latency();
            Latency churn = new Latency();
            List<BenchClient> clients = new ArrayList<>();
            List<BenchClient> rotating = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                boolean isChurning = (long) i * churning / subscribers != (long) (i + 1) * churning / subscribers;
                BenchClient c = run.generator.add(0, options.topic, isChurning ? churn : stable, false);
                clients.add(c);
                if (isChurning) {
                    rotating.add(c);
                }
            }
            run.generator.connect(clients, -1);
            Publisher publisher = run.publisher(new String[] {options.topic}, options.publishers(1));
            Map<String, Latency> groups = new LinkedHashMap<>();
            groups.put("stable", stable);
            groups.put("churning (incl. replays)", churn);
            Meter meter = run.meter(groups);
            publisher.start(rate, options.ramp());
            run.warmup(rate);
            AtomicInteger nextIndex = new AtomicInteger();
            LongAdder started = new LongAdder();
            LongAdder completed = new LongAdder();
            LongAdder failed = new LongAdder();
            LongAdder skipped = new LongAdder();
            AtomicReference<String> lastFailure = new AtomicReference<>();
            long period = Math.max(1, 1_000_000_000L / Math.max(1, options.churnPerSecond));
            ScheduledFuture<?> churner = run.generator.ticker().scheduleAtFixedRate(() -> {
                BenchClient c = rotating.get(Math.floorMod(nextIndex.getAndIncrement(), rotating.size()));
                if (c.state != BenchClient.State.LIVE) {
                    skipped.increment();
                    return;
                }
                started.increment();
                c.reconnect().subscribe(v -> { }, e -> {
                    failed.increment();
                    lastFailure.set(e.toString());
                }, completed::increment);
            }, period, period, TimeUnit.NANOSECONDS);
            Report.Row row = meter.window("steady, churning", options.seconds, rate, true);
            churner.cancel(false);
            // Let the last reconnects finish before the end of the run counts what is missing.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.drainSeconds);
            while (completed.sum() + failed.sum() < started.sum() && System.nanoTime() < deadline) {
                Meter.sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50));
            }
            run.finish();
            report.results.put("reconnects started", started.sum());
            report.results.put("reconnects completed", completed.sum());
            report.results.put("reconnects failed", failed.sum());
            report.results.put("reconnects/s achieved", completed.sum() / Math.max(0.001, row.seconds));
            double achieved = completed.sum() / Math.max(0.001, row.seconds);
            if (achieved < 0.9 * options.churnPerSecond) {
                report.notes.add(String.format(java.util.Locale.ROOT, "only %.1f of the %d reconnects/s asked were"
                    + " made: a reconnect (close, then connect and subscribe with since) took longer than the"
                    + " rotation allowed (connect p50 and p99 below)", achieved, options.churnPerSecond));
            }
            if (skipped.sum() > 0) {
                report.results.put("reconnects skipped (client still reconnecting)", skipped.sum());
            }
            if (failed.sum() > 0) {
                report.correctness.connectionsLost += failed.sum();
                report.correctness.lastProblem = "reconnect failed: " + lastFailure.get();
            }
            return report;
        }
    }
}
