package io.eventgateway.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Fuzz tests (Jazzer) of the topic and pattern parsers and of {@link PatternIndex}, against a reference written from
 * PROTOCOL.md section 2: a regular expression for the grammar and {@code startsWith} for matching.
 *
 * <p>A normal build replays {@code src/test/resources/io/eventgateway/topic/TopicPatternFuzzTestInputs/<method>/};
 * {@code scripts/fuzz pattern} and {@code scripts/fuzz index} fuzz them (docs/FUZZING.md).
 */
final class TopicPatternFuzzTest {

    private static final String ENTITY = "[a-z][a-z0-9_.-]{0,63}";
    private static final String ID_CHAR = "[A-Za-z0-9._:/@-]";
    /** A concrete topic, as PROTOCOL.md section 2 writes it. */
    private static final Pattern TOPIC = Pattern.compile(ENTITY + ":" + ID_CHAR + "{1,192}");
    /** The pattern forms: {@code *}, a concrete topic, {@code entity:prefix*} (the prefix at most an id long). */
    private static final Pattern PREFIX = Pattern.compile(ENTITY + ":" + ID_CHAR + "{0,192}\\*");

    /**
     * Input: UTF-8 lines, the first a pattern, the others topics. The whole input is parsed too. Properties: the
     * parsers accept exactly the grammar; a pattern round-trips through its text and its parts; it matches a topic
     * exactly when the reference matcher says so, and matches the topics built from it.
     */
    @FuzzTest
    // No "\n" in a dictionary: Jazzer 0.30 writes it unescaped and libFuzzer then refuses the dictionary (exit 1).
    @DictionaryEntries({"*", ":", "task:", "stream:Stream-", "a.b_c-d", "@", "/"})
    void parseAndMatch(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        checkParse(text);
        String[] lines = text.split("\n", -1);
        TopicPattern pattern = checkParse(lines[0]);
        for (int i = 1; i < lines.length; i++) {
            Topic topic = checkTopic(lines[i]);
            if (pattern != null && topic != null) {
                assertThat(pattern.matches(topic)).as("%s matches %s", pattern, topic)
                    .isEqualTo(referenceMatches(pattern.value(), topic.value()));
            }
        }
        if (pattern != null) {
            for (String derived : matchingTopics(pattern.value())) {
                Topic topic = Topic.parse(derived);
                assertThat(pattern.matches(topic)).as("%s matches %s", pattern, topic).isTrue();
            }
            for (String derived : nonMatchingTopics(pattern.value())) {
                Topic topic = Topic.tryParse(derived);
                if (topic != null) {
                    assertThat(pattern.matches(topic)).as("%s matches %s", pattern, topic)
                        .isEqualTo(referenceMatches(pattern.value(), derived));
                }
            }
        }
    }

    /**
     * Input: UTF-8 lines, each an operation: {@code +pattern} puts, {@code -pattern} removes, {@code ?topic} asks for
     * the matches. Property: the index answers every operation like a map scanned linearly with the reference
     * matcher, including for the topics built from every pattern it saw.
     */
    @FuzzTest
    @DictionaryEntries({"+", "-", "?", "+*", "*", ":", "+task:", "-task:", "?task:", "task:T-1"})
    void indexMatches(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        PatternIndex<String> index = new PatternIndex<>();
        Map<String, TopicPattern> reference = new LinkedHashMap<>();
        List<String> queries = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            String arg = line.substring(1);
            switch (line.charAt(0)) {
                case '+' -> {
                    TopicPattern pattern = TopicPattern.tryParse(arg);
                    if (pattern != null) {
                        String previous = index.put(pattern, arg);
                        assertThat(previous).as("put %s", arg).isEqualTo(reference.containsKey(arg) ? arg : null);
                        reference.put(arg, pattern);
                        queries.addAll(matchingTopics(arg));
                        queries.addAll(nonMatchingTopics(arg));
                    }
                }
                case '-' -> {
                    TopicPattern pattern = TopicPattern.tryParse(arg);
                    if (pattern != null) {
                        String removed = index.remove(pattern);
                        assertThat(removed).as("remove %s", arg).isEqualTo(reference.remove(arg) != null ? arg : null);
                    }
                }
                case '?' -> checkMatches(index, reference, arg);
                default -> {
                    // Not an operation: ignored, so that the fuzzer may insert anything between operations.
                }
            }
            assertThat(index.size()).isEqualTo(reference.size());
        }
        for (String query : queries) {
            checkMatches(index, reference, query);
        }
        for (Map.Entry<String, TopicPattern> entry : reference.entrySet()) {
            assertThat(index.get(entry.getValue())).isEqualTo(entry.getKey());
        }
    }

    private static void checkMatches(PatternIndex<String> index, Map<String, TopicPattern> reference, String text) {
        Topic topic = Topic.tryParse(text);
        if (topic == null) {
            return;
        }
        List<String> found = new ArrayList<>();
        index.forEachMatch(topic, found::add);
        Set<String> expected = new HashSet<>();
        for (String pattern : reference.keySet()) {
            if (referenceMatches(pattern, text)) {
                expected.add(pattern);
            }
        }
        assertThat(found).as("matches of %s among %s", text, reference.keySet())
            .doesNotHaveDuplicates()
            .containsExactlyInAnyOrderElementsOf(expected);
    }

    /** Parses one text as a topic and as a pattern, checking both against the grammar; the pattern or null. */
    private static @Nullable TopicPattern checkParse(String text) {
        checkTopic(text);
        TopicPattern pattern = TopicPattern.tryParse(text);
        boolean valid = text.equals("*") || TOPIC.matcher(text).matches() || PREFIX.matcher(text).matches();
        assertThat(pattern != null).as("'%s' parses as a pattern", text).isEqualTo(valid);
        if (pattern == null) {
            assertThatThrownBy(() -> TopicPattern.parse(text))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.WS_INVALID_TOPIC);
                    assertThat(e.details()).containsEntry("topic", text);
                });
            return null;
        }
        assertThat(TopicPattern.parse(text)).isEqualTo(pattern);
        assertThat(pattern.value()).isEqualTo(text);
        assertThat(pattern.toString()).isEqualTo(text);
        assertThat(TopicPattern.parse(pattern.toString())).isEqualTo(pattern);
        switch (pattern.kind()) {
            case ALL -> assertThat(text).isEqualTo("*");
            case EXACT -> {
                assertThat(pattern.entity() + ":" + pattern.idPrefix()).isEqualTo(text);
                Topic topic = Topic.parse(text);
                assertThat(topic.entity()).isEqualTo(pattern.entity());
                assertThat(pattern.matches(topic)).isTrue();
            }
            case PREFIX -> {
                assertThat(pattern.entity() + ":" + pattern.idPrefix() + "*").isEqualTo(text);
                assertThat(PREFIX.matcher(text).matches()).isTrue();
            }
            default -> throw new AssertionError(pattern.kind());
        }
        return pattern;
    }

    /** Parses one text as a topic, checking it against the grammar; the topic or null. */
    private static @Nullable Topic checkTopic(String text) {
        Topic topic = Topic.tryParse(text);
        assertThat(topic != null).as("'%s' parses as a topic", text).isEqualTo(TOPIC.matcher(text).matches());
        if (topic == null) {
            assertThatThrownBy(() -> Topic.parse(text))
                .isInstanceOfSatisfying(GatewayException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.WS_INVALID_TOPIC));
            return null;
        }
        assertThat(Topic.parse(text)).isEqualTo(topic);
        assertThat(topic.entity() + ":" + topic.id()).isEqualTo(text);
        assertThat(topic.entity()).doesNotContain(":");
        assertThat(Topic.parse(topic.toString())).isEqualTo(topic);
        return topic;
    }

    /** The reference matcher: {@code *} matches all, {@code x*} the topics starting with x, a topic itself. */
    private static boolean referenceMatches(String pattern, String topic) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith("*")) {
            return topic.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(topic);
    }

    /** Valid topics the pattern must match (none for {@code *}, which is checked against any topic above). */
    private static List<String> matchingTopics(String pattern) {
        List<String> topics = new ArrayList<>();
        if (pattern.equals("*")) {
            topics.add("any:topic");
            return topics;
        }
        if (!pattern.endsWith("*")) {
            topics.add(pattern);
            return topics;
        }
        String stem = pattern.substring(0, pattern.length() - 1);
        int idLength = stem.length() - stem.indexOf(':') - 1;
        if (idLength > 0) {
            topics.add(stem);
        }
        if (idLength < TopicSyntax.MAX_ID_LENGTH) {
            topics.add(stem + "x");
            topics.add(stem + ":");
        }
        return topics;
    }

    /** Topics near the pattern: one character less, another last character, another entity. */
    private static List<String> nonMatchingTopics(String pattern) {
        List<String> topics = new ArrayList<>();
        String stem = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
        if (stem.length() > 1) {
            topics.add(stem.substring(0, stem.length() - 1));
            char last = stem.charAt(stem.length() - 1);
            topics.add(stem.substring(0, stem.length() - 1) + (last == 'a' ? 'b' : 'a'));
        }
        topics.add("z" + stem);
        topics.add(stem + "-");
        return topics;
    }
}
