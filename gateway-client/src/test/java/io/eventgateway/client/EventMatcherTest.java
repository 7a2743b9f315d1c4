package io.eventgateway.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventMatcherTest {

    private static Event event(String type, String dataJson) {
        try {
            JsonNode data = Wire.JSON.readTree(dataJson);
            return new Event(1, "task:T-1", type, Instant.EPOCH, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void withoutFiltersAndTypesEveryEventMatches() {
        EventMatcher matcher = new EventMatcher(SubscribeSpec.of("task:*"));
        assertThat(matcher.test(event("anything", "{}"))).isTrue();
    }

    @Test
    void eventTypesMatchExactlyOrByPrefixBeforeTheFinalStar() {
        EventMatcher matcher = new EventMatcher(SubscribeSpec.builder().patterns("*")
            .events("task.status_changed", "stream.*").build());
        assertThat(matcher.test(event("task.status_changed", "{}"))).isTrue();
        assertThat(matcher.test(event("stream.progress", "{}"))).isTrue();
        assertThat(matcher.test(event("task.created", "{}"))).isFalse();
        assertThat(matcher.test(event("streamx", "{}"))).isFalse();
        EventMatcher star = new EventMatcher(SubscribeSpec.builder().patterns("*").events("*").build());
        assertThat(star.test(event("whatever", "{}"))).isTrue();
    }

    @Test
    void everyFilterMustMatchOneOfItsValues() {
        EventMatcher matcher = new EventMatcher(SubscribeSpec.builder().patterns("*")
            .filter("status", "in_progress", "blocked").filter("source", "file").build());
        assertThat(matcher.test(event("t", "{\"status\":\"blocked\",\"source\":\"file\"}"))).isTrue();
        assertThat(matcher.test(event("t", "{\"status\":\"done\",\"source\":\"file\"}"))).isFalse();
        assertThat(matcher.test(event("t", "{\"status\":\"blocked\"}"))).as("a missing field does not match")
            .isFalse();
    }

    @Test
    void numbersCompareByValueAndTypesDoNotMix() {
        EventMatcher matcher = new EventMatcher(SubscribeSpec.builder().patterns("*").filter("n", 1).build());
        assertThat(matcher.test(event("t", "{\"n\":1}"))).isTrue();
        assertThat(matcher.test(event("t", "{\"n\":1.0}"))).isTrue();
        assertThat(matcher.test(event("t", "{\"n\":\"1\"}"))).isFalse();
        assertThat(matcher.test(event("t", "{\"n\":2}"))).isFalse();
        assertThat(matcher.test(event("t", "{\"n\":1e400}"))).as("an infinite literal compares as a double")
            .isFalse();
        EventMatcher nulls = new EventMatcher(SubscribeSpec.builder().patterns("*").filter("x", (Object) null)
            .filter("b", true).build());
        assertThat(nulls.test(event("t", "{\"x\":null,\"b\":true}"))).isTrue();
        assertThat(nulls.test(event("t", "{\"x\":0,\"b\":true}"))).isFalse();
        assertThat(nulls.test(event("t", "{\"x\":null,\"b\":\"true\"}"))).isFalse();
    }
}
