package io.eventgateway.server;

import io.eventgateway.domain.Domain;
import io.eventgateway.hub.Hub;
import io.eventgateway.log.EventLog;
import io.eventgateway.server.auth.Authenticator;
import io.eventgateway.server.auth.HttpAuthentication;
import io.eventgateway.server.config.GatewayConfig;
import io.eventgateway.server.limit.RequestGuard;
import io.eventgateway.server.metrics.GatewayMetrics;
import io.eventgateway.server.metrics.GatewayMetricsRecorder;
import io.eventgateway.server.rest.HttpRouter;
import io.eventgateway.server.tls.ServerTls;
import io.eventgateway.server.ws.WebSocketEndpoint;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServer;

/**
 * Builds and starts a gateway: the event log from {@code store.url}, the hub on its own dispatcher thread, the
 * WebSocket endpoint and the REST routes on one Reactor Netty HTTP server (HTTP and WebSocket share the port, with
 * TLS when {@code server.tls.*} is set), behind the authenticator of {@code auth.mode}.
 *
 * <pre>{@code
 * RunningGateway gateway = GatewayServer.builder(GatewayConfig.defaults()).build().start().block();
 * }</pre>
 */
public final class GatewayServer {

    private final GatewayConfig config;
    private final Clock clock;
    private final @Nullable Scheduler timer;
    private final @Nullable EventLog eventLog;
    private final Function<HttpServer, HttpServer> customizer;

    private GatewayServer(Builder builder) {
        this.config = builder.config;
        this.clock = builder.clock;
        this.timer = builder.timer;
        this.eventLog = builder.eventLog;
        this.customizer = builder.customizer;
    }

    /**
     * A builder.
     *
     * @param config the configuration
     * @return a builder with the system UTC clock, {@code Schedulers.parallel()} for timers, and the event log
     *     that {@code store.url} names
     */
    public static Builder builder(GatewayConfig config) {
        return new Builder(config);
    }

    /**
     * Opens the store, binds the port and starts serving. Fails with a {@link StartupException} whose message is
     * one line saying what went wrong and how to fix it.
     *
     * @return the running gateway, once it accepts connections
     */
    public Mono<RunningGateway> start() {
        return Mono.defer(() -> {
            // Files of auth.* and server.tls.* are read here, on the caller's thread, never on an event loop.
            HttpAuthentication auth;
            SslContext tls;
            try {
                auth = config.auth().enabled() ? HttpAuthentication.of(Authenticator.create(config.auth(), clock))
                    : HttpAuthentication.off();
                tls = config.server().tls().enabled() ? ServerTls.serverContext(config.server().tls(), clock) : null;
            } catch (IllegalArgumentException e) {
                return Mono.error(new StartupException(e.getMessage(), e));
            }
            Scheduler dispatcher = Schedulers.newSingle("gateway-hub", true);
            Scheduler timers = timer != null ? timer : Schedulers.parallel();
            // metrics.enabled=false: no registry at all, and every recorder call is the no-op.
            GatewayMetrics metrics = config.metrics().enabled() ? GatewayMetrics.prometheus(ByteBufAllocator.DEFAULT)
                : null;
            GatewayMetricsRecorder recorder = metrics == null ? GatewayMetricsRecorder.NOOP : metrics.recorder();
            Mono<EventLog> opened = eventLog != null ? Mono.just(eventLog)
                : EventLogs.open(config.store(), clock, timers, recorder);
            return opened.flatMap(log -> {
                Hub hub = Hub.create(log, config.ws().bufferSize(), config.ws().maxSubscriptions(), dispatcher,
                    config.ws().writeDelay(), recorder);
                RequestGuard guard = new RequestGuard(config.server().host(), config.server().allowedHosts(),
                    config.ws().allowedOrigins());
                WebSocketEndpoint ws = new WebSocketEndpoint(hub, log, config.ws(),
                    config.server().maxConnections(), guard, clock, timers, recorder, auth,
                    config.auth().refreshWindow());
                // The orchestration domain (PROTOCOL.md section 8): loaded from the store before the port is bound.
                Domain domain = Domain.create(log, clock, timers);
                HttpRouter router = new HttpRouter(guard, ws, log, hub, clock, metrics, auth, domain);
                HttpServer server = HttpServer.create()
                    .host(config.server().host())
                    .port(config.server().port())
                    // Small frames must leave at once: Nagle would hold them for the peer's delayed ACK.
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .handle(router);
                if (tls != null) {
                    // https and wss on the same port; plain http to it fails the TLS handshake.
                    server = server.secure(spec -> spec.sslContext(tls));
                }
                return domain.start()
                    .onErrorMap(error -> new StartupException("cannot load the orchestration state from "
                        + config.store().url() + ": " + error.getMessage(), error))
                    .then(customizer.apply(server).bind()
                    .onErrorMap(error -> StartupException.bindFailed(config.server().host(),
                        config.server().port(), error)))
                    .map(bound -> new RunningGateway(config, bound, ws, log, dispatcher, metrics, domain))
                    .onErrorResume(error -> Mono.fromRunnable(domain::dispose).then(log.disposeLater())
                        .then(Mono.fromRunnable(dispatcher::dispose))
                        .then(Mono.error(error)));
            }).doOnError(error -> {
                if (metrics != null) {
                    metrics.dispose();
                }
            });
        });
    }

    /** Builds a {@link GatewayServer}; every setter returns this builder. */
    public static final class Builder {
        private final GatewayConfig config;
        private Clock clock = Clock.systemUTC();
        private @Nullable Scheduler timer;
        private @Nullable EventLog eventLog;
        private Function<HttpServer, HttpServer> customizer = Function.identity();

        private Builder(GatewayConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /**
         * The clock that stamps events and frames. Default: {@code Clock.systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The scheduler of heartbeats, idle checks and rate limits, which is also their clock (tests pass a
         * {@code VirtualTimeScheduler}). Default: {@code Schedulers.parallel()}.
         *
         * @param timer the scheduler
         * @return this builder
         */
        public Builder timer(Scheduler timer) {
            this.timer = Objects.requireNonNull(timer, "timer");
            return this;
        }

        /**
         * An event log to use instead of the one {@code store.url} names; it is disposed with the gateway.
         *
         * @param eventLog the log
         * @return this builder
         */
        public Builder eventLog(EventLog eventLog) {
            this.eventLog = Objects.requireNonNull(eventLog, "eventLog");
            return this;
        }

        /**
         * Adjusts the Reactor Netty server before it binds (socket options in tests, for instance).
         *
         * @param customizer the adjustment
         * @return this builder
         */
        public Builder httpServer(Function<HttpServer, HttpServer> customizer) {
            this.customizer = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /**
         * Builds the server; nothing is opened until {@link GatewayServer#start()}.
         *
         * @return the server
         */
        public GatewayServer build() {
            return new GatewayServer(this);
        }
    }
}
