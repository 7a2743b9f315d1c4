package io.eventgateway.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * What the bench reads about the server under test: its CPU, threads and RSS from {@code /proc} (when its
 * process id is known, whatever the server: the peers' CPU is read the same way), its heap after a full GC
 * ({@code jcmd PID GC.run}, then {@code GC.heap_info}; a JVM only), and the WebSocket connections it counts (from
 * the gateway's {@code /metrics}, else {@code /api/status}; -1 for a peer).
 */
final class GatewayProbe {

    private static final Pattern G1_USED = Pattern.compile("heap\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K");
    private static final Pattern ANY_USED = Pattern.compile("used\\s+(\\d+)([KMG])");
    private static final Pattern ACTIVE_METRIC =
        Pattern.compile("(?m)^gateway_ws_connections_active(?:\\{[^}]*\\})?\\s+([0-9.eE+]+)");
    private static final Pattern ACTIVE_STATUS = Pattern.compile("\"active\"\\s*:\\s*(\\d+)");
    private static final Pattern OLDEST_SEQ = Pattern.compile("\"oldestSeq\"\\s*:\\s*(\\d+)");

    private final long pid;
    private final boolean inProcess;
    private final HttpClient http;

    private GatewayProbe(long pid, boolean inProcess, String host, int port, @Nullable String token) {
        this.pid = pid;
        this.inProcess = inProcess;
        this.http = HttpClient.create(ConnectionProvider.newConnection()).host(host).port(port)
            .responseTimeout(Duration.ofSeconds(5))
            .headers(h -> {
                if (token != null) {
                    h.set("Authorization", "Bearer " + token);
                }
            });
    }

    /**
     * A probe of the gateway the options name.
     *
     * @param options {@code --gateway-pid}, {@code --host}, {@code --port}
     * @return the probe; without a pid only the connection count is known
     */
    static GatewayProbe of(BenchOptions options) {
        long self = ProcessHandle.current().pid();
        boolean inProcess = options.gatewayInProcess;
        return new GatewayProbe(inProcess ? self : options.gatewayPid, inProcess, options.host, options.port,
            options.token);
    }

    /** Whether the gateway's process is known (CPU, RSS and heap can be read). */
    boolean known() {
        return pid > 0;
    }

    /** Whether the gateway runs inside the load generator's JVM (the smoke tests): its CPU cannot be split. */
    boolean inProcess() {
        return inProcess;
    }

    double cpuSeconds() {
        return known() && !inProcess ? ProcStats.cpuSeconds(pid) : -1;
    }

    long rssKb() {
        return known() ? ProcStats.rssKb(pid) : -1;
    }

    Map<Long, ProcStats.ThreadCpu> threads() {
        return known() && !inProcess ? ProcStats.threads(pid) : Map.of();
    }

    /**
     * Forces full collections in the gateway and answers the heap still in use: its live data. It stops the
     * gateway's threads for a moment, so it is only called between measured windows.
     *
     * @return KB in use after GC, or -1 when it cannot be read
     */
    long heapAfterGcKb() {
        if (!known()) {
            return -1;
        }
        if (inProcess) {
            System.gc();
            System.gc();
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
        }
        if (!isJvm()) {
            return -1;
        }
        if (jcmd("GC.run") == null || jcmd("GC.run") == null) {
            return -1;
        }
        String info = jcmd("GC.heap_info");
        return info == null ? -1 : parseHeapUsedKb(info);
    }

    /**
     * Whether the server is a JVM. jcmd attaches by sending SIGQUIT, which a JVM answers and any other process (a
     * peer: Node, nats-server) dies of, so jcmd is only ever run against a JVM.
     */
    private boolean isJvm() {
        return ProcessHandle.of(pid).flatMap(p -> p.info().command())
            .map(command -> command.endsWith("/java") || command.equals("java")).orElse(false);
    }

    static long parseHeapUsedKb(String heapInfo) {
        Matcher g1 = G1_USED.matcher(heapInfo);
        if (g1.find()) {
            return Long.parseLong(g1.group(1));
        }
        Matcher any = ANY_USED.matcher(heapInfo);
        if (any.find()) {
            long value = Long.parseLong(any.group(1));
            switch (any.group(2)) {
                case "G":
                    return value * 1024 * 1024;
                case "M":
                    return value * 1024;
                default:
                    return value;
            }
        }
        return -1;
    }

    /**
     * The WebSocket connections the gateway counts as open, from {@code /metrics}
     * ({@code gateway_ws_connections_active}) or else {@code /api/status} ({@code connections.active}).
     *
     * @return the count, or -1 when neither answered
     */
    long connections() {
        String metrics = get("/metrics");
        if (metrics != null) {
            Matcher m = ACTIVE_METRIC.matcher(metrics);
            if (m.find()) {
                return (long) Double.parseDouble(m.group(1));
            }
        }
        String status = get("/api/status");
        if (status != null) {
            Matcher m = ACTIVE_STATUS.matcher(status);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        return -1;
    }

    /**
     * The gateway's oldest retained seq, from {@code GET /api/events} asking for no event.
     *
     * @return the seq, or -1 when the gateway did not answer it
     */
    long oldestSeq() {
        String answer = get("/api/events?since=0&until=0&limit=1");
        Matcher m = answer == null ? null : OLDEST_SEQ.matcher(answer);
        return m != null && m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private @Nullable String get(String path) {
        try {
            return http.get().uri(path)
                .responseSingle((response, body) -> response.status().code() == 200
                    ? body.asString(StandardCharsets.UTF_8) : body.then(Mono.<String>empty()))
                .block(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private @Nullable String jcmd(String command) {
        try {
            Process process = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true)
                .start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
