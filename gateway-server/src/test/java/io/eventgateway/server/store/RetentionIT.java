package io.eventgateway.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.server.GatewayServer;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.RunningGateway;
import io.eventgateway.server.WsTestClient;
import io.eventgateway.server.config.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Retention through the server on a real SQLite file (PROTOCOL.md sections 4, 7 and 8): what was purged is
 * announced ({@code truncated}, {@code recovered: false}, {@code oldestSeq}), what is retained is served, and both
 * survive a restart.
 */
class RetentionIT extends GatewayTestSupport {

    private static final int KEPT = 5;

    @TempDir
    Path dir;

    private RunningGateway startOn(Path file) {
        GatewayConfig config = TEST_CONFIG.withStore(TEST_CONFIG.store().withUrl("r2dbc:sqlite:" + file)
            .withRetentionEvents(KEPT));
        return start(GatewayServer.builder(config));
    }

    /** Polls the history until retention has run (it runs every second in the background). */
    private JsonNode awaitOldest(long oldest) {
        return Flux.interval(Duration.ZERO, Duration.ofMillis(50)).onBackpressureDrop()
            .concatMap(tick -> Mono.fromCallable(() -> http("GET", "/api/events?since=" + (oldest - 1), null, null)
                .json()).subscribeOn(Schedulers.boundedElastic()))
            .filter(answer -> answer.get("oldestSeq").asLong() == oldest)
            .blockFirst(Duration.ofSeconds(20));
    }

    private static List<Long> seqs(JsonNode history) {
        List<Long> seqs = new ArrayList<>();
        history.get("events").forEach(e -> seqs.add(e.get("seq").asLong()));
        return seqs;
    }

    @Test
    void purgedEventsAreAnnouncedAndRetainedOnesServedOverRestAndWebSocketAcrossARestart() {
        Path file = dir.resolve("retention.db");
        startOn(file);
        for (int i = 1; i <= 20; i++) {
            publish("task:T-" + (i % 3), "task.progress", "{\"i\":" + i + "}");
        }
        assertThat(awaitOldest(16)).isNotNull();

        JsonNode fromStart = http("GET", "/api/events?since=0", null, null).json();
        assertThat(seqs(fromStart)).containsExactly(16L, 17L, 18L, 19L, 20L);
        assertThat(fromStart.get("truncated").asBoolean()).isTrue();
        assertThat(fromStart.get("oldestSeq").asLong()).isEqualTo(16L);
        JsonNode fromFloor = http("GET", "/api/events?since=15", null, null).json();
        assertThat(seqs(fromFloor)).containsExactly(16L, 17L, 18L, 19L, 20L);
        assertThat(fromFloor.get("truncated").asBoolean()).isFalse();
        assertReplay(0, false);
        assertReplay(15, true);

        gateway.disposeNow(Duration.ofSeconds(30));
        gateway = null;
        startOn(file);

        JsonNode afterRestart = http("GET", "/api/events?since=0", null, null).json();
        assertThat(seqs(afterRestart)).containsExactly(16L, 17L, 18L, 19L, 20L);
        assertThat(afterRestart.get("truncated").asBoolean()).isTrue();
        assertThat(afterRestart.get("oldestSeq").asLong()).isEqualTo(16L);
        assertReplay(0, false);
        assertThat(publish("task:T-next", "task.progress", "{}")).isEqualTo(21L);
    }

    private void assertReplay(long since, boolean recovered) {
        try (WsTestClient client = ws()) {
            client.connected();
            client.send("{\"type\":\"subscribe\",\"id\":\"s\",\"payload\":{\"topics\":[\"task:*\"],\"since\":" + since
                + "}}");
            JsonNode subscribed = client.expect("subscribed");
            assertThat(subscribed.at("/payload/recovered").asBoolean()).as("recovered for since=%d", since)
                .isEqualTo(recovered);
            List<Long> replayed = new ArrayList<>();
            for (int i = 0; i < KEPT; i++) {
                replayed.add(client.expect("event").at("/payload/seq").asLong());
            }
            assertThat(replayed).containsExactly(16L, 17L, 18L, 19L, 20L);
        }
    }
}
