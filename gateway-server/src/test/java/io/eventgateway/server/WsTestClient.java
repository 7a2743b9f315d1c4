package io.eventgateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.event.EventCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.ConnectionProvider;

/**
 * A real WebSocket client for tests, on Reactor Netty: every text frame it receives is parsed and queued, and
 * the test thread takes them with a timeout. Frames are asserted structurally (JSON trees), never as strings.
 */
public final class WsTestClient implements AutoCloseable {

    /** How long a test waits for one frame before failing. */
    public static final Duration FRAME_TIMEOUT = Duration.ofSeconds(10);

    // Filled on the client's event loop, taken by the test thread. Not a LinkedBlockingQueue: its offer takes the
    // lock the test thread holds while it wakes from poll, BlockHound caught that park on the event loop, and the
    // error it threw ended the client's connection (1006) in the middle of a test, which then waited in vain for
    // its next frame: the rare failures of StreamProgressIT, AuthIT and OverflowIT. A LinkedTransferQueue adds
    // without a lock (a CAS, then an unpark of the waiting test thread).
    private final BlockingQueue<JsonNode> frames = new LinkedTransferQueue<>();
    private final BlockingQueue<RawFrame> rawFrames = new LinkedTransferQueue<>();
    private final Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.One<WebSocketCloseStatus> closeStatus = Sinks.one();
    private final Disposable connection;
    /** How the connection ended on this side: null while open, else the error or "completed". */
    private volatile @Nullable String ended;
    private volatile @Nullable WebSocketCloseStatus received;

    private WsTestClient(HttpClient client, String uri) {
        Sinks.One<Boolean> opened = Sinks.one();
        this.connection = client
            .websocket(WebsocketClientSpec.builder().maxFramePayloadLength(16 * 1024 * 1024).handlePing(false)
                .build())
            .uri(uri)
            .handle((in, out) -> {
                opened.tryEmitValue(true);
                in.receiveCloseStatus().subscribe(status -> {
                    received = status;
                    closeStatus.tryEmitValue(status);
                });
                Mono<Void> receive = in.receiveFrames().doOnNext(this::onFrame).then();
                Mono<Void> send = out.sendObject(outbound.asFlux()).then();
                return Mono.when(receive, send);
            })
            .doOnError(e -> opened.tryEmitError(e))
            .subscribe(null, e -> {
                ended = e.toString();
                closeStatus.tryEmitEmpty();
            }, () -> {
                ended = "completed";
                closeStatus.tryEmitEmpty();
            });
        Boolean ok = opened.asMono().block(FRAME_TIMEOUT);
        assertThat(ok).as("websocket opened").isTrue();
    }

    /**
     * Connects to a gateway's {@code /ws}.
     *
     * @param port the gateway's port
     * @return the connected client
     */
    public static WsTestClient connect(int port) {
        return connect(port, headers -> { });
    }

    /**
     * Connects with extra request headers (Origin, Host).
     *
     * @param port the gateway's port
     * @param headers adds headers
     * @return the connected client
     */
    public static WsTestClient connect(int port, Consumer<HttpHeaders> headers) {
        return new WsTestClient(client(port).headers(headers), "/ws");
    }

    /**
     * Connects to another path than {@code /ws}, e.g. with a query.
     *
     * @param port the gateway's port
     * @param path the request's path and query, e.g. {@code /ws?batch=true}
     * @return the connected client
     */
    public static WsTestClient connect(int port, String path) {
        return new WsTestClient(client(port), path);
    }

    /**
     * A Reactor Netty client on a fresh connection per request (never the shared pool: see
     * research/performance.md, pitfalls).
     *
     * @param port the gateway's port
     * @return the client
     */
    public static HttpClient client(int port) {
        return HttpClient.create(ConnectionProvider.newConnection()).host("127.0.0.1").port(port);
    }

    private void onFrame(WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame) {
            frames.add(parse(((TextWebSocketFrame) frame).text()));
            return;
        }
        byte[] data = new byte[frame.content().readableBytes()];
        frame.content().getBytes(frame.content().readerIndex(), data);
        rawFrames.add(new RawFrame(frame.getClass().getSimpleName(), data));
    }

    /**
     * A frame that is not a text frame (pong, binary, continuation), with a copy of its data.
     *
     * @param kind the Netty frame class's simple name, e.g. {@code PongWebSocketFrame}
     * @param data its application data
     */
    public record RawFrame(String kind, byte[] data) {
    }

    /**
     * The next frame that is not a text frame (a protocol-level pong, for instance), or null.
     *
     * @param timeout the wait
     * @return the frame or null
     */
    public @Nullable RawFrame pollRaw(Duration timeout) {
        try {
            return rawFrames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends a request envelope.
     *
     * @param type the message type
     * @param id the request id
     * @param payloadJson the payload JSON
     */
    public void request(String type, String id, String payloadJson) {
        send("{\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"payload\":" + payloadJson + "}");
    }

    /**
     * Every frame except server heartbeats up to and including the event of a seq; fails on a timeout or on an
     * event newer than that seq first.
     *
     * @param seq the seq of the last event to wait for
     * @return the frames, the event of {@code seq} last
     */
    public List<JsonNode> framesThroughEvent(long seq) {
        List<JsonNode> list = new ArrayList<>();
        for (;;) {
            JsonNode frame = next();
            if (frame.path("type").asText().equals("ping")) {
                continue;
            }
            list.add(frame);
            if (frame.path("type").asText().equals("event")) {
                long got = frame.at("/payload/seq").asLong();
                assertThat(got).as("an event not newer than " + seq + " in " + list).isLessThanOrEqualTo(seq);
                if (got == seq) {
                    return list;
                }
            }
        }
    }

    static JsonNode parse(String text) {
        try {
            return EventCodec.JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("server sent a frame that is not JSON: " + text, e);
        }
    }

    /**
     * Sends a text frame.
     *
     * @param text the frame's text
     */
    public void send(String text) {
        outbound.tryEmitNext(new TextWebSocketFrame(text));
    }

    /**
     * Sends any frame (continuation, binary, ping).
     *
     * @param frame the frame
     */
    public void sendFrame(WebSocketFrame frame) {
        outbound.tryEmitNext(frame);
    }

    /**
     * The next frame.
     *
     * @return the frame
     */
    public JsonNode next() {
        return next(FRAME_TIMEOUT);
    }

    /**
     * The next frame, waiting at most the timeout.
     *
     * @param timeout the wait
     * @return the frame
     */
    public JsonNode next(Duration timeout) {
        JsonNode frame = poll(timeout);
        assertThat(frame).as(() -> "a frame within " + timeout + " (the connection is " + state() + ")").isNotNull();
        return frame;
    }

    /**
     * The next frame, or null.
     *
     * @param timeout the wait
     * @return the frame or null
     */
    public @Nullable JsonNode poll(Duration timeout) {
        try {
            return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The next frame of a type, skipping server heartbeats ({@code ping}).
     *
     * @param type the expected type
     * @return the frame
     */
    public JsonNode expect(String type) {
        JsonNode frame = next();
        while (frame.path("type").asText().equals("ping") && !type.equals("ping")) {
            frame = next();
        }
        assertThat(frame.path("type").asText()).as("frame type of " + frame).isEqualTo(type);
        return frame;
    }

    /**
     * Takes the {@code connected} frame.
     *
     * @return it
     */
    public JsonNode connected() {
        return expect("connected");
    }

    /**
     * Subscribes and waits for the reply.
     *
     * @param json the payload JSON
     * @return the {@code subscribed} frame
     */
    public JsonNode subscribe(String json) {
        send("{\"type\":\"subscribe\",\"id\":\"s\",\"payload\":" + json + "}");
        return expect("subscribed");
    }

    /**
     * Collects frames until none arrives for the quiet period.
     *
     * @param quiet the quiet period
     * @return the frames
     */
    public List<JsonNode> drain(Duration quiet) {
        List<JsonNode> list = new ArrayList<>();
        for (JsonNode f = poll(quiet); f != null; f = poll(quiet)) {
            list.add(f);
        }
        return list;
    }

    /**
     * The close status the server sent, waiting for it.
     *
     * @return the status, or null when the connection ended without one
     */
    public @Nullable WebSocketCloseStatus closeStatus() {
        return closeStatus.asMono().block(FRAME_TIMEOUT);
    }

    /**
     * How the connection stands, for failure messages: open, or how it ended (the client-side error, and the close
     * status the server sent, if any).
     *
     * @return e.g. {@code "open"} or {@code "ended (completed), close status 4001 ..."}
     */
    public String state() {
        String how = ended;
        if (how == null) {
            return "open";
        }
        return "ended (" + how + "), close status " + received;
    }

    /**
     * Whether the connection ended within a wait, without failing when it did not.
     *
     * @param wait the longest wait
     * @return true when it ended (with or without a close status)
     */
    public boolean closedWithin(Duration wait) {
        Boolean closed = closeStatus.asMono().map(status -> true).defaultIfEmpty(true)
            .timeout(wait, Mono.just(false)).block();
        return Boolean.TRUE.equals(closed);
    }

    /**
     * The frames received so far, without waiting.
     *
     * @return the queued frames, removed from the queue
     */
    public List<JsonNode> takeAll() {
        List<JsonNode> list = new ArrayList<>();
        frames.drainTo(list);
        return list;
    }

    @Override
    public void close() {
        outbound.tryEmitComplete();
        connection.dispose();
    }
}
