package io.eventgateway.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.eventgateway.event.EventCodec;
import io.eventgateway.server.metrics.GatewayMetricsRecorder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ServerFramesTest {

    private static final Instant NOW = Instant.parse("2026-11-24T09:30:00.120Z");
    private final ServerFrames frames = new ServerFrames(Clock.fixed(NOW, ZoneOffset.UTC),
        GatewayMetricsRecorder.NOOP);

    /** The ack as Jackson writes it (the generator the other frames use): type, id, timestamp, payload. */
    private static byte[] expected(@Nullable String id, long seq) throws JsonProcessingException {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "published");
        if (id != null) {
            frame.put("id", id);
        }
        frame.put("timestamp", "2026-11-24T09:30:00.120Z");
        frame.put("payload", Map.of("seq", seq));
        return EventCodec.JSON.writeValueAsBytes(frame);
    }

    @Test
    void aPublishedAckHasTheGeneratorsBytesForIdsOfEveryKind() throws Exception {
        List<String> ids = new ArrayList<>(Arrays.asList(null, "", "p-1", "a\"b\\c/d", "tab\there\nnew\rline",
            "\u0000\u0001\u001f\u007f", "é日本", "emoji \uD83D\uDE00 pair", "lone \uD800 high", "lone \uDC00 low",
            "x".repeat(64), "\u2028\u2029"));
        Random random = new Random(11);
        char[] pool = "aZ09 -_:\"\\/\b\f\n\r\t\u0000\u001e\u00e9\u4e2d\uD83D\uDE00\uDBFF\uDFFF\uD800".toCharArray();
        for (int i = 0; i < 2_000; i++) {
            char[] id = new char[random.nextInt(65)];
            for (int k = 0; k < id.length; k++) {
                id[k] = pool[random.nextInt(pool.length)];
            }
            ids.add(new String(id));
        }
        long[] seqs = {0, 1, 9, 10, 123_456_789, Long.MAX_VALUE};
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            long seq = seqs[i % seqs.length];
            assertThat(new String(frames.encode(new ServerMessages.Published(id, seq)), StandardCharsets.UTF_8))
                .as("id %s", id)
                .isEqualTo(new String(expected(id, seq), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aPublishedAckIsOneJsonObjectWithTheSeq() throws Exception {
        byte[] ack = frames.encode(new ServerMessages.Published("req \"7\"", 42));
        var tree = EventCodec.JSON.readTree(ack);
        assertThat(tree.get("type").asText()).isEqualTo("published");
        assertThat(tree.get("id").asText()).isEqualTo("req \"7\"");
        assertThat(tree.get("payload").get("seq").asLong()).isEqualTo(42);
        assertThat(tree.size()).isEqualTo(4);
    }
}
