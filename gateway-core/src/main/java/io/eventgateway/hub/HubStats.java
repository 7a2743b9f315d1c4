package io.eventgateway.hub;

import java.util.List;

/**
 * A snapshot of the hub for {@code GET /api/status}.
 *
 * @param headSeq the dispatched head
 * @param published events dispatched since start
 * @param patterns active patterns with their subscriber counts, sorted by pattern
 * @param closedDelivered events delivered to connections that have closed
 * @param closedDropped events dropped by overflow on connections that have closed
 */
public record HubStats(long headSeq, long published, List<PatternStats> patterns, long closedDelivered,
                       long closedDropped) {

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
