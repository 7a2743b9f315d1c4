package io.eventgateway.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Duration MIN = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(10);

    @Test
    void ceilingDoublesFromMinAndStopsAtMax() {
        Backoff backoff = new Backoff(MIN, MAX, 1.0, () -> 0.5);
        assertThat(backoff.ceiling(0)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofMillis(6400));
        assertThat(backoff.ceiling(7)).isEqualTo(MAX);
        assertThat(backoff.ceiling(10_000)).as("no overflow for long outages").isEqualTo(MAX);
    }

    @Test
    void withoutJitterEachRetryWaitsExactlyItsCeiling() {
        Backoff backoff = new Backoff(MIN, MAX, 0.0, () -> 0.99);
        for (int attempt = 0; attempt < 12; attempt++) {
            assertThat(backoff.delay(attempt)).isEqualTo(backoff.ceiling(attempt));
        }
    }

    @Test
    void fullJitterWaitsBetweenZeroAndTheCeilingAndSpreadsOverTheRange() {
        Random random = new Random(42);
        Backoff backoff = new Backoff(MIN, MAX, 1.0, random::nextDouble);
        for (int attempt = 0; attempt < 10; attempt++) {
            long ceiling = backoff.ceiling(attempt).toNanos();
            long smallest = Long.MAX_VALUE;
            long largest = 0;
            for (int i = 0; i < 1000; i++) {
                long delay = backoff.delay(attempt).toNanos();
                assertThat(delay).isBetween(0L, ceiling);
                smallest = Math.min(smallest, delay);
                largest = Math.max(largest, delay);
            }
            assertThat(smallest).as("attempt " + attempt + " reaches the bottom tenth").isLessThan(ceiling / 10);
            assertThat(largest).as("attempt " + attempt + " reaches the top tenth").isGreaterThan(ceiling * 9 / 10);
        }
    }

    @Test
    void partialJitterKeepsTheWaitInTheUpperPartOfTheRange() {
        Backoff backoff = new Backoff(MIN, MAX, 0.25, new Random(7)::nextDouble);
        for (int i = 0; i < 1000; i++) {
            assertThat(backoff.delay(3).toMillis()).isBetween(600L, 800L);
        }
    }

    @Test
    void extremesOfTheRandomSourceMapToTheEndsOfTheRange() {
        assertThat(new Backoff(MIN, MAX, 1.0, () -> 0.0).delay(2)).isEqualTo(Duration.ofMillis(400));
        assertThat(new Backoff(MIN, MAX, 1.0, () -> 0.999_999).delay(2).toNanos()).isLessThan(1_000);
    }
}
