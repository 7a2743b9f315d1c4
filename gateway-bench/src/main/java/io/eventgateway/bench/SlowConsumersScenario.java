package io.eventgateway.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code slow-consumers}: one topic, {@code --subscribers} subscribers of which {@code --slow-share} stop reading.
 * In the same run, on the same connections: a window without stalls, then the same window with the slow share
 * stalled (they stop asking for frames, and their receive buffer is {@code --slow-receive-buffer} bytes so the
 * gateway soon sees their sockets full). Reported: the other subscribers' latency in both windows and its ratio
 * (they must keep their latency), the gateway's heap after GC before and during the stall (it must stay bounded:
 * a stalled connection holds at most {@code ws.buffer-size} references to shared events), and, once the stalled
 * clients read again, that every event they lost was announced by an {@code overflow}.
 */
final class SlowConsumersScenario {

    private final BenchOptions options;

    SlowConsumersScenario(BenchOptions options) {
        this.options = options;
    }

    Report run() {
        int subscribers = options.subscribers(1000);
        int rate = options.rate(100);
        int slow = (int) Math.round(subscribers * options.slowShare);
        if (slow < 1 || slow >= subscribers) {
            throw new IllegalArgumentException("--slow-share " + options.slowShare + " of " + subscribers
                + " subscribers must leave at least one slow and one other");
        }
        Generator.checkOpenFileLimit(subscribers + 10);
        try (LiveRun run = new LiveRun(options, "slow-consumers")) {
            Report report = run.report;
            report.parameters.put("subscribers", subscribers);
            report.parameters.put("stalled", slow);
            report.parameters.put("rate/s", rate);
            report.parameters.put("window s", options.seconds);
            report.parameters.put("stalled receive buffer B", options.slowReceiveBuffer);
            report.parameters.put("warm-up s", options.warmupSeconds);
            Latency others = new Latency();
            Latency stalledLatency = new Latency();
            List<BenchClient> clients = new ArrayList<>();
            List<BenchClient> stallable = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                // Spread the slow ones evenly over the connection order (and so over the gateway's event loops).
                boolean isSlow = (long) i * slow / subscribers != (long) (i + 1) * slow / subscribers;
                BenchClient c = run.generator.add(0, options.topic, isSlow ? stalledLatency : others, isSlow);
                clients.add(c);
                if (isSlow) {
                    stallable.add(c);
                }
            }
            run.generator.connect(clients, -1);
            Publisher publisher = run.publisher(new String[] {options.topic}, options.publishers(1));
            Map<String, Latency> groups = new LinkedHashMap<>();
            groups.put("others", others);
            groups.put("stalled", stalledLatency);
            Meter meter = run.meter(groups);
            publisher.start(rate, options.ramp());
            run.warmup(rate);
            Report.Row calm = meter.window("no stalls", options.seconds, rate, true);
            long heapBefore = run.probe.heapAfterGcKb();
            long rssBefore = run.probe.rssKb();
            settle();
            stallable.forEach(BenchClient::stall);
            Report.Row stalled = meter.window("stalled", options.seconds, rate, true);
            long heapDuring = run.probe.heapAfterGcKb();
            long rssDuring = run.probe.rssKb();
            long dropsDuringStall = run.generator.announcedDrops();
            stallable.forEach(BenchClient::resume);
            meter.window("after resume", Math.max(1, options.settleSeconds), rate, false);
            run.finish();
            report.results.put("others' p99 without stalls, ms", calm.p99Ms);
            report.results.put("others' p99 with stalls, ms", stalled.p99Ms);
            double ratio = calm.p99Ms > 0 ? stalled.p99Ms / calm.p99Ms : -1;
            report.results.put("ratio (target at most 1.5)", ratio);
            if (heapBefore >= 0 && heapDuring >= 0) {
                report.results.put("gateway heap after GC before / during the stall, MB", String.format(Locale.ROOT,
                    "%.1f / %.1f", heapBefore / 1024.0, heapDuring / 1024.0));
                report.results.put("heap growth per stalled connection, KB", (heapDuring - heapBefore)
                    / (double) slow);
            }
            if (rssBefore >= 0 && rssDuring >= 0) {
                report.results.put("gateway RSS before / during the stall, MB", String.format(Locale.ROOT,
                    "%.1f / %.1f", rssBefore / 1024.0, rssDuring / 1024.0));
            }
            long stalledDrops = 0;
            for (BenchClient c : stallable) {
                stalledDrops += c.ledger.announcedDrops;
            }
            report.results.put("events announced dropped to the stalled clients", stalledDrops);
            if (dropsDuringStall == 0 && stalledDrops == 0) {
                report.notes.add("no event was dropped: the stall did not outlast the buffers (the kernel's, Netty's"
                    + " and ws.buffer-size); lengthen --seconds, raise --rate or lower the gateway's"
                    + " --ws.buffer-size to exercise overflow");
            }
            return report;
        }
    }

    private void settle() {
        if (options.settleSeconds > 0) {
            Meter.sleepUntil(System.nanoTime() + options.settleSeconds * 1_000_000_000L);
        }
    }
}
