package io.eventgateway.bench;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * One logical subscriber's correctness ledger for one topic, across however many connections it uses (churn
 * reconnects it with {@code since}). Events carry their sequence within the topic ({@code n}, from 0), so:
 * <ul>
 *   <li>a jump in {@code n} is lost events: covered by the {@code overflow} announcements received since the last
 *       event (announced drops), or not (<b>unannounced</b>, must be 0);</li>
 *   <li>an {@code n} already passed is a <b>duplicate</b> when it had arrived before, an <b>order violation</b> when
 *       it was counted missing (it came late);</li>
 *   <li>at the end, the events published after the last one received are missing too, unless announced
 *       ({@link #finish}).</li>
 * </ul>
 * An announcement that covers more events than the jump that follows it is counted as {@code overAnnounced}
 * (the gateway's accounting would be wrong; must be 0 too).
 *
 * <p>Written only by the connection's event loop (one connection at a time); the counters are read by the
 * reporter on another thread as monotonic totals (release stores, no lock on the delivery path).
 */
final class Subscriber {

    /** Late-arrival detection remembers at most this many unannounced missing sequence numbers. */
    private static final int MAX_REMEMBERED_MISSING = 4096;

    private static final AtomicLongFieldUpdater<Subscriber> RECEIVED =
        AtomicLongFieldUpdater.newUpdater(Subscriber.class, "received");

    final int topicIndex;
    /** The next {@code n} expected. */
    private long expectedN;
    /** Events announced dropped and not yet matched by a jump in {@code n}. */
    private long pendingAnnounced;
    /** The highest event seq received, and the highest seq announced dropped: where a reconnect resumes. */
    private long lastSeq = -1;
    private long lastDroppedSeq = -1;
    /** The server's head when the first subscription was confirmed: every later event is owed. */
    private long firstHeadSeq = -1;
    private long[] missing = new long[0];
    private int missingCount;

    volatile long received;
    volatile long announcedDrops;
    volatile long unannounced;
    volatile long duplicates;
    volatile long orderViolations;
    volatile long overAnnounced;
    volatile long misrouted;
    /** Events not received when the run's drain deadline passed, with no jump after them: late or lost. */
    volatile long undelivered;

    Subscriber(int topicIndex) {
        this.topicIndex = topicIndex;
    }

    /**
     * Records an event.
     *
     * @param seq the server's seq, or -1
     * @param k the event's topic index
     * @param n its sequence within the topic
     * @return true when it was new (not a duplicate or late)
     */
    boolean onEvent(long seq, long k, long n) {
        if (k != topicIndex) {
            misrouted++;
            return false;
        }
        if (seq > lastSeq) {
            lastSeq = seq;
        }
        if (n < expectedN) {
            if (forgetMissing(n)) {
                orderViolations++;
                unannounced--;
            } else {
                duplicates++;
            }
            return false;
        }
        long gap = n - expectedN;
        if (gap > 0) {
            long covered = Math.min(gap, pendingAnnounced);
            pendingAnnounced -= covered;
            long lost = gap - covered;
            if (lost > 0) {
                unannounced += lost;
                for (long m = n - lost; m < n; m++) {
                    remember(m);
                }
            }
        }
        if (pendingAnnounced > 0) {
            overAnnounced += pendingAnnounced;
            pendingAnnounced = 0;
        }
        expectedN = n + 1;
        RECEIVED.lazySet(this, received + 1);
        return true;
    }

    /** Records a confirmed subscription; the first one fixes where this subscriber's stream starts. */
    void onSubscribed(long headSeq) {
        if (firstHeadSeq < 0) {
            firstHeadSeq = headSeq;
        }
    }

    /** Records an {@code overflow}: the next jump in {@code n} is covered by {@code dropped} events. */
    void onOverflow(long dropped, long lastSeqDropped) {
        announcedDrops += dropped;
        pendingAnnounced += dropped;
        if (lastSeqDropped > lastDroppedSeq) {
            lastDroppedSeq = lastSeqDropped;
        }
    }

    /**
     * Where a reconnect resumes: after the last event received and the last one announced dropped, so nothing is
     * received twice and the announced losses stay announced.
     *
     * @return the {@code since} for the next subscribe, -1 before the first subscription was confirmed
     */
    long resumeAfter() {
        return Math.max(Math.max(lastSeq, lastDroppedSeq), firstHeadSeq);
    }

    /**
     * Accounts for the events published after the last one received.
     *
     * @param published how many events were published on this subscriber's topic
     * @return the events still missing and not announced (added to {@link #unannounced})
     */
    long finish(long published) {
        return finish(published, false);
    }

    /**
     * Accounts for the events published after the last one received.
     *
     * @param published how many events were published on this subscriber's topic
     * @param drainTimedOut whether the run stopped waiting for deliveries before they were all in: the missing
     *     tail is then counted {@link #undelivered} (late or lost, the run cannot tell), not unannounced
     * @return the events still missing and not announced
     */
    long finish(long published, boolean drainTimedOut) {
        long tail = Math.max(0, published - expectedN);
        long covered = Math.min(tail, pendingAnnounced);
        pendingAnnounced -= covered;
        overAnnounced += pendingAnnounced;
        pendingAnnounced = 0;
        long lost = tail - covered;
        if (drainTimedOut) {
            undelivered += lost;
        } else {
            unannounced += lost;
        }
        expectedN += tail;
        return lost;
    }

    /**
     * Events of the topic not yet received nor announced, given how many were published: 0 once caught up.
     *
     * @param published events published on the topic
     * @return how far behind this subscriber is
     */
    long behind(long published) {
        return Math.max(0, published - expectedN - pendingAnnounced);
    }

    private void remember(long n) {
        if (missingCount == MAX_REMEMBERED_MISSING) {
            return;
        }
        if (missingCount == missing.length) {
            long[] grown = new long[Math.min(MAX_REMEMBERED_MISSING, Math.max(8, missing.length * 2))];
            System.arraycopy(missing, 0, grown, 0, missingCount);
            missing = grown;
        }
        missing[missingCount++] = n;
    }

    private boolean forgetMissing(long n) {
        for (int i = 0; i < missingCount; i++) {
            if (missing[i] == n) {
                missing[i] = missing[--missingCount];
                return true;
            }
        }
        return false;
    }
}
