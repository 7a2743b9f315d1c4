package io.eventgateway.log;

import io.eventgateway.event.Event;
import io.eventgateway.topic.Topic;
import io.eventgateway.topic.TopicPattern;
import java.util.List;
import java.util.function.BiFunction;
import reactor.core.publisher.Flux;

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
    public boolean matches(Topic topic) {
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

    /**
     * Runs this query over a log: reads the range {@code (since, min(until, head)]} in increasing seq with
     * {@code range}, keeps the events of the patterns, and stops at the limit. Shared by every implementation.
     *
     * <p>Seqs are contiguous in a log (a failed commit gives its seqs to the next one; retention only removes a
     * prefix), so every seq of the range must come from {@code range}, whatever the patterns: a missing one was
     * purged by retention after the caller chose {@code since}, and the read fails with
     * {@link EventsPurgedException} instead of skipping it. A caller that accepts an already purged prefix (it
     * told its client so, with {@code recovered: false} or {@code truncated: true}) starts {@code since} at the
     * log's {@link EventLog#purgedThrough()}.
     *
     * @param head the log's head
     * @param range reads the events of {@code (from, to]} in increasing seq
     * @return the selected events
     */
    public Flux<Event> select(long head, BiFunction<Long, Long, Flux<Event>> range) {
        long to = Math.min(until, head);
        if (to <= since) {
            return Flux.empty();
        }
        Flux<Event> selected = Flux.defer(() -> {
            long[] next = {since + 1};
            return range.apply(since, to)
                .<Event>handle((event, sink) -> {
                    if (event.seq() != next[0]) {
                        sink.error(new EventsPurgedException(next[0] - 1, event.seq()));
                        return;
                    }
                    next[0]++;
                    if (matches(event.topic())) {
                        sink.next(event);
                    }
                })
                .concatWith(Flux.defer(() -> next[0] > to ? Flux.empty()
                    : Flux.error(new EventsPurgedException(next[0] - 1, -1))));
        });
        return limit == Long.MAX_VALUE ? selected : selected.take(limit, true);
    }
}
