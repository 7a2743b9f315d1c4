package io.eventgateway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One run's figures, printed as Markdown and optionally written as JSON. */
final class Report {
    String scenario;
    int subscribers;
    long liveSubscribers;
    int rate;
    int seconds;
    double deliveriesPerSecond;
    double p50Ms;
    double p99Ms;
    double p999Ms;
    double maxMs;
    long announcedDrops;
    long unannounced;
    long duplicates;
    long orderViolations;
    double gatewayCpu = -1;
    double gatewayRssMb = -1;
    double loadGeneratorCpu = -1;
    List<String> progress = new ArrayList<>();

    String markdown() {
        String saturated = loadGeneratorCpu > 0.9 ? " (load generator near saturation: treat as a lower bound)" : "";
        return String.format(Locale.ROOT, "| %s | %d (%d live) | %d/s | %,.0f | %.2f | %.2f | %.2f | %.2f"
                + " | %d | %d | %d | %d | %.2f | %.2f |%s",
            scenario, subscribers, liveSubscribers, rate, deliveriesPerSecond, p50Ms, p99Ms, p999Ms, maxMs,
            announcedDrops, unannounced, duplicates, orderViolations, gatewayCpu, loadGeneratorCpu, saturated);
    }

    static String markdownHeader() {
        return "| scenario | subscribers | rate | deliveries/s | p50 ms | p99 ms | p99.9 ms | max ms | announced drops"
            + " | unannounced | duplicates | order violations | gateway CPU | generator CPU |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";
    }
}
