package io.eventgateway.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.client.ClientTestSupport;
import io.eventgateway.client.Event;
import io.eventgateway.client.GatewayClient;
import io.eventgateway.client.HistoryQuery;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code scripts/events}: the CLI's main logic run in this JVM against a real gateway, stdout and exit codes. */
class EventsCliIT extends ClientTestSupport {

    /** One run: exit code, stdout, stderr. */
    private record Run(int code, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
        }
    }

    private static Run events(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EventsCli.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private String url() {
        return "http://127.0.0.1:" + port();
    }

    private static JsonNode json(String line) {
        try {
            return EventLines.JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertOneLineError(Run run, int code, String... contains) {
        assertThat(run.code()).as(run.err()).isEqualTo(code);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).as("one line").doesNotContain("\n");
        for (String c : contains) {
            assertThat(run.err()).contains(c);
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void publishPrintsTheSeqOfTheDurableEvent() {
        startSqlite();
        Run run = events("publish", "task:T-1", "task.created", "{\"title\":\"hello\"}", "--url", url());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        long seq = Long.parseLong(run.out().strip());
        List<Event> stored = client().history(HistoryQuery.builder().build()).collectList().block(WAIT);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).seq()).isEqualTo(seq);
        assertThat(stored.get(0).topic()).isEqualTo("task:T-1");
        assertThat(stored.get(0).data().get("title").asText()).isEqualTo("hello");
    }

    @Test
    void publishWithAKeyPrintsTheOriginalSeqWhenRepeated() {
        startSqlite();
        Run first = events("publish", "bot:B-1", "bot.tick", "{}", "--key", "k-1", "--url", url());
        Run again = events("publish", "bot:B-1", "bot.tick", "{}", "--key", "k-1", "--url", url());
        assertThat(first.code()).isZero();
        assertThat(again.out()).isEqualTo(first.out());
    }

    @Test
    void badJsonIsAUsageErrorOnOneLine() {
        startSqlite();
        assertOneLineError(events("publish", "task:T-1", "x", "{\"a\":", "--url", url()), EventsCli.USAGE,
            "events publish: JSON is not valid");
        assertOneLineError(events("publish", "task:T-1", "x", "[1,2]", "--url", url()), EventsCli.USAGE,
            "JSON must be an object");
        assertThat(client().history(HistoryQuery.builder().build()).collectList().block(WAIT)).isEmpty();
    }

    @Test
    void aBadFlagOrMissingArgumentIsAUsageErrorOnOneLine() {
        assertOneLineError(events("tail", "task:*", "--bogus"), EventsCli.USAGE, "events tail: Unknown option:",
            "--bogus", "--help");
        assertOneLineError(events("publish", "task:T-1"), EventsCli.USAGE, "events publish: Missing required");
        assertOneLineError(events("tail", "task:*", "--since", "-3"), EventsCli.USAGE, "since must be >= 0");
        assertOneLineError(events("tail", "task:*", "--url", "ftp://x"), EventsCli.USAGE, "--url");
        assertOneLineError(events(), EventsCli.USAGE, "missing command");
        assertOneLineError(events("frobnicate"), EventsCli.USAGE, "events: Unmatched argument");
    }

    @Test
    void helpIsPrintedWithExitZero() {
        Run run = events("tail", "--help");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("Usage: events tail").contains("--since").contains("--url");
    }

    @Test
    void aGatewayThatIsNotThereIsAFailureOnOneLine() {
        String url = "http://127.0.0.1:" + closedPort();
        assertOneLineError(events("publish", "task:T-1", "x", "{}", "--url", url), EventsCli.FAILURE,
            "events publish: no gateway answers", url, "scripts/gateway");
        assertOneLineError(events("tail", "task:*", "--url", url), EventsCli.FAILURE,
            "events tail: no gateway answers", url);
    }

    @Test
    void aPatternTheGatewayRefusesIsAUsageError() {
        startSqlite();
        assertOneLineError(events("tail", "task:*:x", "--url", url()), EventsCli.USAGE, "WS_INVALID_TOPIC",
            "task:*:x");
        assertOneLineError(events("publish", "task:*", "x", "{}", "--url", url()), EventsCli.USAGE,
            "INVALID_TOPIC");
    }

    @Test
    void tailPrintsOneJsonLinePerEventOfItsPatterns() {
        startSqlite();
        GatewayClient client = client();
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            seqs.add(client.publish("task:T-" + i, i % 2 == 0 ? "task.created" : "task.updated",
                data("i", i)).block(WAIT));
            client.publish("stream:S-1", "stream.progress", null).block(WAIT);
        }
        Run run = events("tail", "task:*", "--since", "0", "--events", "task.created,task.updated", "--count", "4",
            "--url", url());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.lines()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            JsonNode line = json(run.lines().get(i));
            assertThat(line.get("seq").asLong()).isEqualTo(seqs.get(i));
            assertThat(line.get("topic").asText()).isEqualTo("task:T-" + i);
            assertThat(line.get("data").get("i").asInt()).isEqualTo(i);
            assertThat(line.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        }
        Run onlyCreated = events("tail", "task:*", "--since", "0", "--events", "task.created", "--count", "2",
            "--url", url());
        assertThat(onlyCreated.lines()).extracting(l -> json(l).get("seq").asLong())
            .containsExactly(seqs.get(0), seqs.get(2));
    }

    @Test
    void tailStopsWhenItsOutputIsClosed() {
        startSqlite();
        GatewayClient client = client();
        client.publish("task:T-1", "t", null).block(WAIT);
        client.publish("task:T-2", "t", null).block(WAIT);
        StringWriter written = new StringWriter();
        Writer closedAfterOneLine = new Writer() {
            @Override
            public void write(char[] buffer, int offset, int length) throws IOException {
                if (written.toString().contains("\n")) {
                    throw new IOException("Broken pipe");
                }
                written.write(buffer, offset, length);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        int code = EventsCli.execute(new String[] {"tail", "task:*", "--since", "0", "--url", url()},
            new PrintWriter(closedAfterOneLine), new PrintWriter(new StringWriter()));
        assertThat(code).isZero();
        assertThat(json(written.toString().strip()).get("topic").asText()).isEqualTo("task:T-1");
        await().atMost(WAIT).until(() -> status().at("/connections/active").asInt() == 0);
    }

    @Test
    void tailKeepsFollowingAcrossAGatewayRestartWithoutGapsOrRepeats() throws Exception {
        startSqlite();
        GatewayClient publisher = track(clientBuilder().publishRetries(100).build());
        long head = publisher.health().block(WAIT).headSeq();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> tail = CompletableFuture.supplyAsync(() -> EventsCli.execute(
            new String[] {"tail", "task:*", "--since", Long.toString(head), "--count", "20", "--url", url()},
            new PrintWriter(out), new PrintWriter(err)));
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            seqs.add(publisher.publish("task:T-" + i, "task.created", data("i", i), "cli-" + i).block(WAIT));
        }
        await().atMost(WAIT).until(() -> out.toString().split("\n").length >= 10 || tail.isDone());
        restartGateway();
        for (int i = 10; i < 20; i++) {
            seqs.add(publisher.publish("task:T-" + i, "task.created", data("i", i), "cli-" + i).block(WAIT));
        }
        int code = tail.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(code).as(err.toString()).isZero();
        List<Long> printed = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            printed.add(json(line).get("seq").asLong());
        }
        assertThat(printed).containsExactlyElementsOf(seqs);
    }
}
