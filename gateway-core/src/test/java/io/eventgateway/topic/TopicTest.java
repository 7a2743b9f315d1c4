package io.eventgateway.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The concrete topic grammar of PROTOCOL.md section 2: {@code entity:id}, entity {@code [a-z][a-z0-9_.-]{0,63}},
 * id 1..192 characters of {@code [A-Za-z0-9._:/@-]}, split at the first colon.
 */
final class TopicTest {

    private static final String ENTITY_64 = "e" + "x".repeat(63);
    private static final String ENTITY_65 = "e" + "x".repeat(64);
    private static final String ID_192 = "I".repeat(192);
    private static final String ID_193 = "I".repeat(193);

    static Stream<Arguments> validTopics() {
        return Stream.of(
            Arguments.of("stream:Stream-A", "stream", "Stream-A"),
            Arguments.of("task:TASK-123", "task", "TASK-123"),
            Arguments.of("agent:agent-ta", "agent", "agent-ta"),
            Arguments.of("bot:BOT-002", "bot", "BOT-002"),
            Arguments.of("project:my-project", "project", "my-project"),
            Arguments.of("a:b:c", "a", "b:c"),
            Arguments.of("a::", "a", ":"),
            Arguments.of("task:T-1:", "task", "T-1:"),
            Arguments.of("a:1", "a", "1"),
            Arguments.of("z:Z", "z", "Z"),
            Arguments.of("x9_.-z:id", "x9_.-z", "id"),
            Arguments.of("e:AZaz09._:/@-", "e", "AZaz09._:/@-"),
            Arguments.of("mail:user@example.com/inbox", "mail", "user@example.com/inbox"),
            Arguments.of(ENTITY_64 + ":id", ENTITY_64, "id"),
            Arguments.of("task:" + ID_192, "task", ID_192),
            Arguments.of("task:" + "a:".repeat(96), "task", "a:".repeat(96)));
    }

    @ParameterizedTest
    @MethodSource("validTopics")
    void validTopicSplitsAtTheFirstColonIntoEntityAndId(String text, String entity, String id) {
        Topic topic = Topic.parse(text);

        assertThat(topic.value()).isEqualTo(text);
        assertThat(topic.entity()).isEqualTo(entity);
        assertThat(topic.id()).isEqualTo(id);
        assertThat(topic).hasToString(text);
        assertThat(Topic.tryParse(text)).isEqualTo(topic);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "task", "task:", ":", ":id", "Task:T-1", "TASK:T-1", "tAsk:T-1", "1task:T-1", "_task:T-1", "-task:T-1",
        ".task:T-1", "ta sk:T-1", "ta/sk:T-1", "ta@sk:T-1", "task :T-1", "task: T-1", "task:T 1", "task:T-1 ",
        "task:T#1", "task:T+1", "task:T?x", "task:T%20", "task:T\\1", "task:\u00e9", "task:T\n", "task:T\t1",
        "*", "ta*", "*task", "task:*", "task:T*", "task:*:x", "task:A*B", "ta*:x", "task::*"})
    void invalidTopicIsRejectedWithInvalidTopicNamingIt(String text) {
        String shown = text == null ? "null" : text;

        assertThat(Topic.tryParse(text)).isNull();
        assertThatThrownBy(() -> Topic.parse(text))
            .isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.WS_INVALID_TOPIC);
                assertThat(e.details()).containsEntry("topic", shown);
                assertThat(e.getMessage()).contains("'" + shown + "'").contains("entity:id");
            });
    }

    @Test
    void entityMayBe64CharactersButNot65() {
        assertThat(Topic.tryParse(ENTITY_64 + ":id")).isNotNull();
        assertThat(Topic.tryParse(ENTITY_65 + ":id")).isNull();
    }

    @Test
    void idMayBe192CharactersButNot193() {
        assertThat(Topic.tryParse("task:" + ID_192)).isNotNull();
        assertThat(Topic.tryParse("task:" + ID_193)).isNull();
        assertThat(Topic.tryParse("task:" + "a:".repeat(96) + "b")).isNull();
    }

    @Test
    void topicsWithEqualTextAreEqualAndCaseMatters() {
        assertThat(Topic.parse("task:T-1")).isEqualTo(Topic.parse("task:T-1"))
            .hasSameHashCodeAs(Topic.parse("task:T-1"));
        assertThat(Topic.parse("task:T-1")).isNotEqualTo(Topic.parse("task:t-1"));
    }
}
