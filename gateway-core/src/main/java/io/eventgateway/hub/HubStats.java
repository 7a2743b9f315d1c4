package io.eventgateway.hub;

import java.util.List;

/**
 * A snapshot of the hub for {@code GET /api/status}.
 *
 * @param headSeq the dispatched head
 * @param published events dispatched since start
 * @param patterns active patterns with their subscriber counts, sorted by pattern
 * @param delivered events delivered to every connection since start, open and closed: never goes down
 * @param dropped events dropped by overflow on every connection since start, open and closed: never goes down
 */
public record HubStats(long headSeq, long published, List<PatternStats> patterns, long delivered, long dropped) {

    /** Copies the list. */
    public HubStats {
        patterns = List.copyOf(patterns);
    }

    /**
     * One active pattern.
     *
     * @param pattern the pattern text
     * @param subscribers the connections subscribed to it
     */
    public record PatternStats(String pattern, int subscribers) {
    }
}
