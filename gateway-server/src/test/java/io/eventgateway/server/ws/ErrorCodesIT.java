package io.eventgateway.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.server.GatewayServer;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.WsTestClient;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.time.Duration;
import java.util.StringJoiner;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Every error code of PROTOCOL.md section 5 with its trigger, and the error frame's shape. */
class ErrorCodesIT extends GatewayTestSupport {

    private static final String ID_64 = "i".repeat(64);
    private static final String ID_65 = "i".repeat(65);

    private WsTestClient connectedClient() {
        WsTestClient client = ws();
        client.connected();
        return client;
    }

    /** Takes the next frame, checks it is an error of the code with the envelope of section 5, returns it. */
    private static JsonNode expectError(WsTestClient client, String code, @Nullable String id) {
        JsonNode error = client.expect("error");
        assertThat(error.at("/payload/code").asText()).as("code of " + error).isEqualTo(code);
        assertThat(error.at("/payload/message").isTextual()).isTrue();
        assertThat(error.at("/payload/message").asText()).isNotBlank();
        assertThat(error.at("/payload/details").isObject()).as("details of " + error).isTrue();
        assertThat(error.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        if (id == null) {
            assertThat(error.has("id")).as("no id in " + error).isFalse();
        } else {
            assertThat(error.path("id").asText()).as("id of " + error).isEqualTo(id);
        }
        return error;
    }

    /** An error never closes the connection: a ping after it is answered. */
    private static void assertStillOpen(WsTestClient client) {
        client.request("ping", "alive", "{}");
        JsonNode pong = client.expect("pong");
        assertThat(pong.get("id").asText()).isEqualTo("alive");
    }

    static Stream<Arguments> invalidMessages() {
        return Stream.of(
            Arguments.of("not JSON", "{\"type\":", null),
            Arguments.of("trailing garbage", "{\"type\":\"ping\"} x", null),
            Arguments.of("a JSON array", "[{\"type\":\"ping\"}]", null),
            Arguments.of("a JSON string", "\"ping\"", null),
            Arguments.of("type missing", "{\"id\":\"m1\",\"payload\":{}}", "m1"),
            Arguments.of("type not a string", "{\"type\":5,\"id\":\"m2\"}", "m2"),
            Arguments.of("type null", "{\"type\":null,\"id\":\"m2b\"}", "m2b"),
            Arguments.of("empty topics", sub("m3", "{\"topics\":[]}"), "m3"),
            Arguments.of("topics missing", sub("m4", "{}"), "m4"),
            Arguments.of("topics not an array", sub("m5", "{\"topics\":\"task:*\"}"), "m5"),
            Arguments.of("a non-string topic", sub("m6", "{\"topics\":[\"task:*\",5]}"), "m6"),
            Arguments.of("filters not an object", sub("m7", "{\"topics\":[\"task:*\"],\"filters\":[1]}"), "m7"),
            Arguments.of("a filter value that is an object",
                sub("m8", "{\"topics\":[\"task:*\"],\"filters\":{\"status\":{\"a\":1}}}"), "m8"),
            Arguments.of("a filter value that is an empty array",
                sub("m9", "{\"topics\":[\"task:*\"],\"filters\":{\"status\":[]}}"), "m9"),
            Arguments.of("a filter array holding an array",
                sub("m10", "{\"topics\":[\"task:*\"],\"filters\":{\"status\":[[\"a\"]]}}"), "m10"),
            Arguments.of("events not an array", sub("m11", "{\"topics\":[\"task:*\"],\"events\":\"task.*\"}"),
                "m11"),
            Arguments.of("an events entry with a star inside",
                sub("m12", "{\"topics\":[\"task:*\"],\"events\":[\"ta*sk\"]}"), "m12"),
            Arguments.of("negative since", sub("m13", "{\"topics\":[\"task:*\"],\"since\":-1}"), "m13"),
            Arguments.of("non-integer since", sub("m14", "{\"topics\":[\"task:*\"],\"since\":1.5}"), "m14"),
            Arguments.of("string since", sub("m15", "{\"topics\":[\"task:*\"],\"since\":\"3\"}"), "m15"),
            Arguments.of("id of 65 characters", sub(ID_65, "{\"topics\":[\"task:*\"]}"), null),
            Arguments.of("id not a string", "{\"type\":\"ping\",\"id\":7}", null),
            Arguments.of("id an object", "{\"type\":\"ping\",\"id\":{\"a\":\"b\"}}", null),
            Arguments.of("payload not an object", "{\"type\":\"subscribe\",\"id\":\"m16\",\"payload\":[1]}", "m16"),
            Arguments.of("payload a string of a ping", "{\"type\":\"ping\",\"id\":\"m17\",\"payload\":\"x\"}", "m17"),
            Arguments.of("payload missing for subscribe", "{\"type\":\"subscribe\",\"id\":\"m18\"}", "m18"),
            Arguments.of("payload missing for unsubscribe", "{\"type\":\"unsubscribe\",\"id\":\"m19\"}", "m19"),
            Arguments.of("payload missing for publish", "{\"type\":\"publish\",\"id\":\"m20\"}", "m20"),
            Arguments.of("publish without eventType",
                "{\"type\":\"publish\",\"id\":\"m21\",\"payload\":{\"topic\":\"bot:B-1\",\"data\":{}}}", "m21"),
            Arguments.of("publish with data not an object", "{\"type\":\"publish\",\"id\":\"m22\",\"payload\":"
                + "{\"topic\":\"bot:B-1\",\"eventType\":\"x\",\"data\":[1]}}", "m22"),
            Arguments.of("unsubscribe with empty topics",
                "{\"type\":\"unsubscribe\",\"id\":\"m23\",\"payload\":{\"topics\":[]}}", "m23"));
    }

    private static String sub(String id, String payload) {
        return "{\"type\":\"subscribe\",\"id\":\"" + id + "\",\"payload\":" + payload + "}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidMessages")
    void invalidMessageIsAnsweredInvalidMessageWithTheIdWhenReadable(String what, String message,
                                                                       @Nullable String id) {
        start();
        try (WsTestClient client = connectedClient()) {
            client.send(message);
            expectError(client, "WS_INVALID_MESSAGE", id);
            assertStillOpen(client);
        }
    }

    @Test
    void invalidSubscribeChangesNothing() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.send(sub("bad", "{\"topics\":[\"task:*\"],\"since\":-1}"));
            expectError(client, "WS_INVALID_MESSAGE", "bad");
            JsonNode reply = client.subscribe("{\"topics\":[\"stream:*\"]}");
            assertThat(reply.at("/payload/activeSubscriptions").asInt()).isEqualTo(1);
        }
    }

    @Test
    void idOfSixtyFourCharactersIsEchoed() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.request("ping", ID_64, "{}");
            assertThat(client.expect("pong").get("id").asText()).isEqualTo(ID_64);
            client.send(sub(ID_64, "{\"topics\":[]}"));
            expectError(client, "WS_INVALID_MESSAGE", ID_64);
        }
    }

    @Test
    void unknownTypeIsAnsweredUnknownTypeWithItsId() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.send("{\"type\":\"hello\",\"id\":\"u1\",\"payload\":{}}");
            expectError(client, "WS_UNKNOWN_TYPE", "u1");
            client.send("{\"type\":\"Subscribe\",\"id\":\"u2\",\"payload\":{\"topics\":[\"task:*\"]}}");
            expectError(client, "WS_UNKNOWN_TYPE", "u2");
            assertStillOpen(client);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ta*", "*task", "task:*:x", "task:A*B", "", "Task:*", "task", "task:", "**"})
    void subscribeToAnInvalidPatternIsAnsweredInvalidTopic(String pattern) {
        start();
        try (WsTestClient client = connectedClient()) {
            client.send(sub("t1", "{\"topics\":[\"" + pattern + "\"]}"));
            JsonNode error = expectError(client, "WS_INVALID_TOPIC", "t1");
            assertThat(error.at("/payload/details/topic").asText()).isEqualTo(pattern);
            assertStillOpen(client);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ta*", "*task", "task:*:x", "task:A*B", ""})
    void unsubscribeOfAnInvalidPatternIsAnsweredInvalidTopic(String pattern) {
        start();
        try (WsTestClient client = connectedClient()) {
            client.subscribe("{\"topics\":[\"task:*\"]}");
            client.request("unsubscribe", "t2", "{\"topics\":[\"task:*\",\"" + pattern + "\"]}");
            expectError(client, "WS_INVALID_TOPIC", "t2");
            long seq = publish("task:T-1", "task.updated", "{}");
            assertThat(client.expect("event").at("/payload/seq").asLong()).as("task:* still active").isEqualTo(seq);
        }
    }

    @Test
    void publishToAPatternIsAnsweredInvalidTopicAndPublishesNothing() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.subscribe("{\"topics\":[\"*\"]}");
            client.request("publish", "p1", "{\"topic\":\"task:*\",\"eventType\":\"x\",\"data\":{}}");
            expectError(client, "WS_INVALID_TOPIC", "p1");
            client.request("publish", "p2", "{\"topic\":\"task\",\"eventType\":\"x\",\"data\":{}}");
            expectError(client, "WS_INVALID_TOPIC", "p2");
            assertThat(http("GET", "/api/events", null, null).json().get("events")).isEmpty();
            assertStillOpen(client);
        }
    }

    @Test
    void subscribeWithOneValidNewPatternAndOneInvalidPatternChangesNothing() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.send(sub("a", "{\"topics\":[\"task:*\",\"task:*:x\"]}"));
            expectError(client, "WS_INVALID_TOPIC", "a");
            JsonNode reply = client.subscribe("{\"topics\":[\"stream:*\"]}");
            assertThat(reply.at("/payload/activeSubscriptions").asInt()).isEqualTo(1);
            publish("task:T-1", "task.updated", "{}");
            long stream = publish("stream:S-1", "stream.progress", "{}");
            assertThat(client.expect("event").at("/payload/seq").asLong()).isEqualTo(stream);
        }
    }

    private static String patterns(int from, int to) {
        StringJoiner list = new StringJoiner(",", "[", "]");
        for (int i = from; i < to; i++) {
            list.add("\"task:T-" + i + "\"");
        }
        return list.toString();
    }

    @Test
    void theFiftyFirstPatternIsAnsweredSubscriptionLimit() {
        start();
        try (WsTestClient client = connectedClient()) {
            JsonNode fifty = client.subscribe("{\"topics\":" + patterns(0, 50) + "}");
            assertThat(fifty.at("/payload/activeSubscriptions").asInt()).isEqualTo(50);
            client.send(sub("l1", "{\"topics\":[\"task:T-50\"]}"));
            expectError(client, "WS_SUBSCRIPTION_LIMIT", "l1");
            JsonNode again = client.subscribe("{\"topics\":[\"task:T-0\",\"task:T-49\"]}");
            assertThat(again.at("/payload/activeSubscriptions").asInt()).as("re-subscribing adds nothing")
                .isEqualTo(50);
            assertStillOpen(client);
        }
    }

    @Test
    void aRequestThatWouldExceedTheLimitAddsNoneOfItsPatterns() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.subscribe("{\"topics\":" + patterns(0, 48) + "}");
            client.send(sub("l2", "{\"topics\":" + patterns(48, 51) + "}"));
            expectError(client, "WS_SUBSCRIPTION_LIMIT", "l2");
            client.request("unsubscribe", "u", "{\"topics\":[\"task:T-48\"]}");
            expectError(client, "WS_NOT_SUBSCRIBED", "u");
            JsonNode two = client.subscribe("{\"topics\":" + patterns(48, 50) + "}");
            assertThat(two.at("/payload/activeSubscriptions").asInt()).isEqualTo(50);
        }
    }

    @Test
    void aRequestOfFiftyOneNewPatternsIsRefusedWhole() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.send(sub("l3", "{\"topics\":" + patterns(0, 51) + "}"));
            expectError(client, "WS_SUBSCRIPTION_LIMIT", "l3");
            JsonNode one = client.subscribe("{\"topics\":[\"task:T-0\"]}");
            assertThat(one.at("/payload/activeSubscriptions").asInt()).isEqualTo(1);
        }
    }

    @Test
    void unsubscribeOfInactivePatternRepliesNotSubscribed() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.request("unsubscribe", "n1", "{\"topics\":[\"task:*\"]}");
            JsonNode error = expectError(client, "WS_NOT_SUBSCRIBED", "n1");
            assertThat(error.at("/payload/details/topic").asText()).isEqualTo("task:*");
            client.subscribe("{\"topics\":[\"task:*\"]}");
            client.request("unsubscribe", "n2", "{\"topics\":[\"task:T-1\"]}");
            expectError(client, "WS_NOT_SUBSCRIBED", "n2");
            assertStillOpen(client);
        }
    }

    @Test
    void unsubscribeOfAnActiveAndAnInactivePatternRemovesNeither() {
        start();
        try (WsTestClient client = connectedClient()) {
            client.subscribe("{\"topics\":[\"task:*\"]}");
            client.request("unsubscribe", "n3", "{\"topics\":[\"task:*\",\"stream:*\"]}");
            expectError(client, "WS_NOT_SUBSCRIBED", "n3");
            long seq = publish("task:T-1", "task.updated", "{}");
            assertThat(client.expect("event").at("/payload/seq").asLong()).isEqualTo(seq);
            client.request("unsubscribe", "n4", "{\"topics\":[\"task:*\"]}");
            assertThat(client.expect("unsubscribed").at("/payload/activeSubscriptions").asInt()).isZero();
        }
    }

    private VirtualTimeScheduler startRateLimited() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        start(GatewayServer.builder(TEST_CONFIG.withWs(TEST_CONFIG.ws().withRateLimit(1).withRateBurst(5)))
            .timer(time));
        return time;
    }

    @Test
    void messagesOverTheRateLimitAreIgnoredAndAnsweredRateLimitedUntilTokensRefill() {
        VirtualTimeScheduler time = startRateLimited();
        try (WsTestClient client = connectedClient()) {
            for (int i = 1; i <= 6; i++) {
                client.request("ping", "p" + i, "{}");
            }
            for (int i = 1; i <= 5; i++) {
                assertThat(client.expect("pong").get("id").asText()).isEqualTo("p" + i);
            }
            expectError(client, "WS_RATE_LIMITED", null);
            client.send(sub("s1", "{\"topics\":[\"task:*\"]}"));
            expectError(client, "WS_RATE_LIMITED", null);

            time.advanceTimeBy(Duration.ofSeconds(1));
            client.request("ping", "p7", "{}");
            client.request("ping", "p8", "{}");
            assertThat(client.expect("pong").get("id").asText()).isEqualTo("p7");
            expectError(client, "WS_RATE_LIMITED", null);
            assertThat(client.poll(Duration.ofMillis(200))).as("the ignored subscribe had no effect").isNull();
        }
    }

    @Test
    void theHundredthRateLimitedMessageInARowClosesThePolicyViolation() {
        startRateLimited();
        try (WsTestClient client = connectedClient()) {
            for (int i = 0; i < 5; i++) {
                client.request("ping", "ok" + i, "{}");
            }
            for (int i = 0; i < 5; i++) {
                client.expect("pong");
            }
            for (int i = 0; i < 99; i++) {
                client.request("ping", "x" + i, "{}");
            }
            for (int i = 0; i < 99; i++) {
                expectError(client, "WS_RATE_LIMITED", null);
            }
            assertThat(client.closedWithin(Duration.ofMillis(300))).as("open after 99 in a row").isFalse();
            client.request("ping", "last", "{}");
            WebSocketCloseStatus status = client.closeStatus();
            assertThat(status).isNotNull();
            assertThat(status.code()).isEqualTo(1008);
        }
    }

    @Test
    void anAcceptedMessageRestartsTheCountOfRateLimitedMessagesInARow() {
        VirtualTimeScheduler time = startRateLimited();
        try (WsTestClient client = connectedClient()) {
            for (int i = 0; i < 5 + 99; i++) {
                client.request("ping", "a" + i, "{}");
            }
            for (int i = 0; i < 5; i++) {
                client.expect("pong");
            }
            for (int i = 0; i < 99; i++) {
                expectError(client, "WS_RATE_LIMITED", null);
            }
            time.advanceTimeBy(Duration.ofSeconds(1));
            client.request("ping", "accepted", "{}");
            assertThat(client.expect("pong").get("id").asText()).isEqualTo("accepted");
            for (int i = 0; i < 99; i++) {
                client.request("ping", "b" + i, "{}");
            }
            for (int i = 0; i < 99; i++) {
                expectError(client, "WS_RATE_LIMITED", null);
            }
            assertThat(client.closedWithin(Duration.ofMillis(300))).isFalse();
            client.request("ping", "last", "{}");
            WebSocketCloseStatus status = client.closeStatus();
            assertThat(status).isNotNull();
            assertThat(status.code()).isEqualTo(1008);
        }
    }
}
