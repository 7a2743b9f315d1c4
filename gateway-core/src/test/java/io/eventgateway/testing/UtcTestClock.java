package io.eventgateway.testing;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The zone part of the test clocks: always UTC, and a clock in another zone is the same clock. */
abstract class UtcTestClock extends Clock {

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
