package io.eventgateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.server.GatewayServer;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.RunningGateway;
import io.eventgateway.server.config.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base class of the client's integration tests: a real gateway in this JVM on port 0 with a real SQLite file in a
 * temp dir (restartable on the same port and file), and clients that are disposed after each test.
 */
public abstract class ClientTestSupport extends GatewayTestSupport {

    /** How long a test waits for real I/O. */
    protected static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    protected Path dir;

    private final List<GatewayClient> clients = new ArrayList<>();
    private UnaryOperator<GatewayConfig> adjustment = UnaryOperator.identity();

    /**
     * Starts a gateway on port 0 with {@code dir/gateway.db}.
     *
     * @return it
     */
    protected RunningGateway startSqlite() {
        return startSqlite(UnaryOperator.identity());
    }

    /**
     * Starts a gateway on port 0 with {@code dir/gateway.db} and an adjusted configuration, which restarts keep.
     *
     * @param config the adjustment
     * @return it
     */
    protected RunningGateway startSqlite(UnaryOperator<GatewayConfig> config) {
        this.adjustment = config;
        return start(GatewayServer.builder(config(0)));
    }

    private GatewayConfig config(int port) {
        GatewayConfig c = adjustment.apply(TEST_CONFIG);
        return c.withServer(c.server().withPort(port))
            .withStore(c.store().withUrl("r2dbc:sqlite:" + dir.resolve("gateway.db")));
    }

    /**
     * Stops the running gateway (closing its WebSockets with 1001) and starts it again on the same port with the
     * same file, as a restart of the process would.
     */
    protected void restartGateway() {
        startAgain(stopGateway());
    }

    /**
     * Stops the running gateway.
     *
     * @return the port it was on
     */
    protected int stopGateway() {
        RunningGateway running = gateway;
        if (running == null) {
            throw new IllegalStateException("start first");
        }
        int port = running.port();
        running.disposeNow(WAIT);
        gateway = null;
        return port;
    }

    /**
     * Starts the gateway again on a port, with the same file and configuration.
     *
     * @param port the port it was on
     */
    protected void startAgain(int port) {
        start(GatewayServer.builder(config(port)));
    }

    /**
     * A client builder for the running gateway, with short backoffs.
     *
     * @return the builder
     */
    protected GatewayClient.Builder clientBuilder() {
        return GatewayClient.builder()
            .baseUrl("http://127.0.0.1:" + port())
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(500));
    }

    /**
     * A client for the running gateway, disposed after the test.
     *
     * @return the client
     */
    protected GatewayClient client() {
        return track(clientBuilder().build());
    }

    /**
     * Disposes a client after the test.
     *
     * @param client the client
     * @return it
     */
    protected GatewayClient track(GatewayClient client) {
        clients.add(client);
        return client;
    }

    @AfterEach
    void disposeClients() {
        for (GatewayClient c : clients) {
            c.disposeLater().block(WAIT);
        }
    }

    /**
     * {@code GET /api/status}.
     *
     * @return the answer
     */
    protected JsonNode status() {
        return http("GET", "/api/status", null, null).json();
    }

    /**
     * Subscribers of a pattern according to {@code /api/status}.
     *
     * @param pattern the pattern
     * @return the count
     */
    protected int subscribers(String pattern) {
        for (JsonNode p : status().path("patterns")) {
            if (p.path("pattern").asText().equals(pattern)) {
                return p.path("subscribers").asInt();
            }
        }
        return 0;
    }

    /**
     * A data object.
     *
     * @param field a field
     * @param value its value
     * @return {@code {field: value}}
     */
    protected static ObjectNode data(String field, Object value) {
        ObjectNode node = Wire.JSON.createObjectNode();
        node.set(field, Wire.JSON.valueToTree(value));
        return node;
    }
}
