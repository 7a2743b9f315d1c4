package io.eventgateway.server;

import io.eventgateway.domain.Domain;
import io.eventgateway.log.EventLog;
import io.eventgateway.server.config.GatewayConfig;
import io.eventgateway.server.metrics.GatewayMetrics;
import io.eventgateway.server.ws.WebSocketEndpoint;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.netty.DisposableServer;

/**
 * A started gateway (after reactor-netty's {@code DisposableServer}): its address, and its shutdown, which is
 * idempotent, non-blocking and runs in one fixed order (see {@link #disposeLater()}).
 */
public final class RunningGateway implements Disposable {

    private final GatewayConfig config;
    private final DisposableServer server;
    private final WebSocketEndpoint webSocket;
    private final EventLog log;
    private final Domain domain;
    private final Scheduler dispatcher;
    private final @Nullable GatewayMetrics metrics;
    private final AtomicBoolean disposing = new AtomicBoolean();
    private final Sinks.Empty<Void> disposed = Sinks.empty();

    RunningGateway(GatewayConfig config, DisposableServer server, WebSocketEndpoint webSocket, EventLog log,
                   Scheduler dispatcher, @Nullable GatewayMetrics metrics, Domain domain) {
        this.domain = domain;
        this.metrics = metrics;
        this.config = config;
        this.server = server;
        this.webSocket = webSocket;
        this.log = log;
        this.dispatcher = dispatcher;
    }

    /**
     * The bound host.
     *
     * @return the host, e.g. {@code 127.0.0.1}
     */
    public String host() {
        return config.server().host();
    }

    /**
     * The bound port (the actual one when {@code server.port} was 0).
     *
     * @return the port
     */
    public int port() {
        return server.port();
    }

    /**
     * The event log, for tests and tools embedding the gateway.
     *
     * @return the log
     */
    public EventLog eventLog() {
        return log;
    }

    /**
     * Completes when the gateway has shut down.
     *
     * @return the signal
     */
    public Mono<Void> onDispose() {
        return disposed.asMono();
    }

    /**
     * Shuts down, in this order: stop the domain's expiry timer, stop accepting WebSocket upgrades and close every
     * connection with 1001 (waiting for them, at most {@code server.shutdown-timeout}), stop the HTTP server, flush
     * and close the event log, stop the dispatcher, release the meters. Idempotent: later calls return the same
     * completion.
     *
     * @return completes when everything is closed
     */
    public Mono<Void> disposeLater() {
        return Mono.defer(() -> {
            if (!disposing.compareAndSet(false, true)) {
                return disposed.asMono();
            }
            Duration timeout = config.server().shutdownTimeout();
            // The checkpoint expiry timer first: nothing may start a change once the log begins to close.
            domain.dispose();
            return webSocket.closeAll(timeout)
                .then(Mono.defer(() -> {
                    server.dispose();
                    return server.onDispose().timeout(timeout, Mono.empty());
                }))
                .then(log.disposeLater())
                .doFinally(signal -> {
                    dispatcher.dispose();
                    if (metrics != null) {
                        metrics.dispose();
                    }
                    disposed.tryEmitEmpty();
                })
                .then(disposed.asMono());
        });
    }

    /**
     * Shuts down and waits, at most the given time. For {@code main} and tests only.
     *
     * @param timeout the longest wait
     */
    public void disposeNow(Duration timeout) {
        disposeLater().block(timeout);
    }

    @Override
    public void dispose() {
        disposeLater().subscribe();
    }

    @Override
    public boolean isDisposed() {
        return disposing.get();
    }
}
