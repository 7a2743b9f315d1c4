package io.eventgateway.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.client.HttpClientState;
import reactor.netty.http.websocket.WebsocketInbound;

/**
 * A subscription cancelled while the WebSocket upgrade is answered: Reactor Netty drops the connection it emits on
 * the 101, so no {@link WsSession} reads that connection, yet a frame that came with the 101 is already queued in the
 * connection's inbound. The client must release it when the connection closes (Netty's leak detector reported it
 * once in BadServerIT, whose fake server makes the client reconnect every 10 ms, when the test's cancel landed in
 * that window).
 *
 * <p>Deterministic: the fake server writes the 101 and the {@code connected} frame in one write, so the client reads
 * them together, and the subscription is cancelled from the client's own observer of the 101
 * ({@link HttpClientState#RESPONSE_RECEIVED}), which runs before Reactor Netty hands the connection on. The frames
 * that reach Reactor Netty's inbound are recorded (not retained) and their reference counts are read on the
 * connection's event loop after its close has been handled.
 */
class CancelledUpgradeIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CONNECTED = "{\"type\":\"connected\",\"payload\":{\"connectionId\":\"c-1\","
        + "\"headSeq\":3}}";
    private static final Pattern KEY = Pattern.compile("(?im)^sec-websocket-key:\\s*(\\S+)\\s*$");

    private ServerSocket server;
    private Thread serving;
    private GatewayClient client;

    /** Records every WebSocket frame that enters Reactor Netty's inbound, with its text, without retaining it. */
    @ChannelHandler.Sharable
    private static final class FrameRecorder extends ChannelInboundHandlerAdapter {
        final List<WebSocketFrame> frames = new CopyOnWriteArrayList<>();
        final List<String> texts = new CopyOnWriteArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof WebSocketFrame frame) {
                frames.add(frame);
                texts.add(frame instanceof TextWebSocketFrame text ? text.text() : frame.toString());
            }
            ctx.fireChannelRead(msg);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.disposeLater().block(WAIT);
        }
        if (server != null) {
            server.close();
        }
        if (serving != null) {
            serving.join(WAIT.toMillis());
        }
    }

    /**
     * A one-connection WebSocket server: it answers the upgrade with the 101 and the {@code connected} frame in one
     * write, then reads until the client closes.
     */
    private void startServer() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        serving = new Thread(() -> {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                String request = readRequest(in);
                Matcher key = KEY.matcher(request);
                if (!key.find()) {
                    return;
                }
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                String head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept(key.group(1)) + "\r\n\r\n";
                answer.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
                byte[] payload = CONNECTED.getBytes(StandardCharsets.UTF_8);
                answer.write(0x81);
                answer.write(payload.length);
                answer.writeBytes(payload);
                OutputStream out = socket.getOutputStream();
                out.write(answer.toByteArray());
                out.flush();
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // The test closed the server socket, or the client reset the connection: nothing more to serve.
            }
        }, "cancelled-upgrade-server");
        serving.setDaemon(true);
        serving.start();
    }

    private static String readRequest(InputStream in) throws IOException {
        StringBuilder request = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            request.append((char) b);
            if (request.length() >= 4 && request.substring(request.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return request.toString();
    }

    private static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                .getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFrameReadWithTheUpgradeOfACancelledSubscriptionIsReleasedWhenTheConnectionCloses() throws Exception {
        startServer();
        FrameRecorder recorder = new FrameRecorder();
        Sinks.One<Boolean> cancel = Sinks.one();
        CompletableFuture<Channel> closed = new CompletableFuture<>();
        client = GatewayClient.builder().baseUrl("http://127.0.0.1:" + server.getLocalPort())
            .maxReconnectAttempts(0)
            .httpClient(http -> http
                .doOnConnected(connection -> connection.addHandlerLast("test-frame-recorder", recorder))
                .observe((connection, state) -> {
                    if (state == HttpClientState.RESPONSE_RECEIVED) {
                        // Before Reactor Netty hands the connection on: the subscriber leaves at exactly this point.
                        cancel.tryEmitValue(true);
                    } else if (state == ConnectionObserver.State.DISCONNECTING
                        && connection instanceof WebsocketInbound) {
                        closed.complete(connection.channel());
                    }
                }))
            .build();
        List<Event> got = new CopyOnWriteArrayList<>();
        Disposable subscription = client.subscribe(SubscribeSpec.of("task:*")).takeUntilOther(cancel.asMono())
            .subscribe(got::add, error -> { });

        Channel channel = closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        // A task on the connection's event loop runs after the one that handled the close (observers included).
        List<Integer> refCnts = channel.eventLoop().submit(() -> recorder.frames.stream()
            .map(WebSocketFrame::refCnt).toList()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        subscription.dispose();

        assertThat(recorder.texts).as("the 'connected' frame came with the 101 and reached the inbound")
            .containsExactly(CONNECTED);
        assertThat(refCnts).as("every frame the inbound received is released, though no session read it")
            .containsOnly(0);
        assertThat(got).isEmpty();
    }
}
