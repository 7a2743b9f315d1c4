package io.eventgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PublisherRampTest {

    private static final long PERIOD = TimeUnit.MILLISECONDS.toNanos(1); // 1,000 events/s
    private static final long FROM = 5_000_000_000L;
    private static final long RAMP = TimeUnit.SECONDS.toNanos(10);
    private static final long TO = FROM + RAMP;

    /** Walks the schedule as the publisher does, 1,000/s ramped over {@link #RAMP} from {@link #FROM}. */
    private static long eventsScheduledUntil(long end) {
        long intended = FROM;
        long events = 0;
        while (intended < end) {
            events++;
            intended += Publisher.gapAfter(intended, PERIOD, FROM, RAMP);
        }
        return events;
    }

    @Test
    void theRampStartsAtATenthOfTheRateAndEndsAtAllOfIt() {
        assertThat(Publisher.gapAfter(FROM, PERIOD, FROM, RAMP)).isEqualTo(10 * PERIOD);
        // Half way: 0.1 + 0.9 * 0.5 = 0.55 of the rate.
        assertThat(Publisher.gapAfter(FROM + (TO - FROM) / 2, PERIOD, FROM, RAMP))
            .isEqualTo(Math.round(PERIOD / 0.55));
        assertThat(Publisher.gapAfter(TO, PERIOD, FROM, RAMP)).isEqualTo(PERIOD);
        assertThat(Publisher.gapAfter(TO + PERIOD, PERIOD, FROM, RAMP)).isEqualTo(PERIOD);
    }

    @Test
    void withoutARampEveryGapIsThePeriod() {
        assertThat(Publisher.gapAfter(FROM, PERIOD, FROM, 0)).isEqualTo(PERIOD);
        // Any clock origin: System.nanoTime() may be negative.
        assertThat(Publisher.gapAfter(-FROM, PERIOD, -FROM, 0)).isEqualTo(PERIOD);
        assertThat(Publisher.gapAfter(-FROM, PERIOD, -FROM, RAMP)).isEqualTo(10 * PERIOD);
    }

    @Test
    void aRampPublishesTheAverageOfItsStartAndEndRates() {
        // A linear rise from 100/s to 1,000/s over 10 s is 5,500 events.
        assertThat(eventsScheduledUntil(TO)).isBetween(5_400L, 5_600L);
    }

    @Test
    void aRampedWarmUpAsksForTheMeanRateOfItsSchedule() {
        // 40 s of warm-up, the first 20 ramped: 20 s at 5,000/s plus 20 s averaging 2,750/s -> 3,875/s over the
        // window (the many-topics run that reported "reached 3,874 of the 5,000 events/s asked" had kept its rate).
        assertThat(Publisher.meanRate(5_000, 40, 20)).isCloseTo(3_875, Offset.offset(1e-9));
        // The same figure as walking the schedule: 10 s ramp within a 20 s warm-up at 1,000/s.
        assertThat(eventsScheduledUntil(FROM + 2 * RAMP) / 20.0)
            .isCloseTo(Publisher.meanRate(1_000, 20, 10), Offset.offset(5.0));
        assertThat(Publisher.meanRate(5_000, 40, 0)).isEqualTo(5_000);
        assertThat(Publisher.meanRate(5_000, 0, 0)).isEqualTo(5_000);
        assertThat(Publisher.meanRate(5_000, 10, 10)).isCloseTo(2_750, Offset.offset(1e-9));
    }

    @Test
    void theRampMustFitTheWarmUp() {
        BenchOptions options = new BenchOptions();
        options.warmupSeconds = 10;
        options.rampSeconds = 10;
        assertThat(options.ramp()).isEqualTo(Duration.ofSeconds(10));
        options.rampSeconds = 11;
        assertThatThrownBy(options::ramp).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("--ramp must be between 0 and --warmup (10 s), got 11");
        options.rampSeconds = -1;
        assertThatThrownBy(options::ramp).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRampLongerThanTheWarmUpIsOneLineAndExitStatus2BeforeAnyConnection() {
        CommandLine command = BenchMain.commandLine();
        StringWriter err = new StringWriter();
        command.setErr(new PrintWriter(err, true));
        // Port 1: nothing listens there, so reaching a connection would fail differently.
        int status = command.execute("fanout", "--warmup", "1", "--ramp", "5", "--port", "1");
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: --ramp must be between 0 and --warmup (1 s), got 5"
            + System.lineSeparator());
    }
}
