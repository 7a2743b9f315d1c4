package io.eventgateway.bench;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One run's figures, the same shape for every scenario: its parameters and machine, one {@link Row} per measured
 * window (the warm-up, the steady state, each step of a rising rate...), the scenario's own results, the
 * correctness counts, the gateway's resources and the verdict (a saturated load generator is said so, not
 * reported as the gateway's number). Printed as Markdown, written as JSON.
 */
final class Report {

    String scenario;
    String target = "";
    String label = "";
    String startedAt = Instant.now().toString();
    Map<String, Object> parameters = new LinkedHashMap<>();
    Machine machine = new Machine();
    List<Row> rows = new ArrayList<>();
    Map<String, Object> results = new LinkedHashMap<>();
    Correctness correctness = new Correctness();
    Resources resources = new Resources();
    boolean generatorSaturated;
    List<String> saturation = new ArrayList<>();
    boolean machineShared;
    List<String> notes = new ArrayList<>();
    List<String> progress = new ArrayList<>();
    /** False for a run without a server under test ({@code loopback}): no correctness or gateway lines. */
    boolean measuresServer = true;

    Report(String scenario) {
        this.scenario = scenario;
    }

    /** Where and on what the run happened. */
    static final class Machine {
        int cores = ProcStats.cores();
        String loadAverageAtStart = ProcStats.loadAverage();
        String loadAverageAtEnd = "";
        String java = System.getProperty("java.vm.name") + " " + System.getProperty("java.version");
        long generatorMaxHeapMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
        int sourceAddresses;
        int frameBytes;
        /** Frames that carried data, received by all subscribers (one per event, unless the server batches). */
        long framesReceived;
        /** Subscribers reading on each of the generator's event loops, in the loops' order. */
        List<Integer> subscribersPerLoop = new ArrayList<>();
    }

    /** One measured window. Latencies in ms; CPU in cores (1.0 = one core busy); -1 = not known. */
    static final class Row {
        String label;
        boolean steady;
        double seconds;
        double targetRate;
        double publishedPerSecond;
        double deliveriesPerSecond;
        long samples;
        double p50Ms;
        double p99Ms;
        double p999Ms;
        double maxMs;
        /** Latency of other groups of subscribers (slow-consumers: the stalled ones), by group name. */
        Map<String, double[]> groups = new LinkedHashMap<>();
        double gatewayCpu = -1;
        /** The part of {@link #gatewayCpu} its garbage collector's own threads used ({@link ProcStats#isGcThread}). */
        double gatewayGcCpu = -1;
        double generatorCpu = -1;
        /** CPU used by every other process of the machine during the window, in cores. */
        double otherCpu = -1;
        /** Other processes used enough of the cores that the figures are not the gateway's capacity. */
        boolean machineShared;
        String generatorBusiestLoop = "";
        double generatorBusiestLoopCpu = -1;
        String gatewayTopThreads = "";
        double loopLagP99Ms;
        double loopLagMaxMs;
        double publisherLagP99Ms;
        double publisherLagMaxMs;
        long announcedDrops;
        int liveSubscribers;
        boolean settled = true;
        boolean generatorSaturated;
        /**
         * The generator itself could go no faster (a loop busy {@value Meter#BUSY_LOOP} of the window, or the
         * publisher below its rate); false when only its lag counted it saturated (the cores were held by others).
         */
        boolean generatorBusy;
        List<String> saturation = new ArrayList<>();

        Row(String label) {
            this.label = label;
        }
    }

    /** The guarantees: every count but {@code announcedDrops} must be 0. */
    static final class Correctness {
        long received;
        long announcedDrops;
        long unannounced;
        long duplicates;
        long orderViolations;
        long overAnnounced;
        long misrouted;
        long connectionsLost;
        /** Subscribers that reconnected with since after the server closed them (their streams stay checked). */
        long reconnectsAfterLoss;
        long serverErrors;
        long publishesRejected;
        long publishesUnanswered;
        /** Events still missing when the drain deadline passed, after no jump: late or lost, not decided. */
        long undelivered;
        @Nullable String lastProblem;

        /** OK, FAILED (a guarantee was broken), or INCONCLUSIVE (events still in flight at the deadline). */
        String verdict() {
            return !ok() ? "FAILED" : undelivered > 0 || publishesUnanswered > 0 ? "INCONCLUSIVE" : "OK";
        }

        boolean ok() {
            return unannounced == 0 && duplicates == 0 && orderViolations == 0 && overAnnounced == 0
                && misrouted == 0 && connectionsLost == 0 && serverErrors == 0 && publishesRejected == 0;
        }
    }

    /** The gateway's resources at the end of the run (or where a scenario says). */
    static final class Resources {
        double gatewayRssMb = -1;
        double gatewayHeapAfterGcMb = -1;
        long liveSubscribers = -1;
        long gatewayConnections = -1;
        double connectP50Ms = -1;
        double connectP99Ms = -1;
    }

    /** The server under test, as the report names it. */
    static String target(BenchOptions options) {
        return options.protocol + " at " + options.host + ":" + options.port
            + (options.gatewayArgs.isEmpty() ? "" : " with " + options.gatewayArgs)
            + (options.gatewayInProcess ? " (in-process)" : "");
    }

    Row steady() {
        Row last = null;
        for (Row r : rows) {
            if (r.steady) {
                last = r;
            }
        }
        return last != null ? last : rows.isEmpty() ? new Row("none") : rows.get(rows.size() - 1);
    }

    /** Marks the run as measuring the load generator, with the reasons of every saturated window. */
    void collectSaturation() {
        for (Row r : rows) {
            if (r.machineShared && r.steady && !machineShared) {
                machineShared = true;
                notes.add(0, String.format(Locale.ROOT, "other processes used %.2f of the %d cores during %s (load"
                    + " average %s at the end): the gateway and the generator ran on what was left, so these"
                    + " figures are not the gateway's capacity", r.otherCpu, machine.cores, r.label,
                    ProcStats.loadAverage()));
            }
            if (r.generatorSaturated && r.steady) {
                generatorSaturated = true;
                for (String reason : r.saturation) {
                    saturation.add(r.label + ": " + reason);
                }
            }
        }
    }

    /** 0 when correct, 3 when a guarantee was broken, 4 when the run could not tell (events still in flight). */
    int exitCode() {
        String v = correctness.verdict();
        return "FAILED".equals(v) ? 3 : "INCONCLUSIVE".equals(v) ? 4 : 0;
    }

    // ----- Markdown -----

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("## ").append(scenario).append(label.isEmpty() ? "" : " (" + label + ")").append("\n\n");
        md.append("- target: ").append(target).append(", started ").append(startedAt).append('\n');
        md.append("- parameters: ").append(join(parameters)).append('\n');
        md.append(String.format(Locale.ROOT, "- machine: %d cores, load average %s at start, %s at end; %s;"
                + " generator heap max %d MB; %d source address(es)%s%n", machine.cores, machine.loadAverageAtStart,
            machine.loadAverageAtEnd, machine.java, machine.generatorMaxHeapMb, machine.sourceAddresses,
            machine.frameBytes > 0 ? "; event frames of " + machine.frameBytes + " B at most" : ""));
        if (!machine.subscribersPerLoop.isEmpty()) {
            md.append("- generator event loops: ").append(machine.subscribersPerLoop.size())
                .append(", subscribers on each: ")
                .append(machine.subscribersPerLoop.stream().map(String::valueOf).collect(Collectors.joining(", ")))
                .append('\n');
        }
        if (machine.framesReceived > 0 && correctness.received > 0) {
            md.append(String.format(Locale.ROOT, "- frames received %,d: %.2f events per frame%n",
                machine.framesReceived, (double) correctness.received / machine.framesReceived));
        }
        if (generatorSaturated) {
            md.append("\n**The load generator could not keep up (saturated, or starved of CPU): these figures measure"
                + " the generator, not the gateway.** Rerun with fewer subscribers or a lower rate, on a quieter"
                + " machine, or with the generator on its own cores.\n");
            for (String reason : saturation) {
                md.append("- ").append(reason).append('\n');
            }
        }
        if (machineShared) {
            md.append("\n**The machine was shared with other work during the measurement: these figures are not the"
                + " gateway's capacity** (see the note below; the \"other CPU\" column).\n");
        }
        if (!rows.isEmpty()) {
            md.append('\n').append(table()).append('\n');
        }
        if (!results.isEmpty()) {
            md.append("\nResults:\n");
            for (Map.Entry<String, Object> e : results.entrySet()) {
                md.append("- ").append(e.getKey()).append(": ").append(format(e.getValue())).append('\n');
            }
        }
        if (measuresServer) {
            correctnessAndResources(md);
        }
        for (String note : notes) {
            md.append("\nNote: ").append(note).append('\n');
        }
        return md.toString();
    }

    private void correctnessAndResources(StringBuilder md) {
        Correctness c = correctness;
        md.append(String.format(Locale.ROOT, "%nCorrectness (%s): %,d events received; %,d announced dropped"
                + " (overflow); %d unannounced missing; %d undelivered when the drain ended; %d duplicates;"
                + " %d order violations; %d over-announced;"
                + " %d misrouted; %d connections lost (%d reconnected with since); %d server errors; %d publishes"
                + " rejected, %d unanswered%s%n",
            c.verdict(), c.received, c.announcedDrops, c.unannounced, c.undelivered, c.duplicates, c.orderViolations,
            c.overAnnounced, c.misrouted, c.connectionsLost, c.reconnectsAfterLoss, c.serverErrors, c.publishesRejected,
            c.publishesUnanswered, c.lastProblem == null ? "" : "; last problem: " + c.lastProblem));
        Resources r = resources;
        md.append(String.format(Locale.ROOT, "%nGateway: RSS %s MB, heap after GC %s MB; live subscribers %s"
                + " (generator's count), %s WebSocket connections (gateway's count)%s%n",
            num(r.gatewayRssMb), num(r.gatewayHeapAfterGcMb), r.liveSubscribers < 0 ? "?" : r.liveSubscribers,
            r.gatewayConnections < 0 ? "?" : r.gatewayConnections,
            r.connectP50Ms < 0 ? "" : String.format(Locale.ROOT, "; connect to subscribed p50 %.1f ms, p99 %.1f ms",
                r.connectP50Ms, r.connectP99Ms)));
    }

    private String table() {
        List<String> groupNames = new ArrayList<>();
        for (Row r : rows) {
            for (String g : r.groups.keySet()) {
                if (!groupNames.contains(g)) {
                    groupNames.add(g);
                }
            }
        }
        StringBuilder t = new StringBuilder("| window | s | rate/s | published/s | delivered/s | p50 ms | p99 ms"
            + " | p99.9 ms | max ms |");
        for (String g : groupNames) {
            t.append(' ').append(g).append(" p50 / p99 ms |");
        }
        t.append(" announced drops | gateway CPU (its GC threads) | generator CPU (busiest loop) | other CPU"
            + " | generator loop lag p99 ms | publisher lag p99 ms | live | gateway busiest threads |\n|");
        int columns = 9 + groupNames.size() + 8;
        t.append("---|".repeat(columns)).append('\n');
        for (Row r : rows) {
            t.append(String.format(Locale.ROOT, "| %s%s%s | %.0f | %s | %,.0f | %,.0f | %s | %s | %s | %s |",
                r.label, r.settled ? "" : " (not settled)", r.generatorSaturated ? " (**generator saturated**)" : "",
                r.seconds, r.targetRate > 0 ? String.format(Locale.ROOT, "%,.0f", r.targetRate) : "-",
                r.publishedPerSecond, r.deliveriesPerSecond, ms(r.p50Ms), ms(r.p99Ms), ms(r.p999Ms), ms(r.maxMs)));
            for (String g : groupNames) {
                double[] v = r.groups.get(g);
                t.append(v == null ? " - |" : " " + ms(v[0]) + " / " + ms(v[1]) + " |");
            }
            t.append(String.format(Locale.ROOT, " %,d | %s%s | %s (%s) | %s | %s | %s | %d | %s |%n", r.announcedDrops,
                num(r.gatewayCpu), r.gatewayGcCpu < 0 ? "" : " (" + num(r.gatewayGcCpu) + ")", num(r.generatorCpu),
                num(r.generatorBusiestLoopCpu), num(r.otherCpu), ms(r.loopLagP99Ms), ms(r.publisherLagP99Ms),
                r.liveSubscribers, r.gatewayTopThreads.isEmpty() ? "-" : r.gatewayTopThreads));
        }
        return t.toString();
    }

    private static String join(Map<String, Object> map) {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (s.length() > 0) {
                s.append(", ");
            }
            s.append(e.getKey()).append('=').append(format(e.getValue()));
        }
        return s.toString();
    }

    private static String format(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%,.0f", d) : String.format(Locale.ROOT, "%.2f", d);
        }
        if (value instanceof Long || value instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", ((Number) value).longValue());
        }
        return String.valueOf(value);
    }

    static String ms(double value) {
        if (value < 0) {
            return "?";
        }
        return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
            : value >= 10 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String num(double value) {
        return value < 0 ? "?" : String.format(Locale.ROOT, "%.2f", value);
    }

    // ----- output -----

    /** Prints the Markdown and writes the files the options ask for. */
    void write(BenchOptions options) throws IOException {
        machine.loadAverageAtEnd = ProcStats.loadAverage();
        String md = markdown();
        System.out.println(md);
        if (options.markdown != null) {
            Path file = Path.of(options.markdown);
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, md, StandardCharsets.UTF_8);
        }
        if (options.json != null) {
            File file = new File(options.json);
            if (file.getParentFile() != null) {
                Files.createDirectories(file.getParentFile().toPath());
            }
            json().writeValue(file, this);
        }
    }

    static ObjectMapper json() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
    }
}
