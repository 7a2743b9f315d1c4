package io.eventgateway.log;

import io.eventgateway.topic.TopicPattern;
import java.util.List;

/**
 * A range read of the log: the retained events with {@code since < seq <= until} whose topic matches one of
 * {@code patterns} (every topic when the list is empty), in increasing {@code seq}, at most {@code limit}.
 *
 * @param since exclusive lower bound, at least 0
 * @param until inclusive upper bound; {@link Long#MAX_VALUE} for "up to the head"
 * @param patterns the patterns to match, empty for all topics
 * @param limit the most events to return, at least 1; {@link Long#MAX_VALUE} for no limit
 */
public record EventQuery(long since, long until, List<TopicPattern> patterns, long limit) {

    /** Validates and copies the components. */
    public EventQuery {
        if (since < 0) {
            throw new IllegalArgumentException("since must be >= 0, got " + since);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        patterns = List.copyOf(patterns);
    }

    /**
     * Whether an event's topic is selected by this query's patterns.
     *
     * @param topic the topic
     * @return true when the pattern list is empty or one pattern matches
     */
    public boolean matches(io.eventgateway.topic.Topic topic) {
        if (patterns.isEmpty()) {
            return true;
        }
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i).matches(topic)) {
                return true;
            }
        }
        return false;
    }
}
