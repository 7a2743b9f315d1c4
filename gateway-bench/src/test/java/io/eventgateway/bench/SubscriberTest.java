package io.eventgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SubscriberTest {

    private final Subscriber s = new Subscriber(3);

    @Test
    void consecutiveEventsAreAllReceivedAndNothingIsMissing() {
        for (int n = 0; n < 5; n++) {
            assertThat(s.onEvent(100 + n, 3, n)).isTrue();
        }
        assertThat(s.finish(5)).isZero();
        assertThat(s.received).isEqualTo(5);
        assertThat(s.unannounced + s.duplicates + s.orderViolations + s.overAnnounced).isZero();
    }

    @Test
    void aJumpWithoutOverflowIsUnannounced() {
        s.onEvent(1, 3, 0);
        s.onEvent(4, 3, 3);
        assertThat(s.unannounced).isEqualTo(2);
    }

    @Test
    void aJumpCoveredByAnOverflowIsAnnounced() {
        s.onEvent(1, 3, 0);
        s.onOverflow(2, 3);
        s.onEvent(4, 3, 3);
        assertThat(s.unannounced).isZero();
        assertThat(s.announcedDrops).isEqualTo(2);
        assertThat(s.overAnnounced).isZero();
    }

    @Test
    void anOverflowAnnouncingMoreThanTheJumpIsOverAnnounced() {
        s.onEvent(1, 3, 0);
        s.onOverflow(5, 6);
        s.onEvent(3, 3, 2);
        assertThat(s.overAnnounced).isEqualTo(4);
    }

    @Test
    void anEventReceivedTwiceIsADuplicate() {
        s.onEvent(1, 3, 0);
        s.onEvent(2, 3, 1);
        assertThat(s.onEvent(2, 3, 1)).isFalse();
        assertThat(s.duplicates).isEqualTo(1);
        assertThat(s.orderViolations).isZero();
    }

    @Test
    void anEventCountedMissingThatArrivesLateIsAnOrderViolationNotALoss() {
        s.onEvent(1, 3, 0);
        s.onEvent(3, 3, 2);
        assertThat(s.unannounced).isEqualTo(1);
        s.onEvent(2, 3, 1);
        assertThat(s.orderViolations).isEqualTo(1);
        assertThat(s.unannounced).isZero();
        assertThat(s.duplicates).isZero();
    }

    @Test
    void eventsOfAnotherTopicAreMisrouted() {
        s.onEvent(1, 4, 0);
        assertThat(s.misrouted).isEqualTo(1);
        assertThat(s.received).isZero();
    }

    @Test
    void theTailMissingAtTheEndIsUnannouncedUnlessAnOverflowCoveredIt() {
        s.onEvent(1, 3, 0);
        s.onOverflow(2, 3);
        assertThat(s.behind(4)).isEqualTo(1);
        assertThat(s.finish(4)).isEqualTo(1);
        assertThat(s.unannounced).isEqualTo(1);
    }

    @Test
    void aTailStillMissingWhenTheDrainTimedOutIsUndeliveredNotUnannounced() {
        s.onEvent(1, 3, 0);
        assertThat(s.finish(4, true)).isEqualTo(3);
        assertThat(s.undelivered).isEqualTo(3);
        assertThat(s.unannounced).isZero();
    }

    @Test
    void aReconnectResumesAfterTheLastEventOrTheLastAnnouncedDropOrTheFirstHead() {
        s.onSubscribed(7);
        assertThat(s.resumeAfter()).isEqualTo(7);
        s.onEvent(9, 3, 0);
        assertThat(s.resumeAfter()).isEqualTo(9);
        s.onOverflow(3, 12);
        assertThat(s.resumeAfter()).isEqualTo(12);
        s.onSubscribed(20);
        assertThat(s.resumeAfter()).isEqualTo(12);
    }
}
