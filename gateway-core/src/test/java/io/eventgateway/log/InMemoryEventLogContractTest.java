package io.eventgateway.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@link EventLog} contract for the in-memory log, plus what is particular to it. */
final class InMemoryEventLogContractTest extends AbstractEventLogContractTest {

    @Override
    protected EventLog createLog(Clock clock, long retentionEvents, Duration retentionAge,
                                 Duration idempotencyWindow) {
        return EventLog.inMemory(clock, retentionEvents, retentionAge, idempotencyWindow);
    }

    @Test
    void retentionRunsWithinTheAppendThatExceedsIt() {
        EventLog log = newLog(2, Duration.ofDays(7), Duration.ofMinutes(5));
        append(log, newEvent("task:T-1", "a", 1));
        append(log, newEvent("task:T-1", "a", 2));
        assertThat(log.purgedThrough()).isZero();

        append(log, newEvent("task:T-1", "a", 3));

        assertThat(log.purgedThrough()).isEqualTo(1L);
        assertThat(log.oldestSeq()).isEqualTo(2L);
    }
}
