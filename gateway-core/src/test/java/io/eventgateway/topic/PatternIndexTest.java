package io.eventgateway.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link PatternIndex}: storage, and {@code forEachMatch} against a brute-force scan. */
final class PatternIndexTest {

    private static List<String> matches(PatternIndex<String> index, String topic) {
        List<String> found = new ArrayList<>();
        index.forEachMatch(Topic.parse(topic), found::add);
        return found;
    }

    private static TopicPattern p(String text) {
        return TopicPattern.parse(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "task:T-1", "task:*", "stream:Stream-*", "a:b:*", "a:b:c"})
    void putGetRemoveRoundTripsEveryKindOfPattern(String text) {
        PatternIndex<String> index = new PatternIndex<>();

        assertThat(index.get(p(text))).isNull();
        assertThat(index.put(p(text), "v1")).isNull();
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.get(p(text))).isEqualTo("v1");
        assertThat(index.put(p(text), "v2")).isEqualTo("v1");
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.get(p(text))).isEqualTo("v2");
        assertThat(index.remove(p(text))).isEqualTo("v2");
        assertThat(index.size()).isZero();
        assertThat(index.get(p(text))).isNull();
        assertThat(index.remove(p(text))).isNull();
        assertThat(index.size()).isZero();
    }

    @Test
    void removingAnAbsentPatternChangesNothing() {
        PatternIndex<String> index = new PatternIndex<>();
        index.put(p("stream:Stream-*"), "prefix");

        assertThat(index.remove(p("stream:Stream*"))).isNull();
        assertThat(index.remove(p("stream:Stream-A*"))).isNull();
        assertThat(index.remove(p("stream:*"))).isNull();
        assertThat(index.remove(p("task:*"))).isNull();
        assertThat(index.remove(p("stream:Stream-"))).isNull();

        assertThat(index.size()).isEqualTo(1);
        assertThat(index.get(p("stream:Stream-*"))).isEqualTo("prefix");
        assertThat(matches(index, "stream:Stream-A")).containsExactly("prefix");
    }

    @Test
    void prefixAndExactOfTheSameTextAreDistinct() {
        PatternIndex<String> index = new PatternIndex<>();
        index.put(p("task:T-1"), "exact");
        index.put(p("task:T-1*"), "prefix");

        assertThat(index.size()).isEqualTo(2);
        assertThat(matches(index, "task:T-1")).containsExactlyInAnyOrder("exact", "prefix");
        assertThat(matches(index, "task:T-12")).containsExactly("prefix");
        index.remove(p("task:T-1"));
        assertThat(matches(index, "task:T-1")).containsExactly("prefix");
    }

    @Test
    void nestedPrefixesAllMatchEachOnce() {
        PatternIndex<String> index = new PatternIndex<>();
        for (String text : List.of("*", "stream:*", "stream:S*", "stream:Stream-*", "stream:Stream-A",
            "stream:Stream-AB*", "stream:Stream-B*", "stream:Stream-A:*", "task:*", "task:Stream-*", "streams:*")) {
            index.put(p(text), text);
        }

        assertThat(matches(index, "stream:Stream-A"))
            .containsExactlyInAnyOrder("*", "stream:*", "stream:S*", "stream:Stream-*", "stream:Stream-A");
        assertThat(matches(index, "stream:Stream-AB"))
            .containsExactlyInAnyOrder("*", "stream:*", "stream:S*", "stream:Stream-*", "stream:Stream-AB*");
        assertThat(matches(index, "stream:S"))
            .containsExactlyInAnyOrder("*", "stream:*", "stream:S*");
        assertThat(matches(index, "stream:Stream"))
            .containsExactlyInAnyOrder("*", "stream:*", "stream:S*");
        assertThat(matches(index, "stream:x"))
            .containsExactlyInAnyOrder("*", "stream:*");
        assertThat(matches(index, "stream:Stream-A:1"))
            .containsExactlyInAnyOrder("*", "stream:*", "stream:S*", "stream:Stream-*", "stream:Stream-A:*");
        assertThat(matches(index, "task:Stream-A"))
            .containsExactlyInAnyOrder("*", "task:*", "task:Stream-*");
        assertThat(matches(index, "other:Stream-A")).containsExactly("*");
    }

    @Test
    void removingAnInnerPrefixKeepsLongerAndShorterOnes() {
        PatternIndex<String> index = new PatternIndex<>();
        index.put(p("stream:*"), "a");
        index.put(p("stream:S*"), "b");
        index.put(p("stream:Stream-*"), "c");

        index.remove(p("stream:S*"));

        assertThat(index.size()).isEqualTo(2);
        assertThat(matches(index, "stream:Stream-A")).containsExactlyInAnyOrder("a", "c");
        index.remove(p("stream:Stream-*"));
        assertThat(matches(index, "stream:Stream-A")).containsExactly("a");
        index.remove(p("stream:*"));
        assertThat(matches(index, "stream:Stream-A")).isEmpty();
        assertThat(index.size()).isZero();
    }

    @Test
    void prefixPatternsOfOneEntityAllMatchAndOnlyTheirEntityAndLongEnoughIds() {
        PatternIndex<String> index = new PatternIndex<>();
        for (String text : List.of("stream:*", "stream:S*", "stream:Stream-*")) {
            index.put(p(text), text);
        }

        assertThat(matches(index, "stream:Stream-A")).containsExactlyInAnyOrder("stream:*", "stream:S*",
            "stream:Stream-*");
        assertThat(matches(index, "stream:Stream-")).containsExactlyInAnyOrder("stream:*", "stream:S*",
            "stream:Stream-*");
        assertThat(matches(index, "stream:Stream")).containsExactlyInAnyOrder("stream:*", "stream:S*");
        assertThat(matches(index, "stream:S")).containsExactlyInAnyOrder("stream:*", "stream:S*");
        assertThat(matches(index, "stream:s")).containsExactly("stream:*");
        assertThat(matches(index, "stream:stream-A")).containsExactly("stream:*");
        assertThat(matches(index, "streams:Stream-A")).isEmpty();
        assertThat(matches(index, "strea:Stream-A")).isEmpty();
        assertThat(matches(index, "task:Stream-A")).isEmpty();
    }

    @Test
    void everyMatchingValueIsPassedExactlyOnce() {
        PatternIndex<String> index = new PatternIndex<>();
        index.put(p("*"), "all");
        index.put(p("task:T-1"), "exact");
        index.put(p("task:*"), "entity");
        index.put(p("task:T*"), "t");
        index.put(p("task:T-1*"), "whole-id-prefix");

        List<String> found = matches(index, "task:T-1");

        assertThat(found).hasSize(5).doesNotHaveDuplicates()
            .containsExactlyInAnyOrder("all", "exact", "entity", "t", "whole-id-prefix");
    }

    @Test
    void indexEmptiedByRemovalsBehavesLikeANewOne() {
        PatternIndex<String> index = new PatternIndex<>();
        List<String> texts = List.of("*", "task:T-1", "task:*", "task:T*", "task:T-1*", "stream:Stream-*",
            "stream:Stream-A:*", "stream:Stream-A");
        for (String text : texts) {
            index.put(p(text), text);
        }
        for (String text : texts) {
            assertThat(index.remove(p(text))).isEqualTo(text);
        }

        assertThat(index.size()).isZero();
        for (String topic : List.of("task:T-1", "task:T", "stream:Stream-A", "stream:Stream-A:1", "x:y")) {
            assertThat(matches(index, topic)).as(topic).isEmpty();
        }
        for (String text : texts) {
            assertThat(index.get(p(text))).as(text).isNull();
        }
        index.put(p("task:T*"), "again");
        assertThat(index.size()).isEqualTo(1);
        assertThat(matches(index, "task:T-1")).containsExactly("again");
        assertThat(matches(index, "stream:Stream-A")).isEmpty();
    }

    @Test
    void removingALongPrefixKeepsTheShorterPrefixOnItsPath() {
        PatternIndex<String> index = new PatternIndex<>();
        index.put(p("task:AB*"), "ab");
        index.put(p("task:ABCD*"), "abcd");
        index.put(p("task:ABX*"), "abx");

        index.remove(p("task:ABCD*"));

        assertThat(matches(index, "task:ABCDE")).containsExactly("ab");
        assertThat(matches(index, "task:ABXY")).containsExactlyInAnyOrder("ab", "abx");
        index.remove(p("task:AB*"));
        assertThat(matches(index, "task:ABXY")).containsExactly("abx");
        assertThat(matches(index, "task:ABCDE")).isEmpty();
        assertThat(index.get(p("task:ABX*"))).isEqualTo("abx");
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void forEachMatchAgreesWithBruteForceScanOverLongIdsAndEntitiesThatPrefixEachOther() {
        Random random = new Random(1L);
        String[] entities = {"s", "st", "stream", "stream2", "task"};
        char[] chars = {'S', 't', 'r', 'e', 'a', 'm', '-', 'A', ':', '0', '9', '_', '.', '/', '@'};
        PatternIndex<String> index = new PatternIndex<>();
        Map<TopicPattern, String> reference = new HashMap<>();
        for (int round = 0; round < 4000; round++) {
            String entity = entities[random.nextInt(entities.length)];
            StringBuilder id = new StringBuilder();
            for (int i = random.nextInt(13); i > 0; i--) {
                id.append(chars[random.nextInt(chars.length)]);
            }
            int kind = random.nextInt(10);
            TopicPattern pattern = kind == 0 ? TopicPattern.ALL
                : id.length() > 0 && kind < 4 ? p(entity + ":" + id) : p(entity + ":" + id + "*");
            if (random.nextInt(3) == 0) {
                assertThat(index.remove(pattern)).isEqualTo(reference.remove(pattern));
            } else {
                assertThat(index.put(pattern, "v" + round)).isEqualTo(reference.put(pattern, "v" + round));
            }
            assertThat(index.size()).isEqualTo(reference.size());
            if (id.length() > 0) {
                Topic topic = Topic.parse(entities[random.nextInt(entities.length)] + ":" + id);
                List<String> expected = new ArrayList<>();
                reference.forEach((candidate, value) -> {
                    if (candidate.matches(topic)) {
                        expected.add(value);
                    }
                });
                assertThat(matches(index, topic.value())).as("matches of %s", topic)
                    .containsExactlyInAnyOrderElementsOf(expected);
            }
        }
        assertThat(reference).hasSizeGreaterThan(100);
    }

    @Test
    void emptyIndexMatchesNothing() {
        assertThat(matches(new PatternIndex<>(), "task:T-1")).isEmpty();
    }

    @Test
    void forEachMatchAgreesWithBruteForceScanUnderRandomPutsAndRemovals() {
        Random random = new Random(20260108L);
        PatternIndex<String> index = new PatternIndex<>();
        Map<TopicPattern, String> reference = new HashMap<>();
        List<TopicPattern> known = new ArrayList<>();
        int checks = 0;
        for (int step = 0; step < 6000; step++) {
            int action = random.nextInt(10);
            if (action < 5) {
                TopicPattern pattern = randomPattern(random);
                String value = pattern.value() + "#" + step;
                assertThat(index.put(pattern, value)).isEqualTo(reference.put(pattern, value));
                known.add(pattern);
            } else if (action < 8 && !known.isEmpty()) {
                TopicPattern pattern = known.get(random.nextInt(known.size()));
                assertThat(index.remove(pattern)).isEqualTo(reference.remove(pattern));
            } else {
                Topic topic = randomTopic(random);
                List<String> expected = new ArrayList<>();
                reference.forEach((pattern, value) -> {
                    if (pattern.matches(topic)) {
                        expected.add(value);
                    }
                });
                List<String> actual = new ArrayList<>();
                index.forEachMatch(topic, actual::add);
                assertThat(actual).as("matches of %s", topic).containsExactlyInAnyOrderElementsOf(expected);
                checks++;
            }
            assertThat(index.size()).isEqualTo(reference.size());
        }
        assertThat(checks).isGreaterThan(500);

        for (TopicPattern pattern : known) {
            assertThat(index.remove(pattern)).isEqualTo(reference.remove(pattern));
        }
        assertThat(index.size()).isZero();
        for (int i = 0; i < 2000; i++) {
            Topic topic = randomTopic(random);
            index.forEachMatch(topic, v -> {
                throw new AssertionError("nothing should match " + topic + " but " + v + " did");
            });
        }
    }

    private static final String[] ENTITIES = {"a", "ab", "task", "stream"};
    private static final char[] ID_CHARS = {'A', 'B', 'a', '1', ':', '-'};

    private static String randomId(Random random, int min, int max) {
        int length = min + random.nextInt(max - min + 1);
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(ID_CHARS[random.nextInt(ID_CHARS.length)]);
        }
        return b.toString();
    }

    private static TopicPattern randomPattern(Random random) {
        int kind = random.nextInt(20);
        if (kind == 0) {
            return TopicPattern.ALL;
        }
        String entity = ENTITIES[random.nextInt(ENTITIES.length)];
        if (kind < 8) {
            return TopicPattern.parse(entity + ":" + randomId(random, 1, 4));
        }
        return TopicPattern.parse(entity + ":" + randomId(random, 0, 4) + "*");
    }

    private static Topic randomTopic(Random random) {
        return Topic.parse(ENTITIES[random.nextInt(ENTITIES.length)] + ":" + randomId(random, 1, 5));
    }
}
