package io.eventgateway.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.server.GatewayTestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's tour runs {@code examples/orchestrator/run} against a started gateway: this runs the same program
 * (one source file, launched by the JDK) against a real gateway and checks what it prints, so the example cannot
 * drift from the protocol.
 */
class OrchestratorExampleIT extends GatewayTestSupport {

    @Test
    void theExampleOrchestratorRunsAgainstAGatewayAndPrintsWhatItsSubscriberSees() throws Exception {
        start();
        Path source = Path.of("..", "examples", "orchestrator", "Orchestrator.java").toAbsolutePath().normalize();
        assertThat(source).exists();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), source.toString(), "--url",
            "http://127.0.0.1:" + port()).redirectErrorStream(true).start();
        boolean exited = process.waitFor(2, TimeUnit.MINUTES);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!exited) {
            process.destroyForcibly();
        }
        assertThat(exited).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        for (String type : new String[] {"task.created", "task.updated", "task.status_changed", "task.blocked",
            "task.completed", "stream.started", "stream.progress", "stream.blocked", "stream.completed",
            "checkpoint.created", "checkpoint.resumed", "agent.started", "agent.heartbeat", "agent.completed",
            "agent.handoff"}) {
            assertThat(output).as(type).contains(" " + type + " ");
        }
        assertThat(output).contains("2/2 completed (100.0%)").contains("tasks completed (100.0%), 1 cancelled");
    }
}
