package io.eventgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    @TempDir
    Path temp;

    private static Report.Row row(String label, double rate, double p50, double p99) {
        Report.Row r = new Report.Row(label);
        r.steady = true;
        r.targetRate = rate;
        r.publishedPerSecond = rate;
        r.deliveriesPerSecond = rate * 1000;
        r.samples = 100;
        r.p50Ms = p50;
        r.p99Ms = p99;
        return r;
    }

    @Test
    void aWindowWhoseGeneratorLoopWasBusyIsSaturated() {
        Report.Row r = row("steady", 300, 5, 20);
        r.generatorBusiestLoopCpu = 0.95;
        r.generatorBusiestLoop = "bench-io-epoll-";
        Meter.judge(r);
        assertThat(r.generatorSaturated).isTrue();
        assertThat(r.generatorBusy).as("busy: a rise stops here").isTrue();
        assertThat(r.saturation).hasSize(1).first().asString().contains("busy 95%");
    }

    @Test
    void aWindowWhoseGeneratorLagIsAQuarterOfTheP99IsSaturatedAndOneWithLittleLagIsNot() {
        Report.Row lagging = row("steady", 300, 5, 20);
        lagging.generatorBusiestLoopCpu = 0.2;
        lagging.loopLagP99Ms = 6;
        Meter.judge(lagging);
        assertThat(lagging.generatorSaturated).isTrue();
        assertThat(lagging.saturation.get(0)).contains("other work held the cores");
        assertThat(lagging.generatorBusy).as("lag alone: a rise goes on").isFalse();

        Report.Row fine = row("steady", 300, 5, 20);
        fine.generatorBusiestLoopCpu = 0.5;
        fine.loopLagP99Ms = 1;
        fine.publisherLagP99Ms = 0.5;
        Meter.judge(fine);
        assertThat(fine.generatorSaturated).isFalse();
    }

    @Test
    void aPublisherBelowItsRateIsSaturated() {
        Report.Row r = row("steady", 300, 5, 20);
        r.publishedPerSecond = 200;
        Meter.judge(r);
        assertThat(r.generatorSaturated).isTrue();
        assertThat(r.generatorBusy).isTrue();
    }

    @Test
    void theMarkdownSaysWhenTheGeneratorWasSaturatedAndTheJsonHasEveryField() throws Exception {
        Report report = new Report("fanout");
        report.parameters.put("subscribers", 1000);
        Report.Row r = row("steady", 300, 5, 20);
        r.saturation.add("a load-generator event loop was busy 95% of the window");
        r.generatorSaturated = true;
        report.rows.add(r);
        report.collectSaturation();
        report.correctness.unannounced = 1;
        String md = report.markdown();
        assertThat(md).contains("could not keep up").contains("| steady (**generator saturated**) |")
            .contains("Correctness (FAILED)").contains("subscribers=1,000");
        assertThat(report.exitCode()).isEqualTo(3);
        JsonNode json = Report.json().readTree(Report.json().writeValueAsString(report));
        assertThat(json.get("generatorSaturated").asBoolean()).isTrue();
        assertThat(json.get("rows").get(0).get("p99Ms").asDouble()).isEqualTo(20);
        assertThat(json.get("correctness").get("unannounced").asLong()).isEqualTo(1);
    }

    @Test
    void gcThreadsAreTheCollectorsOwnByTheNamesHotSpot17Gives() {
        // Listed from /proc/PID/task/*/comm of JDK 17 JVMs with ZGC, G1 and Parallel (names cut at 15 characters).
        assertThat(List.of("ZWorker#0", "ZDriver", "ZDirector", "ZStat", "ZUncommitter", "ZUnmapper",
            "RuntimeWorker#1", "G1 Conc#0", "G1 Refine#1", "G1 Main Marker", "G1 Service", "GC Thread#1"))
            .allMatch(ProcStats::isGcThread);
        assertThat(List.of("reactor-http-ep", "gateway-hub-1", "C2 CompilerThre", "VM Thread", "java",
            "Zookeeper-io", "r2dbc-sqlite-1", "Common-Cleaner", "GCleaner")).noneMatch(ProcStats::isGcThread);
    }

    @Test
    void aShareSumsTheMatchingThreadsOverTheWindowCountingANewThreadFromZero() {
        Map<Long, ProcStats.ThreadCpu> before = Map.of(
            1L, new ProcStats.ThreadCpu("ZWorker#0", 10.0),
            2L, new ProcStats.ThreadCpu("reactor-http-ep", 50.0),
            3L, new ProcStats.ThreadCpu("ZDriver", 1.0));
        Map<Long, ProcStats.ThreadCpu> after = Map.of(
            1L, new ProcStats.ThreadCpu("ZWorker#0", 12.0),
            2L, new ProcStats.ThreadCpu("reactor-http-ep", 90.0),
            3L, new ProcStats.ThreadCpu("ZDriver", 1.5),
            4L, new ProcStats.ThreadCpu("RuntimeWorker#0", 0.5));
        // (2.0 + 0.5 + 0.5) CPU seconds over 10 s; the loop's 40 s are not the collector's.
        assertThat(ProcStats.share(before, after, ProcStats::isGcThread, 10)).isCloseTo(0.3, within(1e-9));
        assertThat(ProcStats.share(before, after, name -> name.startsWith("reactor"), 10)).isCloseTo(4.0,
            within(1e-9));
    }

    @Test
    void theGatewaysCpuCellShowsItsGcThreadsShareWhenKnown() {
        Report report = new Report("many-topics");
        Report.Row known = row("steady", 5000, 0.2, 5);
        known.gatewayCpu = 0.67;
        known.gatewayGcCpu = 0.04;
        Report.Row unknown = row("warm-up", 5000, 0.2, 5);
        unknown.gatewayCpu = 0.61;
        report.rows.add(unknown);
        report.rows.add(known);
        String md = report.markdown();
        assertThat(md).contains("| gateway CPU (its GC threads) |").contains("| 0.67 (0.04) |")
            .contains("| 0.61 |");
    }

    @Test
    void theSvgIsWellFormedAndHasBothSeriesAndTheBound() throws Exception {
        Path file = temp.resolve("img/plot.svg");
        Svg.latencyAgainstRate(file, "fanout <test>", List.of(row("100/s", 100, 2, 8), row("200/s", 200, 4, 30),
            row("300/s", 300, 20, 120)), 50);
        String svg = Files.readString(file);
        assertThat(svg).contains("p99 bound 50 ms").contains("fanout &lt;test&gt;");
        assertThat(svg.split("<polyline", -1)).hasSize(3);
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    @Test
    void readsTheHeapInUseFromJcmdHeapInfo() {
        String g1 = "12345:\n garbage-first heap   total 262144K, used 16384K [0x0000000080000000,"
            + " 0x0000000100000000)\n"
            + "  region size 1024K, 2 young (2048K), 0 survivors (0K)\n Metaspace       used 5123K, committed 5376K\n";
        assertThat(GatewayProbe.parseHeapUsedKb(g1)).isEqualTo(16384);
        assertThat(GatewayProbe.parseHeapUsedKb(" ZHeap           used 20M, capacity 256M")).isEqualTo(20 * 1024);
        assertThat(GatewayProbe.parseHeapUsedKb("nothing")).isEqualTo(-1);
    }

    @Test
    void sourceAddressesMoveOnWhenFullOrOutOfPorts() {
        SourceAddresses sources = new SourceAddresses(2);
        assertThat(sources.next().getHostString()).isEqualTo("127.0.0.1");
        assertThat(sources.next().getHostString()).isEqualTo("127.0.0.1");
        assertThat(sources.next().getHostString()).isEqualTo("127.0.0.2");
        sources.exhausted(new java.net.InetSocketAddress("127.0.0.2", 0));
        assertThat(sources.next().getHostString()).isEqualTo("127.0.0.3");
        assertThat(sources.used()).isEqualTo(3);
        assertThat(SourceAddresses.isOutOfPorts(new RuntimeException(new java.net.BindException(
            "Cannot assign requested address")))).isTrue();
    }

    @Test
    void scanReadsNumbersAfterKeys() {
        byte[] b = Scan.ascii("{\"a\":12,\"b\":-7,\"c\":x}");
        assertThat(Scan.numberAfter(b, 0, b.length, Scan.ascii("\"a\":"))).isEqualTo(12);
        assertThat(Scan.numberAfter(b, 0, b.length, Scan.ascii("\"b\":"))).isEqualTo(-7);
        assertThat(Scan.numberAfter(b, 0, b.length, Scan.ascii("\"c\":"))).isEqualTo(Long.MIN_VALUE);
        assertThat(Scan.numberAfter(b, 0, b.length, Scan.ascii("\"d\":"))).isEqualTo(Long.MIN_VALUE);
        assertThat(ReplayScenario.firstNumber("{\"seqs\":[11,12]}")).isEqualTo(11);
    }
}
