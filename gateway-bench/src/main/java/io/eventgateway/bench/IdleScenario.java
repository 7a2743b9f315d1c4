package io.eventgateway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code idle}: the memory an idle connection costs the gateway. Heap after a full GC (and RSS) with no bench
 * connection, then with {@code --subscribers} idle connections (default 10,000), each subscribed to one of
 * {@code --topics} topics (default 1,000), held for {@code --seconds} (the
 * CPU of their heartbeats), then again after they closed. Heap per connection = (with - without) / N.
 */
final class IdleScenario {

    private final BenchOptions options;

    IdleScenario(BenchOptions options) {
        this.options = options;
    }

    Report run() {
        int connections = options.subscribers(10_000);
        int topics = options.topics(1000);
        if (topics < 1) {
            throw new IllegalArgumentException("idle --topics must be at least 1, got " + topics);
        }
        Generator.checkOpenFileLimit(connections + 10);
        try (LiveRun run = new LiveRun(options, "idle")) {
            Report report = run.report;
            report.parameters.put("connections", connections);
            report.parameters.put("topics", topics);
            report.parameters.put("held s", options.seconds);
            GatewayProbe probe = run.probe;
            long heap0 = probe.heapAfterGcKb();
            long rss0 = probe.rssKb();
            long gatewayConnections0 = probe.connections();
            List<BenchClient> clients = new ArrayList<>();
            String[] names = ManyTopicsScenario.topicNames("bench:idle", topics);
            for (int i = 0; i < connections; i++) {
                clients.add(run.generator.add(i % topics, names[i % topics], null, false));
            }
            run.generator.connect(clients, -1);
            Meter meter = run.meter(Map.of());
            Report.Row held = meter.window("idle", Math.max(1, options.seconds), 0, true);
            long heap1 = probe.heapAfterGcKb();
            long rss1 = probe.rssKb();
            run.report.resources.liveSubscribers = run.generator.live();
            long gatewayConnections1 = probe.connections();
            run.report.resources.gatewayConnections = gatewayConnections1;
            // The report's resource line shows the gateway with the connections open (finish(false) probes nothing).
            run.report.resources.gatewayRssMb = rss1 < 0 ? -1 : rss1 / 1024.0;
            run.report.resources.gatewayHeapAfterGcMb = heap1 < 0 ? -1 : heap1 / 1024.0;
            for (BenchClient c : clients) {
                c.close();
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (probe.connections() > gatewayConnections0 && System.nanoTime() < deadline) {
                Meter.sleepUntil(System.nanoTime() + 200_000_000L);
            }
            long heap2 = probe.heapAfterGcKb();
            long rss2 = probe.rssKb();
            run.finish(false);
            if (heap0 >= 0 && heap1 >= 0) {
                report.results.put("gateway heap after GC without / with / after closing, MB", String.format(
                    Locale.ROOT, "%.1f / %.1f / %.1f", heap0 / 1024.0, heap1 / 1024.0, heap2 / 1024.0));
                report.results.put("heap per idle connection, KB (target at most 15)",
                    (heap1 - heap0) / (double) connections);
            }
            if (rss0 >= 0 && rss1 >= 0) {
                report.results.put("gateway RSS without / with / after closing, MB", String.format(Locale.ROOT,
                    "%.1f / %.1f / %.1f", rss0 / 1024.0, rss1 / 1024.0, rss2 / 1024.0));
                report.results.put("RSS per idle connection, KB", (rss1 - rss0) / (double) connections);
            }
            report.results.put("gateway CPU while idle, cores", held.gatewayCpu);
            report.results.put("gateway's connection count with them open", gatewayConnections1);
            report.notes.add("the kernel's socket buffers (about 4 KB per socket) are not in the heap or the RSS");
            return report;
        }
    }
}
