package io.eventgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A tiny fanout against each peer of issue 5 part 3 (10 subscribers, 50 events/s, 2 s), so the peers and their
 * protocols cannot silently rot: the Node {@code ws} peer when {@code node} is installed, nats-server when it is.
 * Each is skipped, with the reason, when its runtime is missing ({@code scripts/bench-peers} installs both).
 */
class PeersIT {

    private static final Pattern NODE_READY = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern NATS_READY = Pattern.compile("websocket clients on ws://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path temp;

    private @Nullable Process server;

    @AfterEach
    void stopServer() throws InterruptedException {
        Process p = server;
        if (p != null) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void fanoutThroughTheNodeWsPeerDeliversEveryEventOnceInOrder() throws Exception {
        assumeTrue(onPath("node") != null, "node is not installed: the Node ws peer cannot run");
        Path peer = moduleDir().resolve("peers/node-ws");
        if (!Files.isDirectory(peer.resolve("node_modules/ws"))) {
            Process ci = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(peer.toFile())
                .redirectErrorStream(true).redirectOutput(temp.resolve("npm.log").toFile()).start();
            boolean done = ci.waitFor(120, TimeUnit.SECONDS);
            if (!done) {
                ci.destroyForcibly();
            }
            assumeTrue(done && ci.exitValue() == 0, "npm ci failed in " + peer + " (no registry?): "
                + Files.readString(temp.resolve("npm.log")));
        }
        int port = start(new ProcessBuilder("node", peer.resolve("server.js").toString(), "--port", "0"), NODE_READY);
        Report report = fanout("node-ws", port);
        assertHealthy(report);
        assertThat(report.machine.frameBytes).isBetween(250, 350);
    }

    @Test
    void fanoutThroughNatsServerOverWebSocketDeliversEveryEventOnceInOrder() throws Exception {
        Path nats = onPath("nats-server");
        assumeTrue(nats != null, "nats-server is not installed (apt-get install nats-server; scripts/bench-peers"
            + " does it)");
        Path config = temp.resolve("nats.conf");
        Files.writeString(config, "host: 127.0.0.1\nport: -1\nwebsocket {\n  host: 127.0.0.1\n  port: -1\n"
            + "  no_tls: true\n}\n");
        int port = start(new ProcessBuilder(nats.toString(), "-c", config.toString()), NATS_READY);
        Report report = fanout("nats", port);
        assertHealthy(report);
    }

    private Report fanout(String protocol, int port) throws Exception {
        Process p = server;
        List<String> args = new ArrayList<>(List.of("--protocol", protocol, "--port", Integer.toString(port),
            "--gateway-pid", Long.toString(p == null ? -1 : p.pid()), "--subscribers", "10", "--rate", "50",
            "--warmup", "1", "--seconds", "2", "--drain-seconds", "30", "--client-threads", "2", "--json",
            temp.resolve(protocol + ".json").toString()));
        BenchOptions options = new BenchOptions();
        new CommandLine(options).setOverwrittenOptionsAllowed(true).parseArgs(args.toArray(String[]::new));
        Report report = BenchMain.run("fanout", options);
        report.write(options);
        assertThat(Report.json().readTree(temp.resolve(protocol + ".json").toFile()).get("target").asText())
            .startsWith(protocol + " at 127.0.0.1:" + port);
        return report;
    }

    private static void assertHealthy(Report report) {
        String why = report.markdown();
        Report.Correctness c = report.correctness;
        assertThat(c.received).as(why).isGreaterThanOrEqualTo(10 * 50L * 2);
        assertThat(c.unannounced).as(why).isZero();
        assertThat(c.duplicates).as(why).isZero();
        assertThat(c.orderViolations).as(why).isZero();
        assertThat(c.misrouted).as(why).isZero();
        assertThat(c.connectionsLost).as(why).isZero();
        assertThat(c.serverErrors).as(why).isZero();
        assertThat(report.steady().deliveriesPerSecond).as(why).isPositive();
        // The peer's CPU is read from /proc, as the gateway's is.
        assertThat(report.steady().gatewayCpu).as(why).isGreaterThanOrEqualTo(0);
        assertThat(report.resources.gatewayRssMb).as(why).isPositive();
    }

    /** Starts a server and waits (at most 30 s) for the line that says it listens; answers its port. */
    private int start(ProcessBuilder builder, Pattern ready) throws Exception {
        Process p = builder.redirectErrorStream(true).start();
        server = p;
        StringBuilder output = new StringBuilder();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    Matcher m = ready.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("the server exited: " + output));
        }, "peer-output");
        reader.setDaemon(true);
        reader.start();
        return port.get(30, TimeUnit.SECONDS);
    }

    private static Path moduleDir() {
        Path here = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        return Files.isDirectory(here.resolve("peers")) ? here : here.resolve("gateway-bench");
    }

    private static @Nullable Path onPath(String command) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.add("/usr/sbin");
        for (String dir : dirs) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
