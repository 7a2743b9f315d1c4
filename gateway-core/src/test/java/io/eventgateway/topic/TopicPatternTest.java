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

/** The pattern grammar of PROTOCOL.md section 2 ({@code *}, a topic, {@code entity:prefix*}) and matching. */
final class TopicPatternTest {

    private static final String ENTITY_64 = "e" + "x".repeat(63);
    private static final String ENTITY_65 = "e" + "x".repeat(64);
    private static final String ID_192 = "I".repeat(192);
    private static final String ID_193 = "I".repeat(193);

    @Test
    void patternWithAnEntityOf65CharactersOrAnIdOf193CharactersIsRejected() {
        assertThat(TopicPattern.tryParse(ENTITY_65 + ":id")).isNull();
        assertThat(TopicPattern.tryParse(ENTITY_65 + ":*")).isNull();
        assertThat(TopicPattern.tryParse(ENTITY_65 + ":ab*")).isNull();
        assertThat(TopicPattern.tryParse("task:" + ID_193)).isNull();
        assertThat(TopicPattern.tryParse("task:" + ID_193 + "*")).isNull();
    }

    static Stream<Arguments> validPatterns() {
        return Stream.of(
            Arguments.of("*", TopicPattern.Kind.ALL, "", ""),
            Arguments.of("task:TASK-123", TopicPattern.Kind.EXACT, "task", "TASK-123"),
            Arguments.of("a:b:c", TopicPattern.Kind.EXACT, "a", "b:c"),
            Arguments.of("task:*", TopicPattern.Kind.PREFIX, "task", ""),
            Arguments.of("stream:Stream-*", TopicPattern.Kind.PREFIX, "stream", "Stream-"),
            Arguments.of("a:b:*", TopicPattern.Kind.PREFIX, "a", "b:"),
            Arguments.of(ENTITY_64 + ":*", TopicPattern.Kind.PREFIX, ENTITY_64, ""),
            Arguments.of(ENTITY_64 + ":id", TopicPattern.Kind.EXACT, ENTITY_64, "id"),
            Arguments.of("task:" + ID_192, TopicPattern.Kind.EXACT, "task", ID_192),
            Arguments.of("task:" + "I".repeat(191) + "*", TopicPattern.Kind.PREFIX, "task", "I".repeat(191)));
    }

    @ParameterizedTest
    @MethodSource("validPatterns")
    void validPatternParsesIntoItsKind(String text, TopicPattern.Kind kind, String entity, String idPrefix) {
        TopicPattern pattern = TopicPattern.parse(text);

        assertThat(pattern.value()).isEqualTo(text);
        assertThat(pattern.kind()).isEqualTo(kind);
        assertThat(pattern.entity()).isEqualTo(entity);
        assertThat(pattern.idPrefix()).isEqualTo(idPrefix);
        assertThat(pattern).hasToString(text);
        assertThat(TopicPattern.tryParse(text)).isEqualTo(pattern);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "ta*", "*task", "task:*:x", "task:A*B", "**", "*:*", "task*", "task:**", "Task:*", "TASK:*", "Task:T-1",
        "task:", ":*", ":x", "task", "task:T 1", "task:T#*", "task:T #*", "task:#", "1task:*", " *", "* ", "task:*x",
        "task:A*B*", "ta*sk:*", "*:task"})
    void invalidPatternIsRejectedWithInvalidTopicNamingIt(String text) {
        assertThat(TopicPattern.tryParse(text)).isNull();
        assertThatThrownBy(() -> TopicPattern.parse(text))
            .isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.WS_INVALID_TOPIC);
                assertThat(e.details()).containsEntry("topic", text == null ? "null" : text);
                assertThat(e.getMessage()).contains("'" + (text == null ? "null" : text) + "'")
                    .contains("entity:*");
            });
    }

    @Test
    void starPatternIsTheAllConstant() {
        assertThat(TopicPattern.parse("*")).isSameAs(TopicPattern.ALL);
    }

    @Test
    void patternsWithEqualTextAreEqual() {
        assertThat(TopicPattern.parse("task:*")).isEqualTo(TopicPattern.parse("task:*"))
            .hasSameHashCodeAs(TopicPattern.parse("task:*"));
        assertThat(TopicPattern.parse("task:T-1")).isNotEqualTo(TopicPattern.parse("task:T-*"));
    }

    static Stream<Arguments> matchTable() {
        return Stream.of(
            Arguments.of("*", "task:T-1", true),
            Arguments.of("*", "stream:Stream-A", true),
            Arguments.of("task:TASK-123", "task:TASK-123", true),
            Arguments.of("task:TASK-123", "task:TASK-1234", false),
            Arguments.of("task:TASK-123", "task:TASK-12", false),
            Arguments.of("task:TASK-123", "task:task-123", false),
            Arguments.of("task:TASK-123", "tasks:TASK-123", false),
            Arguments.of("task:*", "task:TASK-123", true),
            Arguments.of("task:*", "task:x", true),
            Arguments.of("task:*", "tasks:x", false),
            Arguments.of("task:*", "tas:x", false),
            Arguments.of("task:*", "stream:task", false),
            Arguments.of("stream:Stream-*", "stream:Stream-A", true),
            Arguments.of("stream:Stream-*", "stream:Stream-", true),
            Arguments.of("stream:Stream-*", "stream:Stream", false),
            Arguments.of("stream:Stream-*", "stream:stream-A", false),
            Arguments.of("stream:Stream-*", "stream:XStream-A", false),
            Arguments.of("stream:Stream-*", "task:Stream-A", false),
            Arguments.of("stream:s*", "stream:Stream-A", false),
            Arguments.of("a:b:*", "a:b:c", true),
            Arguments.of("a:b:*", "a:bc", false),
            Arguments.of("a:b:c", "a:b:c", true),
            Arguments.of("a:b:c", "a:b:cd", false),
            Arguments.of("*", "a:b:c", true),
            Arguments.of("stream:stream-*", "stream:Stream-A", false),
            Arguments.of("stream:STREAM-*", "stream:Stream-A", false),
            Arguments.of("stream:Stream-*", "streams:Stream-A", false),
            Arguments.of("stream:Stream-*", "strea:Stream-A", false),
            Arguments.of("stream:Stream-A*", "stream:Stream-A", true),
            Arguments.of("task:T-1", "task:T-1", true),
            Arguments.of("task:T-1", "task:t-1", false));
    }

    @ParameterizedTest
    @MethodSource("matchTable")
    void patternMatchesTopicsCaseSensitively(String pattern, String topic, boolean expected) {
        assertThat(TopicPattern.parse(pattern).matches(Topic.parse(topic))).isEqualTo(expected);
    }

    @Test
    void prefixAsLongAsAWholeIdIsValidAndMatchesThatId() {
        TopicPattern pattern = TopicPattern.parse("task:" + ID_192 + "*");
        assertThat(pattern.kind()).isEqualTo(TopicPattern.Kind.PREFIX);
        assertThat(pattern.matches(Topic.parse("task:" + ID_192))).isTrue();
        assertThat(TopicPattern.tryParse("task:" + ID_193 + "*")).isNull();
    }
}
