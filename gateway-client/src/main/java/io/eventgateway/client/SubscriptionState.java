package io.eventgateway.client;

import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * What one subscriber's {@code Flux} remembers across its connections: the position (the last seq delivered, or
 * the head it started live from) that the next connection resumes after and below which events are duplicates,
 * and the count of failed connection attempts in a row that sizes the next backoff.
 */
final class SubscriptionState {

    private final AtomicLong position;
    private final AtomicLong failures = new AtomicLong();
    private volatile Sinks.One<Boolean> subscribed = Sinks.one();

    /**
     * A fresh state.
     *
     * @param since the spec's {@code since}, or {@link SubscribeSpec#LIVE}
     */
    SubscriptionState(long since) {
        this.position = new AtomicLong(since);
    }

    /**
     * The seq to resume after.
     *
     * @return the last delivered seq, the head of the first connection, the spec's {@code since}, or
     *     {@link SubscribeSpec#LIVE} before any of those is known
     */
    long position() {
        return position.get();
    }

    /**
     * Whether an event is new: its seq is above the position.
     *
     * @param seq the event's seq
     * @return false for an event already delivered (or before a live start)
     */
    boolean isNew(long seq) {
        return seq > position.get();
    }

    /**
     * Records a delivered event.
     *
     * @param seq its seq
     */
    void delivered(long seq) {
        position.accumulateAndGet(seq, Math::max);
    }

    /**
     * Starts a connection attempt.
     *
     * @return completes with a value when the attempt is subscribed
     */
    Mono<Boolean> newAttempt() {
        Sinks.One<Boolean> sink = Sinks.one();
        subscribed = sink;
        return sink.asMono();
    }

    /**
     * Records the {@code subscribed} reply: a live start begins at its {@code headSeq} (PROTOCOL.md section 10.10:
     * resuming after it misses nothing and repeats nothing), and the backoff starts over.
     *
     * @param headSeq the reply's {@code headSeq}
     * @return the failed attempts in a row before this one
     */
    long subscribed(long headSeq) {
        position.compareAndSet(SubscribeSpec.LIVE, headSeq);
        long failed = failures.getAndSet(0);
        subscribed.tryEmitValue(Boolean.TRUE);
        return failed;
    }

    /**
     * Counts a failed attempt.
     *
     * @return the failures in a row before this one
     */
    long failed() {
        return failures.getAndIncrement();
    }
}
