package io.eventgateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The side-by-side table of {@code scripts/bench-peers}: reads the JSON reports of the same scenario run against
 * the gateway and its peers, and prints, per server, the median of each figure over its runs with its ratio to the
 * gateway's ({@code this ÷ gateway}: above 1 means more deliveries, more latency, more CPU than the gateway), then
 * every run on its own line.
 *
 * <p>{@code java -cp ... io.eventgateway.bench.PeersTable REPORT.json...}
 */
public final class PeersTable {

    /** The result a {@code fanout --rise} report gives its knee's rate under. */
    static final String KNEE_RATE = "knee: highest rate within the p99 bound, events/s";

    private final Map<String, List<Run>> byServer = new LinkedHashMap<>();

    /** One run's figures: its steady window (a rise: its knee's step), its CPU, its correctness. */
    record Run(String file, double deliveries, double p50, double p99, double p999, double serverCpu,
               double generatorCpu, double otherCpu, String load, String verdict, long received, long unannounced,
               long duplicates, long orderViolations, long connectionsLost, boolean saturated, boolean shared,
               String rise) {

        /** Server CPU per delivery, in microseconds of one core. */
        double cpuMicrosPerDelivery() {
            return serverCpu < 0 || deliveries <= 0 ? -1 : serverCpu / deliveries * 1e6;
        }
    }

    /**
     * Prints the table of the reports named.
     *
     * @param args JSON report files written by {@code --json}
     * @throws IOException when one cannot be read
     */
    public static void main(String[] args) throws IOException {
        PeersTable table = new PeersTable();
        for (String file : args) {
            table.add(file, Report.json().readTree(Path.of(file).toFile()));
        }
        System.out.print(table.markdown());
    }

    /**
     * Adds one report.
     *
     * @param file where it came from, named in the table of runs
     * @param report the report's JSON
     */
    void add(String file, JsonNode report) {
        String target = report.path("target").asText("?");
        String server = target.contains(" at ") ? target.substring(0, target.indexOf(" at ")) : target;
        // A --rise run compares at the knee: the highest step within the p99 bound, not the step that passed it.
        JsonNode knee = report.path("results").path(KNEE_RATE);
        JsonNode steady = null;
        for (JsonNode row : report.path("rows")) {
            if (knee.isNumber() ? row.path("targetRate").asDouble() == knee.asDouble()
                : row.path("steady").asBoolean()) {
                steady = row;
            }
        }
        JsonNode s = steady != null ? steady : report.path("rows").path(report.path("rows").size() - 1);
        String riseFlag = !report.path("results").has("stopped because") ? ""
            : !knee.isNumber() ? "no knee: the first step passed the bound "
            : report.path("results").path("stopped because").asText().startsWith("reached --rate-max")
            ? "knee: never passed the bound up to --rate-max " : "knee ";
        JsonNode c = report.path("correctness");
        Run run = new Run(Path.of(file).getFileName().toString(), s.path("deliveriesPerSecond").asDouble(-1),
            s.path("p50Ms").asDouble(-1), s.path("p99Ms").asDouble(-1), s.path("p999Ms").asDouble(-1),
            s.path("gatewayCpu").asDouble(-1), s.path("generatorCpu").asDouble(-1), s.path("otherCpu").asDouble(-1),
            report.path("machine").path("loadAverageAtStart").asText("?"), verdict(c), c.path("received").asLong(),
            c.path("unannounced").asLong(), c.path("duplicates").asLong(), c.path("orderViolations").asLong(),
            c.path("connectionsLost").asLong(), report.path("generatorSaturated").asBoolean(),
            report.path("machineShared").asBoolean(), riseFlag);
        byServer.computeIfAbsent(server, k -> new ArrayList<>()).add(run);
    }

    /** As {@link Report.Correctness#verdict()} says it, from the JSON counts. */
    private static String verdict(JsonNode c) {
        boolean ok = c.path("unannounced").asLong() == 0 && c.path("duplicates").asLong() == 0
            && c.path("orderViolations").asLong() == 0 && c.path("overAnnounced").asLong() == 0
            && c.path("misrouted").asLong() == 0 && c.path("connectionsLost").asLong() == 0
            && c.path("serverErrors").asLong() == 0 && c.path("publishesRejected").asLong() == 0;
        return !ok ? "FAILED" : c.path("undelivered").asLong() > 0 || c.path("publishesUnanswered").asLong() > 0
            ? "INCONCLUSIVE" : "OK";
    }

    String markdown() {
        List<Run> gateway = byServer.get("gateway");
        StringBuilder md = new StringBuilder();
        md.append("| server | runs | deliveries/s | p50 ms | p99 ms | p99.9 ms | server CPU (cores) | server CPU µs per"
            + " delivery | generator CPU | correctness |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<Run>> e : byServer.entrySet()) {
            List<Run> runs = e.getValue();
            md.append("| ").append(e.getKey()).append(" | ").append(runs.size())
                .append(" | ").append(cell(runs, gateway, Run::deliveries, "%,.0f"))
                .append(" | ").append(cell(runs, gateway, Run::p50, "%.2f"))
                .append(" | ").append(cell(runs, gateway, Run::p99, "%.2f"))
                .append(" | ").append(cell(runs, gateway, Run::p999, "%.2f"))
                .append(" | ").append(cell(runs, gateway, Run::serverCpu, "%.2f"))
                .append(" | ").append(cell(runs, gateway, Run::cpuMicrosPerDelivery, "%.2f"))
                .append(" | ").append(String.format(Locale.ROOT, "%.2f", median(runs, Run::generatorCpu)))
                .append(" | ").append(correctness(runs)).append(" |\n");
        }
        md.append("\nMedians over the runs; in brackets, this server's median divided by the gateway's. Each run:\n\n"
            + "| server | report | load average at start | deliveries/s | p50 ms | p99 ms | p99.9 ms | server CPU"
            + " | generator CPU | other CPU | verdict | flags |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<Run>> e : byServer.entrySet()) {
            for (Run r : e.getValue()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %,.0f | %.2f | %.2f | %.2f | %.2f | %.2f |"
                        + " %.2f | %s | %s |%n", e.getKey(), r.file(), r.load(), r.deliveries(), r.p50(), r.p99(),
                    r.p999(), r.serverCpu(), r.generatorCpu(), r.otherCpu(), r.verdict(),
                    r.rise() + (r.saturated() ? "generator saturated " : "") + (r.shared() ? "machine shared" : "")));
            }
        }
        return md.toString();
    }

    private static String cell(List<Run> runs, @Nullable List<Run> gateway,
                               ToDoubleFunction<Run> figure, String format) {
        double value = median(runs, figure);
        if (value < 0) {
            return "?";
        }
        String text = String.format(Locale.ROOT, format, value);
        double base = gateway == null ? -1 : median(gateway, figure);
        return base > 0 ? text + String.format(Locale.ROOT, " (%.2f)", value / base) : text;
    }

    /** The median of the known values (-1 when none is known). */
    static double median(List<Run> runs, ToDoubleFunction<Run> figure) {
        double[] known = runs.stream().mapToDouble(figure).filter(v -> v >= 0).sorted().toArray();
        if (known.length == 0) {
            return -1;
        }
        int mid = known.length / 2;
        return known.length % 2 == 1 ? known[mid] : (known[mid - 1] + known[mid]) / 2;
    }

    private static String correctness(List<Run> runs) {
        long received = runs.stream().mapToLong(Run::received).sum();
        long unannounced = runs.stream().mapToLong(Run::unannounced).sum();
        long duplicates = runs.stream().mapToLong(Run::duplicates).sum();
        long order = runs.stream().mapToLong(Run::orderViolations).sum();
        long lost = runs.stream().mapToLong(Run::connectionsLost).sum();
        String[] verdicts = runs.stream().map(Run::verdict).distinct().toArray(String[]::new);
        return String.format(Locale.ROOT, "%s: %,d received, %d missing, %d duplicates, %d out of order, %d"
            + " connections lost", String.join("/", Arrays.asList(verdicts)), received, unannounced, duplicates, order,
            lost);
    }
}
