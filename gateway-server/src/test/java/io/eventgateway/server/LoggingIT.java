package io.eventgateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.event.EventCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;

/**
 * The gateway's logs as an operator sees them: {@code Main} in its own process, with the real {@code logback.xml},
 * started and stopped (SIGTERM) by the test, standard error captured whole.
 */
class LoggingIT {

    /** A string that only an event payload carries: it must reach the subscriber and never the log. */
    private static final String MARKER = "PAYLOAD-MARKER-7f3a9c";
    private static final Pattern READY = Pattern.compile("Event Gateway ready on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path tempDir;

    private Process process;

    @AfterEach
    void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /** Starts Main with the test's class path; returns its port once it printed the ready line. */
    private int start(String... flags) throws IOException {
        List<String> command = new ArrayList<>(List.of(
            ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-Dreactor.netty.ioWorkerCount=2",
            "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--server.port=0",
            "--store.url=memory:"));
        command.addAll(List.of(flags));
        ProcessBuilder builder = new ProcessBuilder(command)
            .redirectError(tempDir.resolve("stderr.log").toFile());
        builder.environment().remove("GATEWAY_LOG_LEVEL");
        builder.environment().remove("GATEWAY_LOG_FORMAT");
        process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            Matcher ready = READY.matcher(line);
            if (ready.find()) {
                return Integer.parseInt(ready.group(1));
            }
        }
        throw new AssertionError("the gateway exited before it was ready: " + stderr());
    }

    /** Stops the gateway as an operator does (SIGTERM) and returns every line it wrote to standard error. */
    private List<String> stop() throws IOException, InterruptedException {
        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the gateway stops on SIGTERM").isTrue();
        return stderr();
    }

    private List<String> stderr() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(tempDir.resolve("stderr.log"), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** Publishes one event over REST. */
    private static void publish(int port, String topic, String dataJson) {
        Integer status = WsTestClient.client(port)
            .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
            .post().uri("/api/events")
            .send(ByteBufFlux.fromString(Mono.just("{\"topic\":\"" + topic + "\",\"eventType\":\"task.note\","
                + "\"data\":" + dataJson + "}")))
            .response().map(r -> r.status().code()).block(Duration.ofSeconds(30));
        assertThat(status).isEqualTo(202);
    }

    /** A connection that subscribes, receives a published event and closes with 1000. */
    private static void connectPublishAndClose(int port, String dataJson) {
        try (WsTestClient client = WsTestClient.connect(port)) {
            client.connected();
            client.subscribe("{\"topics\":[\"task:*\"]}");
            publish(port, "task:T-1", dataJson);
            JsonNode event = client.expect("event");
            assertThat(event.toString()).as("the payload reached the subscriber").contains(MARKER);
            client.sendFrame(new CloseWebSocketFrame(1000, "bye"));
            assertThat(client.closeStatus()).isNotNull();
        }
    }

    @Test
    void atInfoTheLogIsTheConfigurationTheAddressAndTheStop() throws Exception {
        int port = start();
        connectPublishAndClose(port, "{\"note\":\"" + MARKER + "\"}");

        List<String> lines = stop();

        assertThat(lines).as("a handful of lines: " + lines).hasSizeBetween(3, 5);
        assertThat(lines).anyMatch(l -> l.contains(" INFO ") && l.contains("config: server.host=127.0.0.1 server.port="
            + port) && l.contains("metrics.enabled=true") && l.contains("log.format=text log.level=info"));
        assertThat(lines).anyMatch(l -> l.contains("Event Gateway") && l.contains("ready on http://127.0.0.1:" + port));
        assertThat(lines).anyMatch(l -> l.endsWith("- stopped"));
        assertThat(lines).noneMatch(l -> l.contains("DEBUG") || l.contains("connection c-"));
        assertThat(String.join("\n", lines)).doesNotContain(MARKER);
    }

    @Test
    void atDebugEachConnectionIsOneLineEachWayAndPayloadsNeverAppear() throws Exception {
        int port = start("--log.level=debug");
        connectPublishAndClose(port, "{\"note\":\"" + MARKER + "\"}");
        try (WsTestClient client = WsTestClient.connect(port)) {
            client.connected();
            // Published over the WebSocket too, and a publish the gateway refuses: neither reaches the log.
            client.request("publish", "p", "{\"topic\":\"task:T-2\",\"eventType\":\"task.note\",\"data\":{\"n\":\""
                + MARKER + "\"}}");
            client.expect("published");
            client.request("publish", "bad", "{\"topic\":\"task:T-2\",\"eventType\":\"task.note\",\"data\":\""
                + MARKER + "\"}");
            client.expect("error");
            client.sendFrame(new CloseWebSocketFrame(1000, "bye"));
            assertThat(client.closeStatus()).isNotNull();
        }

        List<String> lines = stop();
        String all = String.join("\n", lines);

        assertThat(lines).filteredOn(l -> l.contains("connection c-1 opened from 127.0.0.1:")).hasSize(1)
            .allMatch(l -> l.contains(" DEBUG "));
        assertThat(lines).filteredOn(l -> l.contains("connection c-1 closed: code 1000 by client")).hasSize(1);
        assertThat(lines).filteredOn(l -> l.contains("connection c-2 closed: code 1000 by client")).hasSize(1);
        assertThat(all).doesNotContain(MARKER);
    }

    @Test
    void jsonFormatWritesOneJsonObjectPerLine() throws Exception {
        int port = start("--log.format=json", "--log.level=debug");
        connectPublishAndClose(port, "{\"note\":\"" + MARKER + "\"}");

        List<String> lines = stop();

        assertThat(lines).hasSizeGreaterThanOrEqualTo(5);
        List<JsonNode> records = new ArrayList<>();
        for (String line : lines) {
            JsonNode record = EventCodec.JSON.readTree(line);
            assertThat(record.isObject()).as(line).isTrue();
            assertThat(record.path("level").asText()).as(line).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            assertThat(record.path("loggerName").asText()).as(line).isNotBlank();
            assertThat(record.path("timestamp").isNumber()).as(line).isTrue();
            assertThat(record.has("formattedMessage")).as(line).isTrue();
            records.add(record);
        }
        assertThat(records).anyMatch(r -> r.path("level").asText().equals("INFO")
            && r.path("formattedMessage").asText().startsWith("config: server.host=127.0.0.1")
            && r.path("formattedMessage").asText().contains("log.format=json"));
        assertThat(records).anyMatch(r -> r.path("level").asText().equals("DEBUG")
            && r.path("formattedMessage").asText().startsWith("connection c-1 opened from"));
        assertThat(records).anyMatch(r -> r.path("formattedMessage").asText().equals("stopped"));
        assertThat(String.join("\n", lines)).doesNotContain(MARKER);
    }
}
