package io.eventgateway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code many-topics}: {@code --subscribers} connections (default 10,000) spread evenly over {@code --topics}
 * topics (default 1,000), a few events per second each: the regime where every delivery costs its own write
 * (research/performance.md section 2.2, regime B). The default {@code --rate} of 5,000 events/s is 5 per topic
 * and 50,000 deliveries/s.
 */
final class ManyTopicsScenario {

    private final BenchOptions options;

    ManyTopicsScenario(BenchOptions options) {
        this.options = options;
    }

    Report run() {
        int subscribers = options.subscribers(10_000);
        int topics = Math.min(options.topics(1000), subscribers);
        int rate = options.rate(5000);
        Generator.checkOpenFileLimit(subscribers + 10);
        try (LiveRun run = new LiveRun(options, "many-topics")) {
            Report report = run.report;
            report.parameters.put("subscribers", subscribers);
            report.parameters.put("topics", topics);
            report.parameters.put("rate/s", rate);
            report.parameters.put("events/s per topic", rate / (double) topics);
            report.parameters.put("seconds", options.seconds);
            report.parameters.put("warm-up s", options.warmupSeconds);
            String[] names = topicNames("bench:t", topics);
            Latency latency = new Latency();
            List<BenchClient> clients = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                clients.add(run.generator.add(i % topics, names[i % topics], latency, false));
            }
            run.generator.connect(clients, -1);
            Publisher publisher = run.publisher(names, options.publishers(1));
            Meter meter = run.meter(Map.of("all", latency));
            publisher.start(rate, options.ramp());
            run.warmup(rate);
            meter.window("steady", options.seconds, rate, true);
            run.finish();
            return report;
        }
    }

    static String[] topicNames(String prefix, int count) {
        String[] names = new String[count];
        for (int k = 0; k < count; k++) {
            names[k] = prefix + k;
        }
        return names;
    }
}
