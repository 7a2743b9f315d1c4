package io.eventgateway.client;

import reactor.core.publisher.Flux;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.retry.Retry;

/**
 * The reconnect loop of one subscriber, assembled once per subscriber as a cold {@code defer}: connect, and when
 * the connection ends, wait the backoff and connect again, resuming after the position; drop every event at or
 * below the position (a replay may repeat events the subscriber already has), and advance the position as events
 * are delivered.
 *
 * <p>An attempt counts as successful once the gateway answered {@code subscribed}; until then it is bounded by the
 * request timeout. Failures that a reconnect cannot fix end the {@code Flux} at once.
 */
final class ResumableSubscription {

    /** A lost connection and the resubscription after it, one INFO line each; every attempt at DEBUG. */
    static final Logger LOG = Loggers.getLogger(GatewayClient.class);

    /** Opens one connection of a subscription. */
    @FunctionalInterface
    interface Connector {
        /**
         * Connects, subscribes with {@code since} = the state's position, and calls
         * {@link SubscriptionState#subscribed(long)} on the reply.
         *
         * @param state the subscriber's state
         * @return the connection's events; it ends with an error (a closed connection is one too)
         */
        Flux<Event> connect(SubscriptionState state);
    }

    private final SubscribeSpec spec;
    private final Connector connector;
    private final Backoff backoff;
    private final ClientSettings settings;

    ResumableSubscription(SubscribeSpec spec, Connector connector, Backoff backoff, ClientSettings settings) {
        this.spec = spec;
        this.connector = connector;
        this.backoff = backoff;
        this.settings = settings;
    }

    /**
     * The subscriber's {@code Flux}; every subscription of it has its own state and connections.
     *
     * @return the events
     */
    Flux<Event> flux() {
        return Flux.defer(() -> {
            SubscriptionState state = new SubscriptionState(spec.since());
            return Flux.defer(() -> attempt(state))
                .retryWhen(Retry.from(signals -> signals.concatMap(signal -> retryOrFail(signal.failure(), state))))
                .filter(event -> state.isNew(event.seq()))
                .doOnNext(event -> state.delivered(event.seq()));
        }).name("gateway.subscription");
    }

    private Flux<Event> attempt(SubscriptionState state) {
        Mono<Boolean> subscribed = state.newAttempt();
        String target = settings.wsUrl();
        Mono<Event> deadline = Mono.delay(settings.requestTimeout(), settings.timer())
            .then(Mono.<Event>error(() -> new GatewayClientException(ErrorCode.TIMEOUT, target
                + " was not connected and subscribed within " + settings.requestTimeout().toMillis() + " ms")))
            .takeUntilOther(subscribed);
        return connector.connect(state)
            .mergeWith(deadline)
            .onErrorMap(error -> Failures.classify(error, target));
    }

    private Mono<Long> retryOrFail(Throwable failure, SubscriptionState state) {
        if (settings.credentials().refreshable() && failure instanceof GatewayClientException g) {
            if (g.errorCode() == ErrorCode.UNAUTHORIZED) {
                return retryWithNewToken(g, state);
            }
            if (g.errorCode() == ErrorCode.CREDENTIALS_REVOKED) {
                // Close 4003: the token expired (a refresh failed or came too late); the supplier gives a new one.
                return backoffOrFail(failure, state);
            }
        }
        if (!Failures.retryable(failure)) {
            return Mono.error(failure);
        }
        return backoffOrFail(failure, state);
    }

    /**
     * After a 401 on the upgrade, with a token supplier: retry when it gives a token other than the refused one
     * (kept for the next attempt), else fail: sending the refused token again cannot succeed.
     */
    private Mono<Long> retryWithNewToken(GatewayClientException refused, SubscriptionState state) {
        String sent = state.token();
        return settings.credentials().token().flatMap(next -> {
            if (next.equals(sent)) {
                return Mono.error(new GatewayClientException(refused.code(), refused.getMessage()
                    + "; the token supplier gave the refused token again", refused.httpStatus(), refused.details(),
                    refused));
            }
            state.nextToken(next);
            return backoffOrFail(refused, state);
        });
    }

    private Mono<Long> backoffOrFail(Throwable failure, SubscriptionState state) {
        long failed = state.failed();
        if (failed >= settings.maxReconnectAttempts()) {
            return Mono.error(failure);
        }
        Duration delay = backoff.delay(failed);
        // The first failure in a row is news; the attempts of an outage are details.
        if (failed == 0 && LOG.isInfoEnabled()) {
            LOG.info("{}; reconnecting with backoff, resuming after seq {}", failure.getMessage(), state.position());
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("{}; reconnecting in {} ms (attempt {}, resuming after seq {})", failure.getMessage(),
                delay.toMillis(), failed + 1, state.position());
        }
        return Mono.delay(delay, settings.timer());
    }
}
