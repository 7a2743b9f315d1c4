package io.eventgateway.hub;

import io.eventgateway.event.Event;
import io.eventgateway.event.EventSelector;
import io.eventgateway.topic.TopicPattern;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * One connection's subscription to one pattern's sink: applies the subscription's {@link EventSelector} and
 * hands matching events to the connection's stream. It requests unbounded demand, so the best-effort sink never
 * skips it; bounding is the stream's job. Its selector is replaced in place when the client subscribes to the
 * same pattern again (PROTOCOL.md section 4: replace, never a second subscription).
 */
final class PatternSubscription implements CoreSubscriber<Object> {

    final TopicPattern pattern;
    final String topicText;
    private final ConnectionStream stream;
    /** Written and read on the dispatcher thread only. */
    EventSelector selector;
    /**
     * Dispatcher thread only: live events up to this seq are skipped. Set when a client subscribes with a
     * {@code since} the dispatcher has not reached yet (taken from the log's head, or from a REST answer): it
     * already has those events, and live delivery must not repeat them.
     */
    long skipThrough;
    private @Nullable Subscription upstream;

    PatternSubscription(TopicPattern pattern, String topicText, EventSelector selector, ConnectionStream stream) {
        this.pattern = pattern;
        this.topicText = topicText;
        this.selector = selector;
        this.stream = stream;
    }

    @Override
    public void onSubscribe(Subscription s) {
        upstream = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(Object item) {
        if (item instanceof Event) {
            Event event = (Event) item;
            if (event.seq() > skipThrough && selector.test(event)) {
                stream.offerLive(event);
            }
        } else {
            // Its data cannot be read, so the selector cannot be applied: the drop is announced to every
            // subscriber of the pattern, which at worst tells a client of a gap its filters would have hidden.
            long seq = ((Undeliverable) item).seq();
            if (seq > skipThrough) {
                stream.offerUndeliverable(seq);
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        // A pattern sink only completes; it never fails.
    }

    @Override
    public void onComplete() {
        // The sink completes when its last subscriber left; nothing to do.
    }

    void cancel() {
        Subscription s = upstream;
        if (s != null) {
            s.cancel();
        }
    }
}
