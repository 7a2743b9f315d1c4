package io.eventgateway.client;

import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * What one subscriber's {@code Flux} remembers across its connections: the position (the last seq delivered, or
 * the head it started live from) that the next connection resumes after and below which events are duplicates,
 * the count of failed connection attempts in a row that sizes the next backoff, and (auth on) the token of the last
 * connection, so that a refused one is not sent again.
 */
final class SubscriptionState {

    private final AtomicLong position;
    private final AtomicLong failures = new AtomicLong();
    private volatile Sinks.One<Boolean> subscribed = Sinks.one();
    private volatile @Nullable String token;
    private volatile @Nullable String nextToken;

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

    /**
     * Records the token a connection attempt sends.
     *
     * @param sent the token, or null without credentials
     */
    void tokenSent(@Nullable String sent) {
        token = sent;
    }

    /**
     * The token of the last connection attempt.
     *
     * @return it, or null
     */
    @Nullable String token() {
        return token;
    }

    /**
     * Keeps a token for the next attempt: the one the supplier gave after a 401, checked to differ from the refused
     * one, so the supplier is not asked twice.
     *
     * @param next the token
     */
    void nextToken(String next) {
        nextToken = next;
    }

    /**
     * Takes the token kept for this attempt.
     *
     * @return it once, else null
     */
    @Nullable String takeNextToken() {
        String next = nextToken;
        nextToken = null;
        return next;
    }
}
