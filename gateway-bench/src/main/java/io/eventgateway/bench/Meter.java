package io.eventgateway.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Measures windows of a live run: a progress line every {@code --interval}, and per window a {@link Report.Row}
 * with deliveries/s, the latency percentiles of each group of subscribers, CPU of the gateway and of the
 * generator (and of their busiest threads), the generator's loop lag and the publisher's lag, and whether the
 * generator was saturated.
 *
 * <p>A window counts the generator as saturated, and says why, when one of its event loops was busy at least
 * {@value #BUSY_LOOP} of the window, when the publisher could not keep its rate, or when the generator's own loop
 * lag or the publisher's lag reached a quarter of the measured p99 (and at least {@value #MIN_LAG_MS} ms): then
 * a share of what was measured as latency is the generator's own delay, not the gateway's. The last happens
 * without the generator being busy when other processes hold the cores; the reason then says so. Apart from
 * that, a window in which other processes used at least {@value #OTHER_CPU} of a core (from {@code /proc/stat},
 * minus the gateway and the generator) is marked as run on a shared machine.
 */
final class Meter {

    static final double BUSY_LOOP = 0.9;
    static final double MIN_LAG_MS = 2;
    private static final double LAG_SHARE = 0.25;
    /** Other processes using this much of a core or more make a window's figures not the gateway's capacity. */
    static final double OTHER_CPU = 0.25;

    private final BenchOptions options;
    private final Report report;
    private final Generator generator;
    private final @Nullable Publisher publisher;
    private final GatewayProbe probe;
    private final Map<String, Latency> groups;
    private final long self = ProcessHandle.current().pid();

    /**
     * A meter.
     *
     * @param groups the latency groups, by name; the first is the headline (its percentiles fill the row's
     *     columns), the others are listed beside it
     */
    Meter(BenchOptions options, Report report, Generator generator, @Nullable Publisher publisher,
          GatewayProbe probe, Map<String, Latency> groups) {
        this.options = options;
        this.report = report;
        this.generator = generator;
        this.publisher = publisher;
        this.probe = probe;
        this.groups = new LinkedHashMap<>(groups);
    }

    /**
     * Measures one window, printing progress as it goes, and adds its row to the report.
     *
     * @param label the window's name
     * @param seconds its length
     * @param targetRate the publisher's rate during it (0 when nothing is published)
     * @param steady whether it is part of the steady state (the warm-up and settling windows are not)
     * @return its row
     */
    Report.Row window(String label, int seconds, double targetRate, boolean steady) {
        Map<String, Histogram> hist = new LinkedHashMap<>();
        for (Map.Entry<String, Latency> g : groups.entrySet()) {
            g.getValue().take();
            hist.put(g.getKey(), Latency.empty());
        }
        generator.loopLag.take();
        Histogram loopLag = Latency.empty();
        Histogram pubLag = Latency.empty();
        if (publisher != null) {
            publisher.takeLag();
        }
        long start = System.nanoTime();
        double gwCpu0 = probe.cpuSeconds();
        double selfCpu0 = ProcStats.cpuSeconds(self);
        double machine0 = ProcStats.machineBusySeconds();
        Map<Long, ProcStats.ThreadCpu> selfThreads0 = ProcStats.threads(self);
        Map<Long, ProcStats.ThreadCpu> gwThreads0 = probe.threads();
        long received0 = generator.received();
        long sent0 = publisher == null ? 0 : publisher.sent();
        long drops0 = generator.announcedDrops();
        long lastReceived = received0;
        long lastSent = sent0;
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long interval = TimeUnit.SECONDS.toNanos(Math.max(1, options.intervalSeconds));
        long next = start + interval;
        double firstP50 = -1;
        double lastP50 = -1;
        long lastTick = start;
        for (;;) {
            long wakeAt = Math.min(next, end);
            sleepUntil(wakeAt);
            long now = System.nanoTime();
            double dt = (now - lastTick) / 1e9;
            lastTick = now;
            Histogram headline = null;
            for (Map.Entry<String, Latency> g : groups.entrySet()) {
                Histogram h = g.getValue().take();
                hist.get(g.getKey()).add(h);
                if (headline == null) {
                    headline = h;
                }
            }
            Histogram lag = generator.loopLag.take();
            loopLag.add(lag);
            Histogram pLag = publisher == null ? Latency.empty() : publisher.takeLag();
            pubLag.add(pLag);
            long received = generator.received();
            long sent = publisher == null ? 0 : publisher.sent();
            double p50 = headline == null || headline.getTotalCount() == 0 ? -1
                : Latency.ms(headline.getValueAtPercentile(50));
            if (p50 >= 0) {
                if (firstP50 < 0) {
                    firstP50 = p50;
                }
                lastP50 = p50;
            }
            String line = String.format(Locale.ROOT, "[%s %s %.0fs] published %,.0f/s delivered %,.0f/s"
                    + " | p50 %s p99 %s max %s ms | live %,d | drops %,d announced, %,d unannounced"
                    + " | loop lag p99 %s ms, publisher lag p99 %s ms%s",
                report.scenario, label, (now - start) / 1e9, (sent - lastSent) / dt, (received - lastReceived) / dt,
                pct(headline, 50), pct(headline, 99), headline == null ? "-" : Report.ms(Latency.ms(
                    headline.getMaxValue())),
                generator.live(), generator.announcedDrops(), generator.unannounced(), pct(lag, 99), pct(pLag, 99),
                publisher == null ? "" : String.format(Locale.ROOT, " | unanswered publishes %,d",
                    publisher.unanswered()));
            System.err.println(line);
            report.progress.add(line);
            lastReceived = received;
            lastSent = sent;
            if (now >= end) {
                break;
            }
            next += interval;
        }
        long stop = System.nanoTime();
        double elapsed = (stop - start) / 1e9;
        Report.Row row = new Report.Row(label);
        row.steady = steady;
        row.seconds = elapsed;
        row.targetRate = targetRate;
        row.publishedPerSecond = publisher == null ? 0 : (publisher.sent() - sent0) / elapsed;
        row.deliveriesPerSecond = (generator.received() - received0) / elapsed;
        row.announcedDrops = generator.announcedDrops() - drops0;
        row.liveSubscribers = generator.live();
        boolean first = true;
        for (Map.Entry<String, Histogram> g : hist.entrySet()) {
            Histogram h = g.getValue();
            if (first) {
                row.samples = h.getTotalCount();
                row.p50Ms = value(h, 50);
                row.p99Ms = value(h, 99);
                row.p999Ms = value(h, 99.9);
                row.maxMs = h.getTotalCount() == 0 ? -1 : Latency.ms(h.getMaxValue());
                first = false;
            } else {
                row.groups.put(g.getKey(), new double[] {value(h, 50), value(h, 99), value(h, 99.9),
                    h.getTotalCount() == 0 ? -1 : Latency.ms(h.getMaxValue())});
            }
        }
        row.loopLagP99Ms = value(loopLag, 99);
        row.loopLagMaxMs = loopLag.getTotalCount() == 0 ? 0 : Latency.ms(loopLag.getMaxValue());
        row.publisherLagP99Ms = publisher == null ? 0 : value(pubLag, 99);
        row.publisherLagMaxMs = pubLag.getTotalCount() == 0 ? 0 : Latency.ms(pubLag.getMaxValue());
        double selfCpu1 = ProcStats.cpuSeconds(self);
        row.generatorCpu = selfCpu0 < 0 || selfCpu1 < 0 ? -1 : (selfCpu1 - selfCpu0) / elapsed;
        if (probe.known() && !probe.inProcess()) {
            double gwCpu1 = probe.cpuSeconds();
            row.gatewayCpu = gwCpu0 < 0 || gwCpu1 < 0 ? -1 : (gwCpu1 - gwCpu0) / elapsed;
            Map<Long, ProcStats.ThreadCpu> gwThreads1 = probe.threads();
            row.gatewayTopThreads = top(gwThreads0, gwThreads1, elapsed);
            // A concurrent collector's threads take the cores the event loops need: their share tells a window with
            // a collection cycle from one without (many-topics: one ZGC cycle per 40-s window, docs/BENCHMARKS.md).
            row.gatewayGcCpu = gwThreads1.isEmpty() ? -1
                : ProcStats.share(gwThreads0, gwThreads1, ProcStats::isGcThread, elapsed);
        }
        double machine1 = ProcStats.machineBusySeconds();
        if (machine0 >= 0 && machine1 >= 0 && row.generatorCpu >= 0) {
            double all = (machine1 - machine0) / elapsed;
            // In-process, the generator's CPU already includes the gateway's.
            double gateway = probe.inProcess() || row.gatewayCpu < 0 ? 0 : row.gatewayCpu;
            row.otherCpu = Math.max(0, all - row.generatorCpu - gateway);
        }
        ProcStats.ThreadCpu loop = ProcStats.busiest(selfThreads0, ProcStats.threads(self), Generator.LOOP_PREFIX,
            elapsed);
        row.generatorBusiestLoop = loop.name();
        row.generatorBusiestLoopCpu = loop.seconds();
        row.settled = !(firstP50 > 0 && lastP50 > 4 * firstP50 && lastP50 > 50);
        judge(row);
        report.rows.add(row);
        return row;
    }

    /** Decides whether the generator, rather than the gateway, bounded this window. */
    static void judge(Report.Row row) {
        if (row.generatorBusiestLoopCpu >= BUSY_LOOP) {
            row.generatorBusy = true;
            row.saturation.add(String.format(Locale.ROOT, "a load-generator event loop (%s) was busy %.0f%% of"
                + " the window", row.generatorBusiestLoop, 100 * row.generatorBusiestLoopCpu));
        }
        double bound = Math.max(MIN_LAG_MS, LAG_SHARE * row.p99Ms);
        String starved = row.generatorBusiestLoopCpu >= 0 && row.generatorBusiestLoopCpu < BUSY_LOOP / 2
            ? String.format(Locale.ROOT, "; its busiest loop was only %.0f%% busy, so other work held the cores"
                + " (load average %s)", 100 * row.generatorBusiestLoopCpu, ProcStats.loadAverage())
            : "";
        if (row.p99Ms > 0 && row.loopLagP99Ms >= bound) {
            row.saturation.add(String.format(Locale.ROOT, "the generator's event loops ran %.1f ms late at p99"
                + " (measured p99 %.1f ms): its own receive lag is part of the latency%s", row.loopLagP99Ms,
                row.p99Ms, starved));
        }
        if (row.p99Ms > 0 && row.publisherLagP99Ms >= bound) {
            row.saturation.add(String.format(Locale.ROOT, "the publisher sent %.1f ms behind its schedule at p99"
                + " (measured p99 %.1f ms)%s", row.publisherLagP99Ms, row.p99Ms, starved));
        }
        if (row.targetRate > 0 && row.publishedPerSecond < 0.9 * row.targetRate) {
            row.generatorBusy = true;
            row.saturation.add(String.format(Locale.ROOT, "the publisher reached %,.0f of the %,.0f events/s asked",
                row.publishedPerSecond, row.targetRate));
        }
        row.generatorSaturated = !row.saturation.isEmpty();
        row.machineShared = row.otherCpu >= OTHER_CPU;
    }

    private static String top(Map<Long, ProcStats.ThreadCpu> before, Map<Long, ProcStats.ThreadCpu> after,
                              double seconds) {
        List<ProcStats.ThreadCpu> used = new ArrayList<>();
        for (Map.Entry<Long, ProcStats.ThreadCpu> e : after.entrySet()) {
            double share = ProcStats.cpuSince(before, e) / seconds;
            if (share >= 0.05) {
                used.add(new ProcStats.ThreadCpu(e.getValue().name(), share));
            }
        }
        used.sort(Comparator.comparingDouble(ProcStats.ThreadCpu::seconds).reversed());
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(3, used.size()); i++) {
            s.append(i == 0 ? "" : ", ").append(used.get(i).name())
                .append(String.format(Locale.ROOT, " %.2f", used.get(i).seconds()));
        }
        return s.toString();
    }

    private static double value(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? -1 : Latency.ms(h.getValueAtPercentile(percentile));
    }

    private static String pct(@Nullable Histogram h, double percentile) {
        return h == null || h.getTotalCount() == 0 ? "-" : Report.ms(Latency.ms(h.getValueAtPercentile(percentile)));
    }

    static void sleepUntil(long deadlineNanos) {
        for (;;) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
