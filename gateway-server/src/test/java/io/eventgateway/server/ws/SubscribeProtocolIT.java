package io.eventgateway.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md section 4 (subscribe, unsubscribe, filters, events, since) and section 7 (no duplicates, order). */
class SubscribeProtocolIT extends GatewayTestSupport {

    private static List<Long> eventSeqs(List<JsonNode> frames) {
        List<Long> seqs = new ArrayList<>();
        for (JsonNode f : frames) {
            if (f.path("type").asText().equals("event")) {
                seqs.add(f.at("/payload/seq").asLong());
            }
        }
        return seqs;
    }

    private static List<String> types(List<JsonNode> frames) {
        List<String> types = new ArrayList<>();
        for (JsonNode f : frames) {
            types.add(f.path("type").asText());
        }
        return types;
    }

    private WsTestClient connectedClient() {
        WsTestClient client = ws();
        client.connected();
        return client;
    }

    @Test
    void subscribeReplyEchoesIdTopicsAsWrittenActiveCountAndHeadSeq() {
        start();
        publish("task:T-0", "task.created", "{}");
        long head = publish("task:T-0", "task.updated", "{}");
        try (WsTestClient client = connectedClient()) {
            client.request("subscribe", "sub-1", "{\"topics\":[\"stream:Stream-A\",\"task:*\"]}");
            JsonNode reply = client.expect("subscribed");
            assertThat(reply.get("id").asText()).isEqualTo("sub-1");
            assertThat(reply.get("timestamp").asText()).endsWith("Z");
            JsonNode payload = reply.get("payload");
            assertThat(payload.get("topics")).hasSize(2);
            assertThat(payload.at("/topics/0").asText()).isEqualTo("stream:Stream-A");
            assertThat(payload.at("/topics/1").asText()).isEqualTo("task:*");
            assertThat(payload.get("activeSubscriptions").asInt()).isEqualTo(2);
            assertThat(payload.get("headSeq").asLong()).isEqualTo(head);
            assertThat(payload.has("recovered")).as("recovered only with since").isFalse();

            client.request("subscribe", "sub-2", "{\"topics\":[\"bot:*\"]}");
            JsonNode second = client.expect("subscribed");
            assertThat(second.get("id").asText()).isEqualTo("sub-2");
            assertThat(second.at("/payload/activeSubscriptions").asInt()).isEqualTo(3);
        }
    }

    @Test
    void scalarFilterKeepsOnlyEventsWhoseFieldEqualsIt() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.subscribe("{\"topics\":[\"task:*\"],\"filters\":{\"status\":\"blocked\"}}");
            publish("task:T-1", "task.updated", "{\"status\":\"in_progress\"}");
            publish("task:T-1", "task.updated", "{\"other\":\"blocked\"}");
            long wanted = publish("task:T-1", "task.updated", "{\"status\":\"blocked\"}");
            List<JsonNode> frames = client.framesThroughEvent(wanted);
            assertThat(eventSeqs(frames)).containsExactly(wanted);
        }
    }

    @Test
    void arrayFilterValueMatchesAnyOfItsScalars() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.subscribe("{\"topics\":[\"task:*\"],\"filters\":{\"status\":[\"in_progress\",\"blocked\"]}}");
            long a = publish("task:T-1", "task.updated", "{\"status\":\"in_progress\"}");
            publish("task:T-1", "task.updated", "{\"status\":\"pending\"}");
            long b = publish("task:T-1", "task.updated", "{\"status\":\"blocked\"}");
            List<JsonNode> frames = client.framesThroughEvent(b);
            assertThat(eventSeqs(frames)).containsExactly(a, b);
        }
    }

    @Test
    void filtersOfSeveralKeysMustAllMatchAndAMissingFieldDoesNotMatch() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.subscribe("{\"topics\":[\"task:*\"],\"filters\":{\"status\":\"blocked\",\"source\":\"file\"}}");
            publish("task:T-1", "task.updated", "{\"status\":\"blocked\",\"source\":\"api\"}");
            publish("task:T-1", "task.updated", "{\"status\":\"pending\",\"source\":\"file\"}");
            publish("task:T-1", "task.updated", "{\"status\":\"blocked\"}");
            publish("task:T-1", "task.updated", "{\"source\":\"file\",\"nested\":{\"status\":\"blocked\"}}");
            long both = publish("task:T-1", "task.updated", "{\"status\":\"blocked\",\"source\":\"file\"}");
            List<JsonNode> frames = client.framesThroughEvent(both);
            assertThat(eventSeqs(frames)).containsExactly(both);
        }
    }

    @Test
    void filterOnAFieldMatchesNumbersAndBooleansByValue() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.subscribe("{\"topics\":[\"task:*\"],\"filters\":{\"done\":true,\"n\":[1,2]}}");
            publish("task:T-1", "task.updated", "{\"done\":false,\"n\":1}");
            publish("task:T-1", "task.updated", "{\"done\":true,\"n\":3}");
            long match = publish("task:T-1", "task.updated", "{\"done\":true,\"n\":2}");
            assertThat(eventSeqs(client.framesThroughEvent(match))).containsExactly(match);
        }
    }

    @Test
    void eventsListKeepsExactTypesAndPrefixesEndingInStar() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.subscribe("{\"topics\":[\"*\"],\"events\":[\"task.*\",\"stream.completed\"]}");
            long a = publish("task:T-1", "task.created", "{}");
            publish("stream:S-1", "stream.progress", "{}");
            publish("task:T-1", "taskx.created", "{}");
            long b = publish("stream:S-1", "stream.completed", "{}");
            publish("agent:A-1", "agent.started", "{}");
            long c = publish("task:T-2", "task.status_changed", "{}");
            assertThat(eventSeqs(client.framesThroughEvent(c))).containsExactly(a, b, c);
        }
    }

    @Test
    void resubscribingAPatternWithoutFiltersReplacesItsFiltersAndKeepsOneSubscription() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.subscribe("{\"topics\":[\"task:*\"],\"filters\":{\"status\":\"blocked\"},"
                + "\"events\":[\"task.updated\"]}");
            JsonNode again = client.subscribe("{\"topics\":[\"task:*\"]}");
            assertThat(again.at("/payload/activeSubscriptions").asInt()).isEqualTo(1);
            long a = publish("task:T-1", "task.created", "{\"status\":\"pending\"}");
            long b = publish("task:T-1", "task.updated", "{}");
            List<JsonNode> frames = client.framesThroughEvent(b);
            assertThat(eventSeqs(frames)).containsExactly(a, b);
        }
    }

    @Test
    void resubscribingAPatternWithOtherFiltersReplacesThemRatherThanAddingThem() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.subscribe("{\"topics\":[\"task:*\"],\"filters\":{\"status\":\"blocked\"}}");
            JsonNode again = client.subscribe("{\"topics\":[\"task:*\"],\"filters\":{\"status\":\"completed\"}}");
            assertThat(again.at("/payload/activeSubscriptions").asInt()).isEqualTo(1);
            publish("task:T-1", "task.updated", "{\"status\":\"blocked\"}");
            long done = publish("task:T-1", "task.updated", "{\"status\":\"completed\"}");
            assertThat(eventSeqs(client.framesThroughEvent(done))).containsExactly(done);
        }
    }

    @Test
    void overlappingPatternsDeliverEachEventOnceInIncreasingSeq() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.subscribe("{\"topics\":[\"*\",\"task:*\"]}");
            JsonNode third = client.subscribe("{\"topics\":[\"task:T-1\"]}");
            assertThat(third.at("/payload/activeSubscriptions").asInt()).isEqualTo(3);
            List<Long> published = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                published.add(publish("task:T-1", "task.updated", "{\"i\":" + i + "}"));
                published.add(publish("task:T-2", "task.updated", "{\"i\":" + i + "}"));
                published.add(publish("stream:S-1", "stream.progress", "{\"i\":" + i + "}"));
            }
            long last = published.get(published.size() - 1);
            List<JsonNode> frames = client.framesThroughEvent(last);
            assertThat(eventSeqs(frames)).containsExactlyElementsOf(published);
            assertThat(client.poll(Duration.ofMillis(200))).isNull();
        }
    }

    @Test
    void aBatchOfEventsArrivesInIncreasingSeq() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.subscribe("{\"topics\":[\"task:*\",\"stream:*\"]}");
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < 300; i++) {
                body.append(i == 0 ? "" : ",").append("{\"topic\":\"").append(i % 2 == 0 ? "task:T-" : "stream:S-")
                    .append(i % 7).append("\",\"eventType\":\"x.y\",\"data\":{\"i\":").append(i).append("}}");
            }
            body.append(']');
            JsonNode seqs = http("POST", "/api/events", "application/json", body.toString()).json().get("seqs");
            List<Long> published = new ArrayList<>();
            seqs.forEach(s -> published.add(s.asLong()));
            assertThat(published).hasSize(300).isSorted();
            List<JsonNode> frames = client.framesThroughEvent(published.get(299));
            assertThat(eventSeqs(frames)).containsExactlyElementsOf(published);
        }
    }

    @Test
    void unsubscribeRepliesAndStopsTheEventsOfThatPatternOnly() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.subscribe("{\"topics\":[\"task:*\",\"stream:*\"]}");
            client.request("unsubscribe", "unsub-1", "{\"topics\":[\"task:*\"]}");
            JsonNode reply = client.expect("unsubscribed");
            assertThat(reply.get("id").asText()).isEqualTo("unsub-1");
            assertThat(reply.at("/payload/topics")).hasSize(1);
            assertThat(reply.at("/payload/topics/0").asText()).isEqualTo("task:*");
            assertThat(reply.at("/payload/activeSubscriptions").asInt()).isEqualTo(1);
            publish("task:T-1", "task.updated", "{}");
            long stream = publish("stream:S-1", "stream.progress", "{}");
            assertThat(eventSeqs(client.framesThroughEvent(stream))).containsExactly(stream);
        }
    }

    @Test
    void unsubscribeOfTheLastPatternLeavesNoneAndNoEvents() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.subscribe("{\"topics\":[\"task:*\"]}");
            client.request("unsubscribe", "u", "{\"topics\":[\"task:*\"]}");
            assertThat(client.expect("unsubscribed").at("/payload/activeSubscriptions").asInt()).isZero();
            publish("task:T-1", "task.updated", "{}");
            client.request("ping", "p", "{}");
            JsonNode next = client.expect("pong");
            assertThat(next.get("id").asText()).isEqualTo("p");
            assertThat(client.poll(Duration.ofMillis(200))).isNull();
        }
    }

    @Test
    void subscribeWithSinceReplaysRetainedEventsAfterTheReplyThenContinuesLive() {
        start();
        List<Long> seqs = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            seqs.add(publish("task:T-1", "task.updated", "{\"i\":" + i + "}"));
        }
        publish("stream:S-1", "stream.progress", "{}");
        try (WsTestClient client = connectedClient()) {
            client.request("subscribe", "r", "{\"topics\":[\"task:*\"],\"since\":" + seqs.get(1) + "}");
            JsonNode reply = client.expect("subscribed");
            assertThat(reply.get("id").asText()).isEqualTo("r");
            assertThat(reply.at("/payload/recovered").isBoolean()).isTrue();
            assertThat(reply.at("/payload/recovered").asBoolean()).isTrue();
            List<JsonNode> replayed = client.framesThroughEvent(seqs.get(4));
            assertThat(types(replayed)).containsOnly("event");
            assertThat(eventSeqs(replayed)).containsExactly(seqs.get(2), seqs.get(3), seqs.get(4));
            assertThat(replayed.get(0).at("/payload/data/i").asInt()).isEqualTo(3);
            long live = publish("task:T-2", "task.created", "{}");
            assertThat(eventSeqs(client.framesThroughEvent(live))).containsExactly(live);
        }
    }

    @Test
    void replayAppliesTheRequestsFiltersAndEvents() {
        start();
        long a = publish("task:T-1", "task.updated", "{\"status\":\"blocked\"}");
        publish("task:T-1", "task.updated", "{\"status\":\"pending\"}");
        publish("task:T-1", "task.created", "{\"status\":\"blocked\"}");
        long b = publish("task:T-2", "task.updated", "{\"status\":\"blocked\"}");
        try (WsTestClient client = connectedClient()) {
            JsonNode reply = client.subscribe("{\"topics\":[\"task:*\"],\"since\":0,"
                + "\"filters\":{\"status\":\"blocked\"},\"events\":[\"task.updated\"]}");
            assertThat(reply.at("/payload/recovered").asBoolean()).isTrue();
            assertThat(eventSeqs(client.framesThroughEvent(b))).containsExactly(a, b);
        }
    }

    @Test
    void subscribeWithSinceAtTheHeadIsRecoveredWithoutReplay() {
        start();
        long head = publish("task:T-1", "task.updated", "{}");
        try (WsTestClient client = connectedClient()) {
            JsonNode reply = client.subscribe("{\"topics\":[\"task:*\"],\"since\":" + head + "}");
            assertThat(reply.at("/payload/recovered").asBoolean()).isTrue();
            long live = publish("task:T-1", "task.updated", "{}");
            assertThat(eventSeqs(client.framesThroughEvent(live))).containsExactly(live);
        }
    }

    @Test
    void subscribeWithSinceBeforePurgedEventsIsNotRecoveredAndReplaysWhatIsRetained() {
        start(cfg -> cfg.withStore(cfg.store().withRetentionEvents(3)));
        List<Long> seqs = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            seqs.add(publish("task:T-1", "task.updated", "{\"i\":" + i + "}"));
        }
        try (WsTestClient client = connectedClient()) {
            JsonNode reply = client.subscribe("{\"topics\":[\"task:*\"],\"since\":" + seqs.get(0) + "}");
            assertThat(reply.at("/payload/recovered").isBoolean()).isTrue();
            assertThat(reply.at("/payload/recovered").asBoolean()).isFalse();
            List<Long> replayed = eventSeqs(client.framesThroughEvent(seqs.get(9)));
            assertThat(replayed).isSorted().doesNotHaveDuplicates().contains(seqs.get(9))
                .doesNotContain(seqs.get(0), seqs.get(1));
        }
    }
}
