package io.eventgateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.test.StepVerifier;

/**
 * The client against a tiny Reactor Netty server that is not a gateway, or a scripted one: garbage answers give one
 * clear {@link ErrorCode#BAD_RESPONSE}, gateway errors keep their code, and scripted frames drive the protocol paths
 * exactly (resync paging and filtering, pongs, purged gaps, close 4003).
 */
class BadServerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CONNECTED = "{\"type\":\"connected\",\"payload\":{\"connectionId\":\"c-1\","
        + "\"headSeq\":3}}";

    private final Map<String, BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>>> routes =
        new ConcurrentHashMap<>();
    /** Every request as "METHOD uri". */
    private final List<String> hits = new CopyOnWriteArrayList<>();
    /** Every WebSocket message the client sent. */
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<GatewayClient> clients = new CopyOnWriteArrayList<>();
    private DisposableServer server;

    private void startServer() {
        server = HttpServer.create().host("127.0.0.1").port(0)
            .handle((request, response) -> {
                hits.add(request.method().name() + " " + request.uri());
                String path = request.fullPath();
                BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> route =
                    routes.get(request.method().name() + " " + path);
                if (route == null) {
                    return response.status(HttpResponseStatus.NOT_FOUND).sendString(Mono.just("<h1>Not here</h1>"));
                }
                return route.apply(request, response);
            })
            .bindNow();
    }

    @AfterEach
    void stop() {
        clients.forEach(c -> c.disposeLater().block(WAIT));
        if (server != null) {
            server.disposeNow(WAIT);
        }
    }

    private GatewayClient client(Function<GatewayClient.Builder, GatewayClient.Builder> adjust) {
        GatewayClient client = adjust.apply(GatewayClient.builder().baseUrl("http://127.0.0.1:" + server.port())
            .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50))).build();
        clients.add(client);
        return client;
    }

    private GatewayClient client() {
        return client(b -> b);
    }

    private void answer(String route, int status, String body) {
        routes.put(route, (req, res) -> res.status(status).header("Content-Type", "application/json")
            .sendString(Mono.just(body)));
    }

    /** A WebSocket at /ws that sends the opening frames, then answers each client message with the script's. */
    private void webSocket(Function<String, List<String>> script, String... opening) {
        routes.put("GET /ws", (req, res) -> res.sendWebsocket((in, out) -> out.sendString(Flux.concat(
            Flux.fromArray(opening),
            in.receive().asString().doOnNext(received::add).concatMap(m -> Flux.fromIterable(script.apply(m)))))));
    }

    private static String subscribed(String extra) {
        return "{\"type\":\"subscribed\",\"id\":\"" + Wire.SUBSCRIBE_ID + "\",\"payload\":{\"topics\":[\"task:*\"],"
            + "\"activeSubscriptions\":1,\"headSeq\":3" + extra + "}}";
    }

    private static String event(long seq, String kind) {
        return "{\"type\":\"event\",\"timestamp\":\"2026-01-08T12:00:00.000Z\",\"payload\":{\"seq\":" + seq
            + ",\"topic\":\"task:T-1\",\"eventType\":\"task.x\",\"data\":{\"kind\":\"" + kind + "\"}}}";
    }

    private static String listed(long seq, String kind) {
        return "{\"seq\":" + seq + ",\"topic\":\"task:T-1\",\"eventType\":\"task.x\",\"data\":{\"kind\":\"" + kind
            + "\"},\"timestamp\":\"2026-01-08T12:00:00.000Z\"}";
    }

    private static GatewayClientException failure(Throwable e) {
        assertThat(e).isInstanceOf(GatewayClientException.class);
        assertThat(e.getMessage()).doesNotContain("\n");
        return (GatewayClientException) e;
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ----- REST -------------------------------------------------------------------------------------------------

    @Test
    void publishToAServerAnsweringHtmlFailsWithBadResponse() {
        startServer();
        routes.put("POST /api/events", (req, res) -> res.sendString(Mono.just("<html><body>hello</body></html>")));
        assertThatThrownBy(() -> client().publish("task:T-1", "x", null).block(WAIT))
            .satisfies(e -> assertThat(failure(e).errorCode()).isEqualTo(ErrorCode.BAD_RESPONSE))
            .hasMessageContaining("POST http://127.0.0.1:" + server.port() + "/api/events answered HTTP 200")
            .hasMessageContaining("not a JSON object ('<html><body>hello")
            .hasMessageContaining("is it an Event Gateway");
    }

    @Test
    void publishAnsweredWithoutASeqFailsWithBadResponse() {
        startServer();
        answer("POST /api/events", 202, "{\"ok\":true}");
        assertThatThrownBy(() -> client().publish("task:T-1", "x", null).block(WAIT))
            .satisfies(e -> assertThat(failure(e).errorCode()).isEqualTo(ErrorCode.BAD_RESPONSE))
            .hasMessageContaining("without a seq");
    }

    @Test
    void aGatewayErrorBodyKeepsItsCodeStatusAndDetails() {
        startServer();
        answer("POST /api/events", 429, "{\"error\":{\"code\":\"RATE_LIMITED\",\"message\":\"slow down\","
            + "\"details\":{\"retryAfterMs\":50}}}");
        assertThatThrownBy(() -> client().publish("task:T-1", "x", null).block(WAIT))
            .satisfies(e -> {
                GatewayClientException g = failure(e);
                assertThat(g.errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
                assertThat(g.httpStatus()).isEqualTo(429);
                assertThat(g.retryable()).isTrue();
                assertThat(g.details().get("retryAfterMs").asInt()).isEqualTo(50);
            })
            .hasMessageContaining("slow down");
        assertThat(hits).as("a publish without a key is not retried").hasSize(1);
    }

    @Test
    void aKeyedPublishIsRetriedAfterATransientFailureAndOthersAreNot() {
        startServer();
        routes.put("POST /api/events", (req, res) -> hits.size() < 3
            ? res.status(503).header("Content-Type", "application/json")
                .sendString(Mono.just("{\"error\":{\"code\":\"UNAVAILABLE\",\"message\":\"starting\"}}"))
            : res.status(202).header("Content-Type", "application/json").sendString(Mono.just("{\"seq\":42}")));
        assertThat(client().publish("task:T-1", "x", null, "k-1").block(WAIT)).isEqualTo(42);
        assertThat(hits).hasSize(3);
        assertThat(received).isEmpty();

        answer("POST /api/events", 400, "{\"error\":{\"code\":\"INVALID_TOPIC\",\"message\":\"bad\"}}");
        hits.clear();
        assertThatThrownBy(() -> client().publish("task:T-1", "x", null, "k-2").block(WAIT))
            .satisfies(e -> assertThat(failure(e).errorCode()).isEqualTo(ErrorCode.INVALID_TOPIC));
        assertThat(hits).as("a refusal is final").hasSize(1);
    }

    @Test
    void aServerThatNeverAnswersTimesOut() {
        startServer();
        routes.put("POST /api/events", (req, res) -> Mono.never());
        GatewayClient client = client(b -> b.requestTimeout(Duration.ofMillis(300)));
        assertThatThrownBy(() -> client.publish("task:T-1", "x", null).block(WAIT))
            .satisfies(e -> {
                assertThat(failure(e).errorCode()).isEqualTo(ErrorCode.TIMEOUT);
                assertThat(failure(e).retryable()).isTrue();
            })
            .hasMessageContaining("did not answer in time");
    }

    @Test
    void nothingListeningFailsWithConnectionFailed() {
        int port = closedPort();
        GatewayClient client = GatewayClient.builder().baseUrl("http://127.0.0.1:" + port).maxReconnectAttempts(0)
            .build();
        clients.add(client);
        assertThatThrownBy(() -> client.publish("task:T-1", "x", null).block(WAIT))
            .satisfies(e -> assertThat(failure(e).errorCode()).isEqualTo(ErrorCode.CONNECTION_FAILED))
            .hasMessageContaining("cannot connect to POST http://127.0.0.1:" + port + "/api/events");
        StepVerifier.create(client.subscribe(SubscribeSpec.of("task:*")))
            .expectErrorSatisfies(e -> {
                assertThat(failure(e).errorCode()).isEqualTo(ErrorCode.CONNECTION_FAILED);
                assertThat(e).hasMessageContaining("ws://127.0.0.1:" + port + "/ws");
            })
            .verify(WAIT);
        assertThatThrownBy(() -> client.health().block(WAIT))
            .satisfies(e -> assertThat(failure(e).errorCode()).isEqualTo(ErrorCode.CONNECTION_FAILED));
    }

    @Test
    void historyAnswersOfTheWrongShapeFailWithBadResponse() {
        startServer();
        answer("GET /api/events", 200, "{\"events\":\"none\"}");
        StepVerifier.create(client().history(HistoryQuery.builder().build()))
            .expectErrorSatisfies(e -> {
                assertThat(failure(e).errorCode()).isEqualTo(ErrorCode.BAD_RESPONSE);
                assertThat(e).hasMessageContaining("without events, headSeq and hasMore");
            })
            .verify(WAIT);
        answer("GET /api/events", 200, "{\"events\":[" + listed(5, "a") + "," + listed(4, "a") + "],"
            + "\"headSeq\":5,\"hasMore\":false}");
        StepVerifier.create(client().history(HistoryQuery.builder().build()))
            .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("seqs must increase"))
            .verify(WAIT);
        answer("GET /health", 200, "{\"hello\":\"world\"}");
        assertThatThrownBy(() -> client().health().block(WAIT)).hasMessageContaining("without status and headSeq");
    }

    @Test
    void aTruncatedHistoryFailsWithEventsPurgedUnlessTheGapIsAllowed() {
        startServer();
        answer("GET /api/events", 200, "{\"events\":[" + listed(50, "a") + "],\"headSeq\":50,\"oldestSeq\":50,"
            + "\"hasMore\":false,\"truncated\":true}");
        StepVerifier.create(client().history(HistoryQuery.builder().since(10).build()))
            .expectErrorSatisfies(e -> {
                assertThat(failure(e).errorCode()).isEqualTo(ErrorCode.EVENTS_PURGED);
                assertThat(e).hasMessageContaining("after seq 10").hasMessageContaining("oldest retained: 50");
            })
            .verify(WAIT);
        StepVerifier.create(client().history(HistoryQuery.builder().since(10).allowPurgedGap(true).build()))
            .expectNextMatches(e -> e.seq() == 50)
            .expectComplete()
            .verify(WAIT);
    }

    // ----- WebSocket --------------------------------------------------------------------------------------------

    @Test
    void aServerWithoutAWebSocketEndpointFailsTheSubscriptionAtOnce() {
        startServer();
        StepVerifier.create(client().subscribe(SubscribeSpec.of("task:*")))
            .expectErrorSatisfies(e -> {
                assertThat(failure(e).errorCode()).isEqualTo(ErrorCode.BAD_RESPONSE);
                assertThat(failure(e).httpStatus()).isEqualTo(404);
                assertThat(e).hasMessageContaining("ws://127.0.0.1:" + server.port()
                    + "/ws refused the WebSocket upgrade with HTTP 404");
            })
            .verify(WAIT);
        assertThat(hits).as("not retried").hasSize(1);
    }

    @Test
    void anUpgradeAnswered503IsRetriedWithBackoffUntilTheAttemptsRunOut() {
        startServer();
        routes.put("GET /ws", (req, res) -> res.status(503).send());
        StepVerifier.create(client(b -> b.maxReconnectAttempts(2)).subscribe(SubscribeSpec.of("task:*")))
            .expectErrorSatisfies(e -> {
                assertThat(failure(e).errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(e).hasMessageContaining("HTTP 503");
            })
            .verify(WAIT);
        assertThat(hits).hasSize(3);
    }

    @Test
    void aWebSocketSendingSomethingElseThanJsonFailsWithBadResponse() {
        startServer();
        webSocket(m -> List.of(), "hello");
        StepVerifier.create(client().subscribe(SubscribeSpec.of("task:*")))
            .expectErrorSatisfies(e -> {
                assertThat(failure(e).errorCode()).isEqualTo(ErrorCode.BAD_RESPONSE);
                assertThat(e).hasMessageContaining("sent a message that is not JSON ('hello')");
            })
            .verify(WAIT);
    }

    @Test
    void aWebSocketThatDoesNotStartWithConnectedFailsWithBadResponse() {
        startServer();
        webSocket(m -> List.of(), event(1, "a"));
        StepVerifier.create(client().subscribe(SubscribeSpec.of("task:*")))
            .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("sent 'event' before 'connected'"))
            .verify(WAIT);
    }

    @Test
    void anEventWithoutSeqFailsWithBadResponse() {
        startServer();
        webSocket(m -> List.of(subscribed(""), "{\"type\":\"event\",\"timestamp\":\"2026-01-08T12:00:00Z\","
            + "\"payload\":{\"topic\":\"task:T-1\",\"eventType\":\"x\",\"data\":{}}}"), CONNECTED);
        StepVerifier.create(client().subscribe(SubscribeSpec.of("task:*")))
            .expectErrorSatisfies(e -> {
                assertThat(failure(e).errorCode()).isEqualTo(ErrorCode.BAD_RESPONSE);
                assertThat(e).hasMessageContaining("without seq");
            })
            .verify(WAIT);
    }

    @Test
    void aWebSocketThatNeverSaysConnectedTimesOutAndIsRetried() {
        startServer();
        webSocket(m -> List.of());
        StepVerifier.create(client(b -> b.requestTimeout(Duration.ofMillis(300)).maxReconnectAttempts(1))
                .subscribe(SubscribeSpec.of("task:*")))
            .expectErrorSatisfies(e -> {
                assertThat(failure(e).errorCode()).isEqualTo(ErrorCode.TIMEOUT);
                assertThat(e).hasMessageContaining("was not connected and subscribed within 300 ms");
            })
            .verify(WAIT);
        assertThat(hits).hasSize(2);
    }

    @Test
    void theSubscribeRequestCarriesTheSpecAndAnErrorReplyEndsTheFluxWithItsCode() {
        startServer();
        webSocket(m -> List.of("{\"type\":\"error\",\"id\":\"" + Wire.SUBSCRIBE_ID + "\",\"payload\":{\"code\":"
            + "\"WS_SUBSCRIPTION_LIMIT\",\"message\":\"too many\",\"details\":{\"max\":50}}}"), CONNECTED);
        StepVerifier.create(client().subscribe(SubscribeSpec.builder().patterns("task:*").since(7)
                .events("task.*").build()))
            .expectErrorSatisfies(e -> {
                GatewayClientException g = failure(e);
                assertThat(g.errorCode()).isEqualTo(ErrorCode.WS_SUBSCRIPTION_LIMIT);
                assertThat(g.details().get("max").asInt()).isEqualTo(50);
                assertThat(e).hasMessageContaining("too many");
            })
            .verify(WAIT);
        assertThat(received).hasSize(1);
        assertThat(Wire.frame(received.get(0), "test").toString()).isEqualTo("{\"type\":\"subscribe\",\"id\":\""
            + Wire.SUBSCRIBE_ID + "\",\"payload\":{\"topics\":[\"task:*\"],\"events\":[\"task.*\"],\"since\":7}}");
    }

    @Test
    void serverPingsAreAnsweredWithAPongOfTheSameId() {
        startServer();
        webSocket(m -> m.contains("\"subscribe\"")
            ? List.of(subscribed(""), "{\"type\":\"ping\",\"id\":\"hb-1\"}", "{\"type\":\"ping\"}") : List.of(),
            CONNECTED);
        StepVerifier.create(client().subscribe(SubscribeSpec.of("task:*")), 0)
            .then(() -> await().atMost(WAIT).until(() -> received.size() == 3))
            .thenCancel()
            .verify(WAIT);
        assertThat(received.get(1)).isEqualTo("{\"type\":\"pong\",\"id\":\"hb-1\"}");
        assertThat(received.get(2)).as("even without demand").isEqualTo("{\"type\":\"pong\"}");
    }

    @Test
    void anOverflowIsRecoveredPageByPageWithTheResyncRequestBeforeLaterEvents() {
        startServer();
        webSocket(m -> m.contains("\"subscribe\"") ? List.of(subscribed(""), event(4, "keep"),
            "{\"type\":\"overflow\",\"payload\":{\"dropped\":5,\"firstDroppedSeq\":5,\"lastDroppedSeq\":9,"
                + "\"resync\":\"/api/events?since=4&until=9\"}}", event(10, "keep")) : List.of(), CONNECTED);
        routes.put("GET /api/events", (req, res) -> {
            String body = req.uri().contains("since=4&")
                ? "{\"events\":[" + listed(5, "keep") + "," + listed(6, "drop") + "," + listed(7, "keep")
                    + "],\"headSeq\":12,\"oldestSeq\":1,\"hasMore\":true,\"truncated\":false}"
                : "{\"events\":[" + listed(8, "keep") + "," + listed(9, "keep")
                    + "],\"headSeq\":12,\"oldestSeq\":1,\"hasMore\":false,\"truncated\":false}";
            return res.header("Content-Type", "application/json").sendString(Mono.just(body));
        });
        StepVerifier.create(client().subscribe(SubscribeSpec.builder().patterns("task:*").filter("kind", "keep")
                .build()))
            .expectNextMatches(e -> e.seq() == 4)
            .expectNextMatches(e -> e.seq() == 5)
            .expectNextMatches(e -> e.seq() == 7)
            .expectNextMatches(e -> e.seq() == 8)
            .expectNextMatches(e -> e.seq() == 9)
            .expectNextMatches(e -> e.seq() == 10)
            .thenCancel()
            .verify(WAIT);
        assertThat(hits).contains("GET /api/events?since=4&until=9&limit=1000&topics=task%3A*",
            "GET /api/events?since=7&until=9&limit=1000&topics=task%3A*");
    }

    @Test
    void aResyncAnsweredWithGarbageFailsTheSubscription() {
        startServer();
        webSocket(m -> m.contains("\"subscribe\"") ? List.of(subscribed(""),
            "{\"type\":\"overflow\",\"payload\":{\"dropped\":1,\"firstDroppedSeq\":5,\"lastDroppedSeq\":5,"
                + "\"resync\":\"/api/events?since=4&until=5\"}}") : List.of(), CONNECTED);
        routes.put("GET /api/events", (req, res) -> res.sendString(Mono.just("Internal Server Error")));
        StepVerifier.create(client().subscribe(SubscribeSpec.of("task:*")))
            .expectErrorSatisfies(e -> {
                assertThat(failure(e).errorCode()).isEqualTo(ErrorCode.BAD_RESPONSE);
                assertThat(e).hasMessageContaining("GET http://127.0.0.1:" + server.port() + "/api/events?since=4");
            })
            .verify(WAIT);
    }

    @Test
    void aPurgedGapOnResumeFailsUnlessTheSpecAllowsIt() {
        startServer();
        webSocket(m -> m.contains("\"subscribe\"") ? List.of(subscribed(",\"recovered\":false"), event(60, "a"))
            : List.of(), CONNECTED);
        StepVerifier.create(client().subscribe(SubscribeSpec.builder().patterns("task:*").since(10).build()))
            .expectErrorSatisfies(e -> {
                assertThat(failure(e).errorCode()).isEqualTo(ErrorCode.EVENTS_PURGED);
                assertThat(e).hasMessageContaining("after seq 10");
            })
            .verify(WAIT);
        StepVerifier.create(client().subscribe(SubscribeSpec.builder().patterns("task:*").since(10)
                .allowPurgedGap(true).build()))
            .expectNextMatches(e -> e.seq() == 60)
            .thenCancel()
            .verify(WAIT);
    }

    // ----- batch frames (PROTOCOL.md section 5, "batch") ---------------------------------------------------------

    private static String batch(String... messages) {
        return "{\"type\":\"batch\",\"timestamp\":\"2026-01-08T12:00:00.000Z\",\"payload\":{\"messages\":["
            + String.join(",", messages) + "]}}";
    }

    @Test
    void aBatchIsHandledMessageByMessageInOrderAsIfEachHadComeAlone() {
        startServer();
        webSocket(m -> m.contains("\"subscribe\"") ? List.of(
            batch(subscribed(""), event(4, "keep"), "{\"type\":\"ping\",\"id\":\"hb-1\"}",
                "{\"type\":\"overflow\",\"timestamp\":\"2026-01-08T12:00:00.000Z\",\"payload\":{\"dropped\":2,"
                    + "\"firstDroppedSeq\":5,\"lastDroppedSeq\":6,\"resync\":\"/api/events?since=4&until=6\"}}",
                event(7, "keep"), "{\"type\":\"pong\",\"id\":\"x\"}", "{\"type\":\"some_future_type\"}"),
            event(8, "keep"),
            batch(event(9, "keep"), "{\"type\":\"ping\",\"id\":\"hb-2\"}", event(10, "keep"))) : List.of(),
            CONNECTED);
        answer("GET /api/events", 200, "{\"events\":[" + listed(5, "keep") + "," + listed(6, "keep")
            + "],\"headSeq\":10,\"oldestSeq\":1,\"hasMore\":false,\"truncated\":false}");
        List<Long> got = new CopyOnWriteArrayList<>();
        StepVerifier.create(client(b -> b.batchFrames(true)).subscribe(SubscribeSpec.of("task:*"))
                .doOnNext(e -> got.add(e.seq())), 0)
            .as("both batches' pings are answered as they are read, before any demand")
            .then(() -> await().atMost(WAIT).until(() -> received.size() == 3))
            .thenRequest(Long.MAX_VALUE)
            .expectNextCount(7)
            .expectNoEvent(Duration.ofMillis(100))
            .thenCancel()
            .verify(WAIT);
        assertThat(got).as("the event, the overflow's resync, then the rest, in order").containsExactly(4L, 5L, 6L, 7L,
            8L, 9L, 10L);
        assertThat(received.get(1)).isEqualTo("{\"type\":\"pong\",\"id\":\"hb-1\"}");
        assertThat(received.get(2)).isEqualTo("{\"type\":\"pong\",\"id\":\"hb-2\"}");
        assertThat(hits).containsExactly("GET /ws?batch=true",
            "GET /api/events?since=4&until=6&limit=1000&topics=task%3A*");
    }

    @Test
    void aMalformedOrUnaskedBatchEndsTheSubscriptionWithBadResponseAfterTheMessagesBeforeIt() {
        startServer();
        // The frame after 'subscribed', whether the client asked for batches, and what the failure says.
        record Case(String frame, boolean batchFrames, List<Long> before, String says) {
        }
        List<Case> cases = List.of(
            new Case("{\"type\":\"batch\",\"payload\":{\"message\":[]}}", true, List.of(),
                "sent a batch without a 'payload.messages' array"),
            new Case(batch(event(4, "a"), CONNECTED, event(5, "a")), true, List.of(4L),
                "sent 'connected' inside a batch"),
            new Case(batch(event(4, "a"), "[\"event\"]"), true, List.of(4L),
                "sent a batch holding a message that is not a JSON object with a string 'type'"),
            new Case(batch(event(4, "a"), event(5, "a")), false, List.of(),
                "sent a 'batch' frame, which this client did not ask for"));
        for (Case c : cases) {
            hits.clear();
            webSocket(m -> m.contains("\"subscribe\"") ? List.of(subscribed(""), c.frame()) : List.of(), CONNECTED);
            List<Long> got = new CopyOnWriteArrayList<>();
            StepVerifier.create(client(b -> b.batchFrames(c.batchFrames())).subscribe(SubscribeSpec.of("task:*"))
                    .doOnNext(e -> got.add(e.seq())))
                .thenConsumeWhile(e -> true)
                .expectErrorSatisfies(e -> {
                    assertThat(failure(e).errorCode()).as(c.says()).isEqualTo(ErrorCode.BAD_RESPONSE);
                    assertThat(e).hasMessageContaining("ws://127.0.0.1:" + server.port() + "/ws")
                        .hasMessageContaining(c.says());
                })
                .verify(WAIT);
            assertThat(got).as(c.says()).containsExactlyElementsOf(c.before());
            assertThat(hits).as("not retried: " + c.says()).hasSize(1);
        }
    }

    /**
     * A WebSocket at /ws that sends {@code connected}, answers the first client message with the frames, then
     * closes with the code (a negative code drops the TCP connection without a close frame). The inbound is read
     * to its end, never cancelled (which would drop the connection without a close frame).
     */
    private void webSocketThenClose(int code, String reason, String... frames) {
        routes.put("GET /ws", (req, res) -> res.sendWebsocket((in, out) -> {
            Sinks.One<String> first = Sinks.one();
            Mono<Void> reading = in.receive().asString().doOnNext(m -> {
                received.add(m);
                first.tryEmitValue(m);
            }).then();
            Mono<Void> script = out.sendString(Mono.just(CONNECTED)).then()
                .then(first.asMono())
                .flatMap(m -> out.sendString(Flux.fromArray(frames)).then())
                .then(code < 0
                    // A crash: the TCP connection ends without a close frame.
                    ? Mono.<Void>fromRunnable(() -> in.withConnection(c -> c.channel().close()))
                    // Deferred: sendClose allocates its close frame when called, and a client that leaves before the
                    // script gets here would leave that buffer unreleased (Netty's leak detector reported it once).
                    : Mono.defer(() -> out.sendClose(code, reason)));
            return Mono.when(reading, script);
        }));
    }

    @Test
    void close4003EndsTheSubscriptionWithoutReconnecting() {
        startServer();
        webSocketThenClose(4003, "credentials expired", subscribed(""));
        StepVerifier.create(client().subscribe(SubscribeSpec.of("task:*")))
            .expectErrorSatisfies(e -> {
                assertThat(failure(e).errorCode()).isEqualTo(ErrorCode.CREDENTIALS_REVOKED);
                assertThat(e).hasMessageContaining("4003").hasMessageContaining("credentials expired");
            })
            .verify(WAIT);
        assertThat(hits).hasSize(1);
    }

    @Test
    void aGoingAwayCloseIsFollowedByAReconnectThatResumesAfterTheLastEvent() {
        startServer();
        webSocketThenClose(1001, "going away", subscribed(""), event(4, "a"), event(5, "a"));
        StepVerifier.create(client().subscribe(SubscribeSpec.of("task:*")))
            .expectNextMatches(e -> e.seq() == 4)
            .expectNextMatches(e -> e.seq() == 5)
            .then(() -> await().atMost(WAIT).until(() -> received.size() >= 3))
            .expectNoEvent(Duration.ofMillis(100))
            .thenCancel()
            .verify(WAIT);
        assertThat(Wire.frame(received.get(0), "test").at("/payload/since").isMissingNode())
            .as("the first subscribe is live").isTrue();
        assertThat(Wire.frame(received.get(1), "test").at("/payload/since").asLong())
            .as("the reconnect resumes after the last delivered seq").isEqualTo(5);
        assertThat(Wire.frame(received.get(2), "test").at("/payload/since").asLong()).isEqualTo(5);
    }

    @Test
    void aConnectionDroppedWithoutACloseFrameIsFollowedByAReconnectWithoutRepeats() {
        startServer();
        webSocketThenClose(-1, "", subscribed(""), event(4, "a"), event(5, "a"), event(6, "a"));
        List<Event> got = new CopyOnWriteArrayList<>();
        StepVerifier.create(client().subscribe(SubscribeSpec.of("task:*")).doOnNext(got::add))
            .expectNextCount(3)
            .then(() -> await().atMost(WAIT).until(() -> received.size() >= 3))
            .expectNoEvent(Duration.ofMillis(100))
            .thenCancel()
            .verify(WAIT);
        assertThat(got).extracting(Event::seq).containsExactly(4L, 5L, 6L);
        assertThat(Wire.frame(received.get(1), "test").at("/payload/since").asLong()).isEqualTo(6);
    }
}
