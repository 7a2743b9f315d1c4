package io.eventgateway.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * {@code replay}: a reconnect storm. {@code --events} events are published first (REST, arrays of 100), then
 * {@code --subscribers} clients connect at once and each subscribes to their topic with {@code since} just before
 * the first of them. Reported: the time from the first connect until every client has received every replayed
 * event (it is then live), the per-client times as percentiles, and the correctness of every client's replay
 * (each event once, in order, none missing).
 */
final class ReplayScenario {

    private static final String TOPIC = "bench:replay";

    private final BenchOptions options;

    ReplayScenario(BenchOptions options) {
        this.options = options;
    }

    Report run() {
        int subscribers = options.subscribers(1000);
        Generator.checkOpenFileLimit(subscribers + 10);
        try (LiveRun run = new LiveRun(options, "replay")) {
            Report report = run.report;
            report.parameters.put("clients", subscribers);
            report.parameters.put("events replayed per client", options.events);
            report.parameters.put("topic", TOPIC);
            long since = prefill(run);
            List<BenchClient> clients = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                clients.add(run.generator.add(0, TOPIC, null, false));
            }
            long start = System.nanoTime();
            double cpu0 = run.probe.cpuSeconds();
            Flux.fromIterable(clients).flatMap(c -> c.connect(since), Math.max(1, subscribers))
                .then().block(Duration.ofSeconds(options.connectTimeoutSeconds));
            long[] doneAt = new long[subscribers];
            Arrays.fill(doneAt, -1);
            int done = 0;
            long deadline = start + TimeUnit.SECONDS.toNanos(300);
            while (done < subscribers && System.nanoTime() < deadline) {
                for (int i = 0; i < subscribers; i++) {
                    if (doneAt[i] < 0 && clients.get(i).ledger.received >= options.events) {
                        doneAt[i] = System.nanoTime() - start;
                        done++;
                    }
                }
                Meter.sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5));
            }
            long total = System.nanoTime() - start;
            double cpu1 = run.probe.cpuSeconds();
            long[] sorted = Arrays.stream(doneAt).filter(t -> t >= 0).sorted().toArray();
            report.results.put("all live after, s", done == subscribers ? total / 1e9 : -1);
            if (done < subscribers) {
                report.notes.add((subscribers - done) + " clients had not received their replay after 300 s");
            }
            if (sorted.length > 0) {
                report.results.put("per client, p50 / p99 / max s", String.format(Locale.ROOT, "%.2f / %.2f / %.2f",
                    sorted[sorted.length / 2] / 1e9, sorted[Math.min(sorted.length - 1,
                        (int) (sorted.length * 0.99))] / 1e9, sorted[sorted.length - 1] / 1e9));
            }
            long received = run.generator.received();
            report.results.put("events replayed", received);
            report.results.put("events replayed/s", received / (total / 1e9));
            if (cpu0 >= 0 && cpu1 >= 0) {
                report.results.put("gateway CPU during the storm, cores", (cpu1 - cpu0) / (total / 1e9));
            }
            run.finish(true, new long[] {options.events});
            return report;
        }
    }

    /**
     * Publishes the events to replay on one topic, in order ({@code n} = 0..events-1).
     *
     * @return the seq just before the first of them: the clients' {@code since}
     */
    private long prefill(LiveRun run) {
        HttpClient client = HttpClient.create(ConnectionProvider.create("bench-prefill", 4))
            .runOn(run.generator.loops)
            .host(options.host).port(options.port).headers(h -> h.set("Content-Type", "application/json"));
        String pad = "x".repeat(Math.max(0, options.payloadBytes - Publisher.frameOverhead(TOPIC)));
        AtomicLong first = new AtomicLong(-1);
        int batches = (options.events + 99) / 100;
        Flux.range(0, batches)
            .concatMap(batch -> {
                StringBuilder body = new StringBuilder("[");
                for (int i = batch * 100; i < Math.min(options.events, (batch + 1) * 100); i++) {
                    body.append(body.length() == 1 ? "" : ",").append("{\"topic\":\"").append(TOPIC)
                        .append("\",\"eventType\":\"bench.replay\",\"data\":{\"t\":").append(System.nanoTime())
                        .append(",\"n\":").append(i).append(",\"k\":0,\"pad\":\"").append(pad).append("\"}}");
                }
                body.append(']');
                return client.post().uri("/api/events").send(ByteBufFlux.fromString(Mono.just(body.toString())))
                    .responseSingle((r, content) -> content.asString()
                        .map(text -> r.status().code() == 202 ? text : "error " + r.status().code() + ": " + text));
            })
            .doOnNext(answer -> {
                if (answer.startsWith("error")) {
                    throw new IllegalStateException("POST /api/events: " + answer);
                }
                if (first.get() < 0) {
                    first.set(firstNumber(answer));
                }
            })
            .blockLast(Duration.ofSeconds(120));
        return Math.max(0, first.get() - 1);
    }

    /** The first integer of a text such as {@code {"seqs":[11,12]}}. */
    static long firstNumber(String text) {
        int start = 0;
        while (start < text.length() && !Character.isDigit(text.charAt(start))) {
            start++;
        }
        int end = start;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        return start == end ? -1 : Long.parseLong(text.substring(start, end));
    }
}
