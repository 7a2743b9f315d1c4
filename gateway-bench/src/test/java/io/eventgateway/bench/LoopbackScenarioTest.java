package io.eventgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoopbackScenarioTest {

    @Test
    void everyFrameWrittenIsReadAndEachThreadsCpuIsCounted() throws Exception {
        LoopbackScenario.Measured m = LoopbackScenario.measure(20, 2_000, TimeUnit.SECONDS.toNanos(1));
        // 2,000 frames/s for one second, a millisecond's worth at a time: the schedule's last tick ends the second.
        assertThat(m.written()).isBetween(1_990L, 2_000L);
        assertThat(m.frames()).isEqualTo(m.written());
        assertThat(m.refused()).isZero();
        assertThat(m.framesPerSecond()).isBetween(1_000.0, 2_100.0);
        // A write and a read of a small frame cost this thread something, most of it in the kernel.
        assertThat(m.writerUser() + m.writerKernel()).isPositive();
        assertThat(m.readerUser() + m.readerKernel()).isPositive();
        assertThat(m.perFrame(m.writerUser() + m.writerKernel())).isGreaterThan(0.1).isLessThan(10_000);
    }

    @Test
    void theReportHasTheResultsAndNoServerLines() throws Exception {
        BenchOptions options = new BenchOptions();
        options.subscribers = 10;
        options.rate = 1_000;
        options.seconds = 1;
        Report report = new LoopbackScenario(options).run();
        assertThat(report.results).containsKeys("frames/s delivered", "writer CPU per frame, us (user + kernel)",
            "writer CPU per frame, us kernel", "reader CPU per frame, us (user + kernel)");
        assertThat((Long) report.results.get("writes refused (socket buffer full)")).isZero();
        String md = report.markdown();
        assertThat(md).startsWith("## loopback").contains("frames/s delivered")
            .doesNotContain("Correctness").doesNotContain("Gateway: RSS");
        assertThat(report.exitCode()).isZero();
    }

    @Test
    void aRateOfZeroIsRefusedWithTheOptionsNamed() {
        BenchOptions options = new BenchOptions();
        options.rate = 0;
        assertThatThrownBy(() -> new LoopbackScenario(options).run()).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("--rate");
    }
}
