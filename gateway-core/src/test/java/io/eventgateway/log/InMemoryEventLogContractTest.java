package io.eventgateway.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.event.Event;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@link EventLog} contract for the in-memory log, plus its retention, which runs on each append. */
final class InMemoryEventLogContractTest extends AbstractEventLogContractTest {

    @Override
    protected EventLog createLog(Clock clock, long retentionEvents, Duration retentionAge,
                                 Duration idempotencyWindow) {
        return EventLog.inMemory(clock, retentionEvents, retentionAge, idempotencyWindow);
    }

    @Test
    void retentionByCountPurgesTheOldestOnAppend() {
        EventLog log = newLog(5, Duration.ofDays(7), Duration.ofMinutes(5));
        for (int n = 1; n <= 8; n++) {
            append(log, newEvent("task:T-1", "a", n));
        }

        assertThat(log.headSeq()).isEqualTo(8L);
        assertThat(log.oldestSeq()).isEqualTo(4L);
        assertThat(log.purgedThrough()).isEqualTo(3L);
        List<Event> left = log.read(new EventQuery(0, Long.MAX_VALUE, List.of(), Long.MAX_VALUE))
            .collectList().block(TIMEOUT);
        assertThat(left).extracting(Event::seq).containsExactly(4L, 5L, 6L, 7L, 8L);
    }

    @Test
    void retentionByAgePurgesEventsOlderThanTheAgeOnAppend() {
        EventLog log = newLog(1_000_000, Duration.ofMinutes(10), Duration.ofMinutes(5));
        append(log, newEvent("task:T-1", "a", 1));
        append(log, newEvent("task:T-1", "a", 2));
        clock().advance(Duration.ofMinutes(11));

        append(log, newEvent("task:T-1", "a", 3));

        assertThat(log.purgedThrough()).isEqualTo(2L);
        assertThat(log.oldestSeq()).isEqualTo(3L);
        assertThat(log.headSeq()).isEqualTo(3L);
    }
}
