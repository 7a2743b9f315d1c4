package io.eventgateway.bench;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The options of every scenario. Options a scenario does not use are ignored by it; those whose default depends
 * on the scenario are null until set, and read through the accessors below.
 */
final class BenchOptions {

    // ----- target -----

    @Option(names = "--host", description = "the server's host (default: ${DEFAULT-VALUE})")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "the server's port (default: ${DEFAULT-VALUE})")
    int port = 9090;

    @Option(names = "--protocol", description = "how to speak to the server: gateway, gateway-batch (the gateway"
        + " with batch frames, /ws?batch=true), node-ws (the Node ws peer in gateway-bench/peers/node-ws) or nats"
        + " (nats-server's WebSocket listener); scripts/bench-peers runs them (default: ${DEFAULT-VALUE})")
    String protocol = "gateway";

    @Option(names = "--gateway-pid", description = "the server's process id, to report its CPU and RSS (and heap,"
        + " for a JVM); a peer's too")
    long gatewayPid = -1;

    @Option(names = "--gateway-args", description = "the server's flags, recorded in the report")
    String gatewayArgs = "";

    @Option(names = "--token", description = "a JWT or API key sent as 'Authorization: Bearer' on every connection,"
        + " for a gateway with auth.mode=jwt or api-key (an admin grant lets the probe read /api/status)")
    @Nullable String token;

    /** Set by the smoke tests, which run the gateway inside this JVM. */
    boolean gatewayInProcess;

    // ----- load -----

    @Option(names = "--subscribers", description = "WebSocket subscribers (default: 1000; many-topics and idle:"
        + " 10000; replay: 1000)")
    @Nullable Integer subscribers;

    @Option(names = "--topics", description = "topics the subscribers are spread over (default: fanout,"
        + " slow-consumers, churn: 1; many-topics and idle: 1000)")
    @Nullable Integer topics;

    @Option(names = "--rate", description = "events published per second, over all topics (default: fanout 300,"
        + " many-topics 5000, slow-consumers 100, churn 100)")
    @Nullable Integer rate;

    @Option(names = "--seconds", description = "measured seconds after the warm-up (default: ${DEFAULT-VALUE})")
    int seconds = 20;

    @Option(names = "--warmup", description = "warm-up seconds, reported apart from the steady state"
        + " (default: ${DEFAULT-VALUE})")
    int warmupSeconds = 10;

    @Option(names = "--ramp", description = "seconds at the start of the warm-up over which the rate rises from a"
        + " tenth to --rate, so the server compiles its hot path before the full load; at most --warmup"
        + " (default: ${DEFAULT-VALUE}: the full rate from the start)")
    int rampSeconds;

    @Option(names = "--interval", description = "seconds between progress lines (default: ${DEFAULT-VALUE})")
    int intervalSeconds = 1;

    @Option(names = "--payload-bytes", description = "approximate size of a delivered event frame"
        + " (default: ${DEFAULT-VALUE})")
    int payloadBytes = 300;

    @Option(names = "--topic", description = "fanout's topic (default: ${DEFAULT-VALUE})")
    String topic = "bench:fanout";

    @Option(names = "--publishers", description = "WebSocket publisher connections (default: 1; publish: 32);"
        + " a topic is always published by the same one, in order")
    @Nullable Integer publishers;

    @Option(names = "--drain-seconds", description = "after publishing stops, how long the subscribers may take to"
        + " receive the rest before what is missing is counted (default: ${DEFAULT-VALUE})")
    int drainSeconds = 15;

    // ----- load generator -----

    @Option(names = "--client-threads", description = "load generator I/O threads (default: ${DEFAULT-VALUE})")
    int clientThreads = 2;

    @Option(names = "--connect-concurrency", description = "connection attempts in flight while connecting"
        + " (default: ${DEFAULT-VALUE})")
    int connectConcurrency = 200;

    @Option(names = "--connect-timeout", description = "seconds allowed for all subscribers to connect and"
        + " subscribe (default: ${DEFAULT-VALUE})")
    int connectTimeoutSeconds = 180;

    @Option(names = "--connections-per-source-address", description = "connections per 127.0.0.x source address"
        + " before the next one is used; the next is also used as soon as one runs out of ports"
        + " (default: ${DEFAULT-VALUE})")
    int connectionsPerSourceAddress = 20_000;

    // ----- fanout: rising rate -----

    @Option(names = "--rise", description = "fanout: raise the rate step by step until p99 passes --p99-bound"
        + " (the knee)")
    boolean rise;

    @Option(names = "--rate-step", description = "fanout --rise: events/s added per step (default: the start rate)")
    @Nullable Integer rateStep;

    @Option(names = "--rate-max", description = "fanout --rise: the last rate tried (default: ${DEFAULT-VALUE})")
    int rateMax = 5000;

    @Option(names = "--step-seconds", description = "fanout --rise: measured seconds per step"
        + " (default: ${DEFAULT-VALUE})")
    int stepSeconds = 10;

    @Option(names = "--settle-seconds", description = "seconds left out after each rate change or heap probe"
        + " (default: ${DEFAULT-VALUE})")
    int settleSeconds = 3;

    @Option(names = "--p99-bound", description = "fanout --rise: the p99 in ms that marks the knee"
        + " (default: ${DEFAULT-VALUE})")
    double p99BoundMs = 50;

    @Option(names = "--plot", description = "fanout --rise: write latency against rate as an SVG to this file")
    @Nullable String plot;

    // ----- slow-consumers -----

    @Option(names = "--slow-share", description = "slow-consumers: the share of subscribers that stop reading"
        + " (default: ${DEFAULT-VALUE})")
    double slowShare = 0.1;

    @Option(names = "--slow-receive-buffer", description = "slow-consumers: SO_RCVBUF of the clients that stall,"
        + " in bytes, so the gateway sees them stop soon (default: ${DEFAULT-VALUE})")
    int slowReceiveBuffer = 4096;

    // ----- churn -----

    @Option(names = "--churn", description = "churn: reconnects per second (default: ${DEFAULT-VALUE})")
    int churnPerSecond = 20;

    @Option(names = "--churn-share", description = "churn: the share of subscribers that reconnect in turn"
        + " (default: ${DEFAULT-VALUE})")
    double churnShare = 0.2;

    // ----- publish and replay -----

    @Option(names = "--batch", description = "publish: events per REST request and per baseline JDBC batch"
        + " (default: ${DEFAULT-VALUE})")
    int batch = 100;

    @Option(names = "--concurrency", description = "publish: REST requests in flight (default: ${DEFAULT-VALUE})")
    int concurrency = 8;

    @Option(names = "--window", description = "publish: unacknowledged publishes per WebSocket publisher"
        + " (default: ${DEFAULT-VALUE})")
    int window = 16;

    @Option(names = "--events", description = "replay: events each client asks for with since"
        + " (default: ${DEFAULT-VALUE})")
    int events = 1000;

    // ----- output -----

    @Option(names = "--json", description = "also write the report as JSON to this file")
    @Nullable String json;

    @Option(names = "--markdown", description = "also write the report as Markdown to this file")
    @Nullable String markdown;

    @Option(names = "--label", description = "a note for the report, e.g. the gateway setting under test")
    String label = "";

    int subscribers(int scenarioDefault) {
        return subscribers != null ? subscribers : scenarioDefault;
    }

    int topics(int scenarioDefault) {
        return topics != null ? topics : scenarioDefault;
    }

    int rate(int scenarioDefault) {
        return rate != null ? rate : scenarioDefault;
    }

    /**
     * The warm-up's ramp: how long the publisher takes to reach the full rate.
     *
     * @return the ramp, zero for none
     * @throws IllegalArgumentException when it is negative or longer than the warm-up
     */
    Duration ramp() {
        if (rampSeconds < 0 || rampSeconds > warmupSeconds) {
            throw new IllegalArgumentException("--ramp must be between 0 and --warmup (" + warmupSeconds
                + " s), got " + rampSeconds);
        }
        return Duration.ofSeconds(rampSeconds);
    }

    int publishers(int scenarioDefault) {
        return publishers != null ? publishers : scenarioDefault;
    }
}
