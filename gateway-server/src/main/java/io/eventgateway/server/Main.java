package io.eventgateway.server;

import io.eventgateway.server.auth.HashKey;
import io.eventgateway.server.config.ConfigException;
import io.eventgateway.server.config.ConfigLoader;
import io.eventgateway.server.config.GatewayConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line: {@code scripts/gateway [--config FILE] [--key=value ...]}. Prints
 * {@code Event Gateway ready on http://HOST:PORT} once it accepts connections; on SIGINT or SIGTERM closes every
 * WebSocket with 1001 and exits 0. Any problem at start is one line on standard error and exit status 2
 * (configuration) or 1 (start-up). With {@code server.tls.*} set the addresses are {@code https} and {@code wss}.
 * {@code scripts/gateway hash-key} runs {@link HashKey} instead (hashes an API key for {@code auth.api-keys-file}).
 *
 * <p>At INFO it logs (standard error, {@code log.format}) one configuration summary and the address once started,
 * and two lines at stop; warnings as they come. {@code --log.level=debug} adds one line per connection.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    /**
     * Runs the gateway until the process is stopped.
     *
     * @param args {@code --key=value} flags, {@code --config FILE}, {@code --help}
     */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals(HashKey.COMMAND)) {
            return HashKey.run(Arrays.asList(args).subList(1, args.length), System.in, out, err);
        }
        GatewayConfig config;
        try {
            ConfigLoader.Result result = ConfigLoader.load(Arrays.asList(args), System.getenv());
            if (result.helpRequested()) {
                out.println(result.helpText());
                return 0;
            }
            config = result.config();
        } catch (ConfigException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        Logging.apply(config.log());
        RunningGateway gateway;
        try {
            gateway = GatewayServer.builder(config).build().start().block(Duration.ofSeconds(60));
        } catch (StartupException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() instanceof StartupException ? e.getCause() : e;
            err.println("error: " + cause.getMessage());
            return 1;
        }
        if (gateway == null) {
            err.println("error: the gateway did not start within 60 s");
            return 1;
        }
        Duration shutdown = config.server().shutdownTimeout().plusSeconds(5);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down: closing WebSocket connections with 1001");
            gateway.disposeNow(shutdown);
            LOG.info("stopped");
        }, "gateway-shutdown"));
        boolean tls = config.server().tls().enabled();
        String base = (tls ? "https://" : "http://") + hostForUrl(config.server().host()) + ":" + gateway.port();
        if (!config.auth().enabled() && !isLoopback(config.server().host())) {
            LOG.warn("auth.mode=none while listening on {}: anyone who can reach this port may read and publish every"
                + " event; set auth.mode=api-key or jwt", config.server().host());
        }
        LOG.info("config: server.host={} server.port={} server.max-connections={} store.url={} ws.buffer-size={}"
                + " ws.max-subscriptions={} ws.write-delay={} ws.compression={} metrics.enabled={} log.format={}"
                + " log.level={} auth.mode={} tls={}", config.server().host(), gateway.port(),
            config.server().maxConnections(), config.store().url(), config.ws().bufferSize(),
            config.ws().maxSubscriptions(), config.ws().writeDelay().toMillis() + "ms", config.ws().compression(),
            config.metrics().enabled(), config.log().format(), config.log().level(), config.auth().mode(), tls);
        LOG.info("Event Gateway {} ready on {}", GatewayVersion.VERSION, base);
        out.println("Event Gateway ready on " + base);
        out.println("  dashboard  " + base + "/");
        out.println("  websocket  " + (tls ? "wss" : "ws") + base.substring(base.indexOf(':')) + "/ws");
        out.println("  publish    curl -X POST " + base + "/api/events -H 'Content-Type: application/json'"
            + " -d '{\"topic\":\"task:T-1\",\"eventType\":\"task.progress\",\"data\":{\"percent\":50}}'");
        out.flush();
        gateway.onDispose().block();
        return 0;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
