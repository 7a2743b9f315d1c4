package io.eventgateway.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code fanout}: one topic, {@code --subscribers} subscribers, an open-loop publisher at {@code --rate} events/s.
 * With {@code --rise} the rate goes up by {@code --rate-step} every {@code --step-seconds} (after
 * {@code --settle-seconds} left out) until the p99 passes {@code --p99-bound}: the knee is the last rate within
 * the bound. The steps can be drawn as an SVG ({@code --plot}).
 */
final class FanoutScenario {

    private final BenchOptions options;

    FanoutScenario(BenchOptions options) {
        this.options = options;
    }

    Report run() {
        int subscribers = options.subscribers(1000);
        int rate = options.rate(300);
        Generator.checkOpenFileLimit(subscribers + 10);
        try (LiveRun run = new LiveRun(options, "fanout")) {
            Report report = run.report;
            report.parameters.put("subscribers", subscribers);
            report.parameters.put("topic", options.topic);
            report.parameters.put(options.rise ? "start rate/s" : "rate/s", rate);
            if (options.rise) {
                report.parameters.put("rate step/s", step(rate));
                report.parameters.put("p99 bound ms", options.p99BoundMs);
                report.parameters.put("step s", options.stepSeconds);
            } else {
                report.parameters.put("seconds", options.seconds);
            }
            report.parameters.put("warm-up s", options.warmupSeconds);
            Latency latency = new Latency();
            List<BenchClient> clients = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                clients.add(run.generator.add(0, options.topic, latency, false));
            }
            run.generator.connect(clients, -1);
            Publisher publisher = run.publisher(new String[] {options.topic}, options.publishers(1));
            Meter meter = run.meter(Map.of("all", latency));
            publisher.start(rate, options.ramp());
            run.warmup(rate);
            if (options.rise) {
                rise(run, meter, publisher, rate, subscribers);
            } else {
                meter.window("steady", options.seconds, rate, true);
            }
            run.finish();
            return report;
        }
    }

    private int step(int rate) {
        return options.rateStep != null ? options.rateStep : rate;
    }

    private void rise(LiveRun run, Meter meter, Publisher publisher, int start, int subscribers) {
        Report report = run.report;
        Report.Row withinBound = null;
        String stopped = "reached --rate-max " + options.rateMax;
        List<Report.Row> steps = new ArrayList<>();
        for (int rate = start; rate <= options.rateMax; rate += step(start)) {
            publisher.setRate(rate);
            if (options.settleSeconds > 0) {
                Meter.sleepUntil(System.nanoTime() + options.settleSeconds * 1_000_000_000L);
            }
            Report.Row row = meter.window(String.format(Locale.ROOT, "%,d/s", rate), options.stepSeconds, rate, true);
            steps.add(row);
            // Only a generator that can go no faster ends the rise. Lag alone (its loops late while the gateway
            // holds the shared cores) only inflates the measured latency, so the knee found is, if anything, below
            // the gateway's own; the step stays marked in the report. Measured: with 100 subscribers at 250/s the
            // generator's loops ran 2.8 ms late at p99 while 38% busy, which ended every rise at its first step.
            if (row.generatorBusy) {
                stopped = "the load generator saturated at " + rate + " events/s: " + String.join("; ",
                    row.saturation);
                break;
            }
            if (row.p99Ms > options.p99BoundMs || row.samples == 0) {
                stopped = String.format(Locale.ROOT, "p99 %.1f ms passed the %.0f ms bound at %,d events/s"
                    + " (%,.0f deliveries/s)", row.p99Ms, options.p99BoundMs, rate, row.deliveriesPerSecond);
                break;
            }
            withinBound = row;
        }
        report.results.put("stopped because", stopped);
        if (withinBound != null) {
            report.results.put(PeersTable.KNEE_RATE, withinBound.targetRate);
            report.results.put("knee: deliveries/s", withinBound.deliveriesPerSecond);
            report.results.put("knee: p50 / p99 ms", Report.ms(withinBound.p50Ms) + " / "
                + Report.ms(withinBound.p99Ms));
        } else {
            report.results.put("knee", "none: the first step was already over the bound");
        }
        if (options.plot != null) {
            try {
                Svg.latencyAgainstRate(Path.of(options.plot), String.format(Locale.ROOT,
                    "fanout: 1 topic x %,d subscribers, %d B events (%s)", subscribers, options.payloadBytes,
                    ProcStats.cores() + " cores, load " + ProcStats.loadAverage()), steps, options.p99BoundMs);
                report.results.put("plot", options.plot);
            } catch (java.io.IOException e) {
                report.notes.add("the plot could not be written to " + options.plot + ": " + e);
            }
        }
    }
}
