package io.eventgateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.publisher.SynchronousSink;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * One WebSocket connection of a subscription (PROTOCOL.md sections 4 and 5): waits for {@code connected}, sends the
 * one {@code subscribe} (with {@code since} = the subscription's position), answers the gateway's {@code ping}s,
 * and turns the inbound frames into events in order, an {@code overflow} into its resync request's events.
 *
 * <p>The pipeline, assembled once per connection: inbound frames, read at most {@code bufferSize} ahead of the
 * subscriber's demand (beyond that the socket is not read, and the gateway's bounded buffer and its
 * {@code overflow} take over) -> {@link #onFrame} on the connection's event loop (control frames are handled here,
 * as they are read, so pings are answered while events wait for demand) -> {@code concatMap}: an event as is, a gap
 * as the events of its resync, each gap recovered completely before the events after it. The connection's end is
 * always an error: the close status decides whether the subscription reconnects.
 */
final class WsSession {

    /** A gap announced by an {@code overflow} frame. */
    private record Gap(long firstDroppedSeq, long lastDroppedSeq, @Nullable String resync) {
    }

    private final SubscribeSpec spec;
    private final SubscriptionState state;
    private final RestApi rest;
    private final EventMatcher matcher;
    private final ClientSettings settings;
    private final String target;
    private final Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();
    /** Confined to the connection's event loop, like every field below. */
    private boolean connected;
    private volatile @Nullable WebSocketCloseStatus closeStatus;

    WsSession(SubscribeSpec spec, SubscriptionState state, RestApi rest, EventMatcher matcher,
              ClientSettings settings) {
        this.spec = spec;
        this.state = state;
        this.rest = rest;
        this.matcher = matcher;
        this.settings = settings;
        this.target = settings.wsUrl();
    }

    /**
     * Runs the connection.
     *
     * @param in the inbound side
     * @param out the outbound side
     * @return the events; ends with an error when the connection ends
     */
    Flux<Event> run(WebsocketInbound in, WebsocketOutbound out) {
        in.receiveCloseStatus().subscribe(status -> closeStatus = status, error -> { });
        // The outbound carries two kinds of frames, both emitted on this connection's event loop: the one
        // subscribe, and pongs. Its failure ends the inbound too, so it is not reported separately.
        Disposable sending = out.sendString(outbound.asFlux()).then().subscribe(null, error -> { });
        return in.aggregateFrames(settings.maxFrameBytes()).receiveFrames()
            .<Object>handle(this::onFrame)
            .concatMap(this::deliver, settings.bufferSize())
            .concatWith(Mono.error(this::closed))
            .doFinally(signal -> {
                outbound.tryEmitComplete();
                sending.dispose();
            });
    }

    private GatewayClientException closed() {
        WebSocketCloseStatus status = closeStatus;
        return status == null ? Failures.closed(-1, "", target)
            : Failures.closed(status.code(), status.reasonText(), target);
    }

    private void onFrame(WebSocketFrame frame, SynchronousSink<Object> sink) {
        if (frame instanceof BinaryWebSocketFrame) {
            sink.error(Wire.bad(target, "sent a binary message; the protocol has JSON text messages only"));
            return;
        }
        if (!(frame instanceof TextWebSocketFrame text)) {
            return;
        }
        try {
            JsonNode message = Wire.frame(text.text(), target);
            String type = message.get("type").textValue();
            if (!connected) {
                if (!type.equals("connected")) {
                    sink.error(Wire.bad(target, "sent '" + type + "' before 'connected'"));
                    return;
                }
                connected = true;
                outbound.tryEmitNext(Wire.subscribe(spec, state.position()));
                return;
            }
            switch (type) {
                case "event" -> sink.next(Wire.wsEvent(message, target));
                case "overflow" -> sink.next(gap(message));
                case "ping" -> outbound.tryEmitNext(Wire.pong(message.path("id").isTextual()
                    ? message.get("id").textValue() : null));
                case "subscribed" -> onSubscribed(message, sink);
                case "error" -> onError(message, sink);
                default -> {
                    // pong, published, unsubscribed, and types of newer gateways: nothing to do.
                }
            }
        } catch (GatewayClientException e) {
            sink.error(e);
        }
    }

    private void onSubscribed(JsonNode message, SynchronousSink<Object> sink) {
        if (!Wire.SUBSCRIBE_ID.equals(message.path("id").asText(null))) {
            return;
        }
        JsonNode payload = message.path("payload");
        if (!payload.path("headSeq").isIntegralNumber()) {
            sink.error(Wire.bad(target, "sent 'subscribed' without headSeq ('"
                + Wire.abbreviate(message.toString()) + "')"));
            return;
        }
        long since = state.position();
        if (payload.path("recovered").isBoolean() && !payload.get("recovered").booleanValue()
            && !spec.allowPurgedGap()) {
            sink.error(new GatewayClientException(ErrorCode.EVENTS_PURGED, "events after seq " + since
                + " were already purged by the gateway's retention (recovered: false); rebuild state over REST and"
                + " subscribe again, or accept the gap (SubscribeSpec.allowPurgedGap)"));
            return;
        }
        long failed = state.subscribed(payload.get("headSeq").longValue());
        if (failed > 0 && ResumableSubscription.LOG.isInfoEnabled()) {
            ResumableSubscription.LOG.info("resubscribed to {} after {} reconnect attempts, resuming after seq {}",
                target, failed, since);
        }
    }

    private void onError(JsonNode message, SynchronousSink<Object> sink) {
        // Only an error for the subscribe request concerns this connection: rejected (invalid pattern, limit) or
        // its replay failed (WS_INTERNAL_ERROR, retryable: the reconnect resumes after the last delivered seq).
        if (Wire.SUBSCRIBE_ID.equals(message.path("id").asText(null))) {
            sink.error(Wire.errorFrame(message, target));
        }
    }

    private Gap gap(JsonNode message) {
        JsonNode p = message.path("payload");
        JsonNode first = p.get("firstDroppedSeq");
        JsonNode last = p.get("lastDroppedSeq");
        if (first == null || last == null || !first.isIntegralNumber() || !last.isIntegralNumber()
            || first.longValue() < 1 || last.longValue() < first.longValue()) {
            throw Wire.bad(target, "sent an overflow without firstDroppedSeq <= lastDroppedSeq ('"
                + Wire.abbreviate(message.toString()) + "')");
        }
        JsonNode resync = p.get("resync");
        return new Gap(first.longValue(), last.longValue(), resync != null && resync.isTextual()
            ? resync.textValue() : null);
    }

    private Publisher<Event> deliver(Object item) {
        if (item instanceof Event event) {
            return Mono.just(event);
        }
        Gap gap = (Gap) item;
        long since = gap.firstDroppedSeq() - 1;
        // The gateway's resync request is used as given when it is the expected relative request; the client adds
        // its own topics and page size (PROTOCOL.md section 5). GET /api/events selects by topic only, so the
        // subscription's filters and event types are applied here.
        String resync = gap.resync();
        String first = resync != null && resync.startsWith("/api/events?")
            ? rest.appendPaging(resync, spec.patterns())
            : rest.query(since, gap.lastDroppedSeq(), spec.patterns());
        return rest.range(first, since, gap.lastDroppedSeq(), spec.patterns(), spec.allowPurgedGap())
            .filter(matcher);
    }
}
