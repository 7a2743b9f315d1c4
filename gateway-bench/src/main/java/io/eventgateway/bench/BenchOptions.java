package io.eventgateway.bench;

import picocli.CommandLine.Option;

/** The options every scenario shares. */
final class BenchOptions {

    @Option(names = "--host", description = "gateway host (default: ${DEFAULT-VALUE})")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "gateway port (default: ${DEFAULT-VALUE})")
    int port = 9090;

    @Option(names = "--gateway-pid", description = "the gateway's process id, to report its CPU and RSS")
    long gatewayPid = -1;

    @Option(names = "--subscribers", description = "WebSocket subscribers (default: ${DEFAULT-VALUE})")
    int subscribers = 1000;

    @Option(names = "--rate", description = "events published per second (default: ${DEFAULT-VALUE})")
    int rate = 300;

    @Option(names = "--seconds", description = "measured seconds after the warm-up (default: ${DEFAULT-VALUE})")
    int seconds = 20;

    @Option(names = "--warmup", description = "warm-up seconds, reported apart (default: ${DEFAULT-VALUE})")
    int warmupSeconds = 10;

    @Option(names = "--payload-bytes", description = "approximate event frame size (default: ${DEFAULT-VALUE})")
    int payloadBytes = 300;

    @Option(names = "--topic", description = "the topic published to and subscribed (default: ${DEFAULT-VALUE})")
    String topic = "bench:fanout";

    @Option(names = "--client-threads", description = "load generator I/O threads (default: ${DEFAULT-VALUE})")
    int clientThreads = 2;

    @Option(names = "--connections-per-source-address",
        description = "connections per 127.0.0.x source address before the next is used (default: ${DEFAULT-VALUE})")
    int connectionsPerSourceAddress = 20_000;

    @Option(names = "--batch", description = "publish: events per REST request and per baseline JDBC batch"
        + " (default: ${DEFAULT-VALUE})")
    int batch = 100;

    @Option(names = "--concurrency", description = "publish: REST requests in flight (default: ${DEFAULT-VALUE})")
    int concurrency = 8;

    @Option(names = "--publishers", description = "publish: WebSocket publishers (default: ${DEFAULT-VALUE})")
    int publishers = 32;

    @Option(names = "--window", description = "publish: unacknowledged publishes per WebSocket publisher"
        + " (default: ${DEFAULT-VALUE})")
    int window = 16;

    @Option(names = "--events", description = "replay: events each client asks for with since"
        + " (default: ${DEFAULT-VALUE})")
    int events = 1000;

    @Option(names = "--json", description = "also write the report as JSON to this file")
    String json;
}
