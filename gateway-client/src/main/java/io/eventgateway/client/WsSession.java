package io.eventgateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.Disposables;
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
 *
 * <p>With {@code batchFrames} the gateway may pack several messages into one {@code batch} frame (PROTOCOL.md
 * section 5, "batch"). {@link #onFrame} handles them in order, each exactly as a frame of its own, and hands their
 * events and gaps downstream as one list that {@code deliver} unpacks in order; the read-ahead still counts frames.
 *
 * <p>With a token supplier, {@code auth_expiring} asks it for a new token and sends it in an {@code auth} message
 * (PROTOCOL.md section 11.4), so the connection outlives its first token. A refused refresh is logged: the old token
 * stands until it expires, then close 4003 and the reconnect asks the supplier again.
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
    /** Confined to the connection's event loop, like every field below but {@link #refreshes}. */
    private boolean connected;
    /** The token refreshes of this connection: their answers come from the supplier's thread. */
    private final Disposable.Composite refreshes = Disposables.composite();
    private int authRequests;
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
                refreshes.dispose();
                synchronized (outbound) {
                    outbound.tryEmitComplete();
                }
                sending.dispose();
            });
    }

    private GatewayClientException closed() {
        WebSocketCloseStatus status = closeStatus;
        return status == null ? Failures.closed(-1, "", target)
            : Failures.closed(status.code(), status.reasonText(), target);
    }

    /**
     * Handles one frame as it is read. A single message's event or gap goes downstream as itself; a {@code batch}
     * frame's events and gaps go as one list (a {@code handle} sink takes one item per frame), which
     * {@link #deliver} unpacks in order. Control messages are handled here, in a batch too, so pings are answered
     * as they are read.
     */
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
                send(Wire.subscribe(spec, state.position()));
                return;
            }
            if (type.equals("batch")) {
                onBatch(message, sink);
                return;
            }
            Object item = onMessage(message, type);
            if (item != null) {
                sink.next(item);
            }
        } catch (GatewayClientException e) {
            sink.error(e);
        }
    }

    /**
     * A {@code batch} frame (PROTOCOL.md section 5, "batch"): its messages are handled in order, each exactly as if it
     * had come in a frame of its own. A bad message ends the connection after the items of the messages before it,
     * as it would after their frames.
     */
    private void onBatch(JsonNode frame, SynchronousSink<Object> sink) {
        if (!settings.batchFrames()) {
            throw Wire.bad(target, "sent a 'batch' frame, which this client did not ask for (it connected without"
                + " batch=true)");
        }
        JsonNode messages = Wire.batch(frame, target);
        List<Object> items = new ArrayList<>(messages.size());
        try {
            for (JsonNode message : messages) {
                Object item = onMessage(message, Wire.batched(message, target));
                if (item != null) {
                    items.add(item);
                }
            }
        } catch (GatewayClientException e) {
            if (!items.isEmpty()) {
                sink.next(items);
            }
            sink.error(e);
            return;
        }
        if (!items.isEmpty()) {
            sink.next(items.size() == 1 ? items.get(0) : items);
        }
    }

    /**
     * Handles one message after {@code connected}, alone or from a batch.
     *
     * @return what goes downstream: an {@link Event}, a {@link Gap}, or null for a control message
     * @throws GatewayClientException when the message ends the connection
     */
    private @Nullable Object onMessage(JsonNode message, String type) {
        switch (type) {
            case "event" -> {
                return Wire.wsEvent(message, target);
            }
            case "overflow" -> {
                return gap(message);
            }
            case "ping" -> send(Wire.pong(message.path("id").isTextual() ? message.get("id").textValue() : null));
            case "subscribed" -> onSubscribed(message);
            case "error" -> onError(message);
            case "auth_expiring" -> refresh();
            case "unsubscribed" -> onUnsubscribed(message);
            default -> {
                // pong, published, authenticated, and types of newer gateways: nothing to do.
            }
        }
        return null;
    }

    /**
     * Emits an outbound frame. The sink has one emitter at a time: the event loop, or a token supplier's thread for
     * an {@code auth} message; the lock is this connection's own and held for one offer.
     */
    private void send(String frame) {
        synchronized (outbound) {
            outbound.tryEmitNext(frame);
        }
    }

    private void refresh() {
        if (!settings.credentials().refreshable()) {
            ResumableSubscription.LOG.warn("{}: the token expires soon and cannot be renewed (a fixed token); the"
                + " gateway will close the connection 4003: give the client a token supplier", target);
            return;
        }
        String id = "auth-" + (++authRequests);
        refreshes.add(settings.credentials().token().subscribe(token -> send(Wire.auth(id, token)),
            error -> ResumableSubscription.LOG.warn("{}: the token supplier failed to renew the token ({}); the"
                + " connection closes when the old one expires, then reconnects", target, error.toString())));
    }

    /** An {@code unsubscribed} without id: the new credentials no longer allow these patterns (section 11.4). */
    private void onUnsubscribed(JsonNode message) {
        if (message.has("id")) {
            return;
        }
        List<String> removed = new ArrayList<>();
        message.path("payload").path("topics").forEach(t -> removed.add(t.asText()));
        throw new GatewayClientException(ErrorCode.WS_FORBIDDEN, target + ": the renewed token no longer"
            + " allows " + String.join(", ", removed) + "; the gateway removed "
            + (removed.size() == 1 ? "that pattern" : "those patterns") + " from this subscription");
    }

    private void onSubscribed(JsonNode message) {
        if (!Wire.SUBSCRIBE_ID.equals(message.path("id").asText(null))) {
            return;
        }
        JsonNode payload = message.path("payload");
        if (!payload.path("headSeq").isIntegralNumber()) {
            throw Wire.bad(target, "sent 'subscribed' without headSeq ('" + Wire.abbreviate(message.toString())
                + "')");
        }
        long since = state.position();
        if (payload.path("recovered").isBoolean() && !payload.get("recovered").booleanValue()
            && !spec.allowPurgedGap()) {
            throw new GatewayClientException(ErrorCode.EVENTS_PURGED, "events after seq " + since
                + " were already purged by the gateway's retention (recovered: false); rebuild state over REST and"
                + " subscribe again, or accept the gap (SubscribeSpec.allowPurgedGap)");
        }
        long failed = state.subscribed(payload.get("headSeq").longValue());
        if (failed > 0 && ResumableSubscription.LOG.isInfoEnabled()) {
            ResumableSubscription.LOG.info("resubscribed to {} after {} reconnect attempts, resuming after seq {}",
                target, failed, since);
        }
    }

    private void onError(JsonNode message) {
        // Only an error for the subscribe request concerns this connection: rejected (invalid pattern, limit) or
        // its replay failed (WS_INTERNAL_ERROR, retryable: the reconnect resumes after the last delivered seq).
        String id = message.path("id").asText(null);
        if (Wire.SUBSCRIBE_ID.equals(id)) {
            throw Wire.errorFrame(message, target);
        } else if (id != null && id.startsWith("auth-")) {
            // A refused refresh (WS_UNAUTHORIZED): the old token stands until it expires; then close 4003.
            ResumableSubscription.LOG.warn("{}: the renewed token was refused: {}", target,
                Wire.errorFrame(message, target).getMessage());
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
        if (item instanceof List<?> batch) {
            // The events and gaps of one batch frame, in order: each gap recovered before the items after it.
            return Flux.fromIterable(batch).concatMap(this::deliver);
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
