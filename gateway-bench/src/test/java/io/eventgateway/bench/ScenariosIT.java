package io.eventgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.server.GatewayServer;
import io.eventgateway.server.RunningGateway;
import io.eventgateway.server.config.GatewayConfig;
import io.netty.channel.ChannelOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * One short run of every scenario against a real gateway started in this JVM on port 0, so the bench cannot
 * silently rot: each must finish, deliver, and find no unannounced loss, duplicate or order violation. Seconds and
 * tiny numbers, not measurements.
 */
class ScenariosIT {

    @TempDir
    Path temp;

    private @Nullable RunningGateway gateway;

    @AfterEach
    void stopGateway() {
        if (gateway != null) {
            gateway.disposeNow(Duration.ofSeconds(30));
        }
    }

    @Test
    void fanoutDeliversEveryEventToEverySubscriber() throws Exception {
        Report report = run(UnaryOperator.identity(), "fanout", "--subscribers", "10", "--rate", "100");
        assertHealthy(report);
        assertThat(report.correctness.received).isGreaterThanOrEqualTo(10 * 100L);
        assertThat(report.rows).extracting(r -> r.label).containsExactly("warm-up", "steady");
        assertThat(report.steady().p99Ms).isPositive();
        assertThat(report.machine.frameBytes).isBetween(250, 350);
        assertThat(report.resources.liveSubscribers).isEqualTo(10);
        assertThat(report.resources.gatewayConnections).isEqualTo(11);
        // The generator's two loops share the subscribers: Netty 4.2.18 put every client connection on one loop.
        assertThat(report.machine.subscribersPerLoop).hasSize(2).allSatisfy(n -> assertThat(n).isBetween(4, 6))
            .satisfies(counts -> assertThat(counts.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10));
        assertThat(report.markdown()).contains("- generator event loops: 2, subscribers on each: ");
    }

    @Test
    void fanoutRisingRateStepsAndDrawsThePlot() throws Exception {
        Path plot = temp.resolve("knee.svg");
        Report report = run(UnaryOperator.identity(), "fanout", "--subscribers", "5", "--rise", "--rate", "50",
            "--rate-step", "50", "--rate-max", "100", "--step-seconds", "1", "--settle-seconds", "0",
            "--p99-bound", "60000", "--plot", plot.toString());
        assertHealthy(report);
        // The second step runs unless the first already found the generator starved (a loaded machine): the
        // report then says so and stops, which is what it must do.
        assertThat(report.rows).extracting(r -> r.label).startsWith("warm-up", "50/s");
        assertThat(report.results).containsKey("stopped because");
        assertThat(Files.readString(plot)).startsWith("<svg").contains("polyline").endsWith("</svg>\n");
    }

    @Test
    void manyTopicsDeliversEachTopicToItsSubscribers() throws Exception {
        Report report = run(UnaryOperator.identity(), "many-topics", "--subscribers", "40", "--topics", "10",
            "--rate", "200", "--ramp", "1", "--publishers", "2");
        assertHealthy(report);
        // 40 subscribers on 10 topics: each event reaches 4 (throughput itself is not asserted: load varies).
        assertThat(report.correctness.received).isGreaterThan(4 * 200L);
        assertThat(report.parameters).containsEntry("warm-up ramp s", 1);
    }

    @Test
    void slowConsumersLoseOnlyAnnouncedEventsAndTheOthersNone() throws Exception {
        // A tiny buffer and small socket buffers on both sides, so two seconds of stall overflow for sure.
        Report report = run(c -> c.withWs(c.ws().withBufferSize(10)), "slow-consumers", "--subscribers", "10",
            "--slow-share", "0.2", "--rate", "300", "--slow-receive-buffer", "2048");
        assertHealthy(report);
        assertThat(report.rows).extracting(r -> r.label).contains("no stalls", "stalled");
        assertThat((Long) report.results.get("events announced dropped to the stalled clients")).isPositive();
        assertThat(report.correctness.announcedDrops).isPositive();
    }

    @Test
    void batchFramesAreReadWholeWithOverflowsInside() throws Exception {
        // A write delay makes events wait together, so they come in batch frames; the stalled clients' overflow
        // announcements then come inside batches too, and the reader must still account for every event.
        Report report = run(c -> c.withWs(c.ws().withBufferSize(10).withWriteDelay(Duration.ofMillis(20))),
            "slow-consumers", "--protocol", "gateway-batch", "--subscribers", "10", "--slow-share", "0.2", "--rate",
            "300", "--slow-receive-buffer", "2048");
        assertHealthy(report);
        assertThat(report.correctness.announcedDrops).isPositive();
        assertThat(report.machine.framesReceived).as("frames").isPositive()
            .isLessThan(report.correctness.received / 2);
    }

    @Test
    void churnKeepsEveryReconnectingStreamWhole() throws Exception {
        Report report = run(UnaryOperator.identity(), "churn", "--subscribers", "10", "--churn-share", "0.5",
            "--churn", "10", "--rate", "100");
        assertHealthy(report);
        assertThat((Long) report.results.get("reconnects completed")).isPositive();
    }

    @Test
    void publishMeasuresBothPathsAgainstTheBaseline() throws Exception {
        String store = "r2dbc:sqlite:" + temp.resolve("publish.db");
        Report report = run(c -> c.withStore(c.store().withUrl(store).withRetentionEvents(10)), "publish",
            "--seconds", "1", "--warmup", "0", "--publishers", "2", "--window", "4", "--concurrency", "2",
            "--batch", "20");
        assertThat(report.correctness.ok()).as(report.markdown()).isTrue();
        // Even a REST phase that measured nothing in its second appended the first two requests (40 events), more
        // than the 10 retention keeps: the WebSocket phase waited for the purge, which moved the oldest seq.
        Pattern waited = Pattern.compile("between the REST and the WebSocket phase the bench waited [0-9.]+ s for the"
            + " gateway's retention to stop purging \\(oldest retained seq [0-9]+, then ([0-9]+)\\)");
        assertThat(report.notes).as(report.markdown()).anySatisfy(note -> {
            Matcher m = waited.matcher(note);
            assertThat(m.matches()).as(note).isTrue();
            assertThat(Long.parseLong(m.group(1))).isGreaterThan(30L);
        });
        // Throughput is not asserted: on a loaded machine one second may measure nothing, and that is a figure.
        assertThat(report.results.values()).filteredOn(v -> v instanceof Double).hasSizeGreaterThanOrEqualTo(5)
            .allMatch(v -> (Double) v >= 0);
        assertThat(report.results).containsKeys("REST ratio to the baseline", "WebSocket ratio to the baseline");
    }

    @Test
    void replayStormDeliversEveryEventOnceInOrder() throws Exception {
        Report report = run(UnaryOperator.identity(), "replay", "--subscribers", "10", "--events", "150");
        assertHealthy(report);
        assertThat(report.correctness.received).isEqualTo(10 * 150L);
        assertThat((Double) report.results.get("all live after, s")).isPositive();
    }

    @Test
    void idleMeasuresHeapPerConnection() throws Exception {
        Report report = run(UnaryOperator.identity(), "idle", "--subscribers", "30", "--topics", "3",
            "--seconds", "1");
        assertThat(report.correctness.ok()).as(report.markdown()).isTrue();
        assertThat(report.results).containsKey("heap per idle connection, KB (target at most 15)");
        assertThat(report.resources.gatewayConnections).isEqualTo(30);
    }

    /** Starts a gateway with the bench's settings (no inbound rate limit) and runs a scenario against it. */
    private Report run(UnaryOperator<GatewayConfig> adjust, String scenario, String... args) throws Exception {
        GatewayConfig defaults = GatewayConfig.defaults();
        GatewayConfig config = adjust.apply(defaults
            .withServer(defaults.server().withPort(0).withMaxConnections(1000))
            .withWs(defaults.ws().withRateLimit(0))
            .withStore(defaults.store().withUrl("memory:")));
        RunningGateway started = GatewayServer.builder(config)
            .httpServer(s -> s.childOption(ChannelOption.SO_SNDBUF, 8192))
            .build().start().block(Duration.ofSeconds(30));
        gateway = started;
        List<String> all = new ArrayList<>(List.of("--port", Integer.toString(started.port()), "--warmup", "1",
            "--seconds", "2", "--settle-seconds", "1", "--drain-seconds", "30", "--interval", "1",
            "--client-threads", "2"));
        all.addAll(List.of(args));
        all.add("--json");
        all.add(temp.resolve(scenario + ".json").toString());
        BenchOptions options = new BenchOptions();
        new CommandLine(options).setOverwrittenOptionsAllowed(true).parseArgs(all.toArray(String[]::new));
        options.gatewayInProcess = true;
        Report report = BenchMain.run(scenario, options);
        report.write(options);
        assertThat(Report.json().readTree(temp.resolve(scenario + ".json").toFile()).get("scenario").asText())
            .isEqualTo(scenario);
        return report;
    }

    private static void assertHealthy(Report report) {
        String why = report.markdown();
        Report.Correctness c = report.correctness;
        assertThat(c.unannounced).as(why).isZero();
        assertThat(c.duplicates).as(why).isZero();
        assertThat(c.orderViolations).as(why).isZero();
        assertThat(c.overAnnounced).as(why).isZero();
        assertThat(c.misrouted).as(why).isZero();
        assertThat(c.connectionsLost).as(why).isZero();
        assertThat(c.serverErrors).as(why).isZero();
        assertThat(c.publishesRejected).as(why).isZero();
        assertThat(c.received).as(why).isPositive();
        if (!report.rows.isEmpty()) {
            assertThat(report.steady().deliveriesPerSecond).as(why).isPositive();
        }
    }
}
