package io.eventgateway.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.event.EventCodec;
import io.eventgateway.server.WsTestClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;

/**
 * Crash safety with a real process: a gateway is started as a child JVM on a SQLite file, several clients publish
 * continuously, the process is killed with SIGKILL, a new one is started on the same file, and every
 * acknowledged seq must be readable and new seqs must continue above them (PROTOCOL.md section 7 point 5).
 */
class CrashSafetyIT {

    private static final Pattern READY = Pattern.compile("Event Gateway ready on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedSeqSurvivesSigkillAndNewSeqsContinueAboveThem() throws Exception {
        Path file = dir.resolve("crash.db");
        Process first = startGateway(file);
        int port = awaitReady(first);
        Set<Long> acknowledged = new ConcurrentSkipListSet<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> publishers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            int publisher = p;
            Thread t = new Thread(() -> {
                for (int i = 0; !stop.get() && i < 100_000; i++) {
                    String body = i % 5 == 0
                        ? "[{\"topic\":\"task:P" + publisher + "\",\"eventType\":\"t\",\"data\":{\"i\":" + i + "}},"
                            + "{\"topic\":\"task:P" + publisher + "\",\"eventType\":\"t\",\"data\":{\"j\":" + i + "}}]"
                        : "{\"topic\":\"task:P" + publisher + "\",\"eventType\":\"t\",\"data\":{\"i\":" + i + "}}";
                    JsonNode answer = post(port, body);
                    if (answer == null) {
                        return;
                    }
                    if (answer.has("seq")) {
                        acknowledged.add(answer.get("seq").asLong());
                    } else {
                        answer.get("seqs").forEach(s -> acknowledged.add(s.asLong()));
                    }
                }
            }, "publisher-" + p);
            t.start();
            publishers.add(t);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 500);
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        stop.set(true);
        for (Thread t : publishers) {
            t.join(10_000);
        }
        assertThat(acknowledged).as("events acknowledged before the kill").hasSizeGreaterThanOrEqualTo(500);

        Process second = startGateway(file);
        try {
            int port2 = awaitReady(second);
            Set<Long> stored = new TreeSet<>();
            long since = 0;
            while (true) {
                JsonNode page = get(port2, "/api/events?since=" + since + "&limit=10000");
                page.get("events").forEach(e -> stored.add(e.get("seq").asLong()));
                if (!page.get("hasMore").asBoolean()) {
                    break;
                }
                since = page.at("/events").get(page.get("events").size() - 1).get("seq").asLong();
            }
            assertThat(stored).containsAll(acknowledged);
            long maxAcknowledged = acknowledged.stream().mapToLong(Long::longValue).max().orElseThrow();
            JsonNode next = post(port2, "{\"topic\":\"task:after\",\"eventType\":\"t\",\"data\":{}}");
            assertThat(next).isNotNull();
            assertThat(next.get("seq").asLong()).isGreaterThan(maxAcknowledged);
        } finally {
            second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static Process startGateway(Path file) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-Dreactor.netty.ioWorkerCount=2",
            "-cp", System.getProperty("java.class.path"), "io.eventgateway.server.Main",
            "--server.port=0", "--store.url=r2dbc:sqlite:" + file);
        builder.redirectErrorStream(true);
        return builder.start();
    }

    private static int awaitReady(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = READY.matcher(line);
            if (m.find()) {
                Thread drainer = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // Keep the child's pipe from filling up.
                        }
                    } catch (IOException ignored) {
                        // The child exited.
                    }
                }, "child-output");
                drainer.setDaemon(true);
                drainer.start();
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the gateway did not start:\n" + seen);
    }

    /** POSTs an event; answers null once the gateway is gone (the kill). */
    private static JsonNode post(int port, String body) {
        try {
            String text = WsTestClient.client(port)
                .headers(h -> h.set("Content-Type", "application/json"))
                .post().uri("/api/events")
                .send(ByteBufFlux.fromString(Mono.just(body)))
                .responseSingle((response, content) -> response.status().code() == 202
                    ? content.asString() : Mono.error(new IllegalStateException("status " + response.status())))
                .block(Duration.ofSeconds(10));
            return text == null ? null : EventCodec.JSON.readTree(text);
        } catch (Exception e) {
            return null;
        }
    }

    private static JsonNode get(int port, String path) throws Exception {
        String text = WsTestClient.client(port).get().uri(path).responseContent().aggregate().asString()
            .block(Duration.ofSeconds(30));
        return EventCodec.JSON.readTree(text);
    }
}
