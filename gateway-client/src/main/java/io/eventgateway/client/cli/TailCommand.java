package io.eventgateway.client.cli;

import io.eventgateway.client.Event;
import io.eventgateway.client.GatewayClient;
import io.eventgateway.client.SubscribeSpec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * {@code events tail PATTERN... [--since N] [--events TYPE,...] [--count N]}: one JSON line per event on stdout.
 * Checks once that a gateway answers ({@code GET /health}), then follows the subscription for as long as it runs:
 * through gateway restarts it reconnects and resumes after the last printed seq, so no event is missed or printed
 * twice.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = {"Prints one JSON line per event of the patterns, across gateway restarts.",
        "After a restart it resumes after the last printed seq: no event is missed or printed twice.",
        "Patterns: *, entity:*, entity:prefix*, entity:id (e.g. 'task:*')."})
final class TailCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Parameters(arity = "1..*", paramLabel = "PATTERN", description = "the patterns to follow")
    List<String> patterns = new ArrayList<>();

    @Option(names = "--since", paramLabel = "SEQ",
        description = "also print the retained events after this seq first (default: live events only)")
    @Nullable Long since;

    @Option(names = "--events", split = ",", paramLabel = "TYPE",
        description = "only these event types; a type may end in * (e.g. task.*)")
    List<String> events = new ArrayList<>();

    @Option(names = "--count", paramLabel = "N", description = "exit after N events (default: follow forever)")
    @Nullable Long count;

    @Override
    public Integer call() {
        SubscribeSpec subscription;
        try {
            SubscribeSpec.Builder builder = SubscribeSpec.builder().patterns(patterns)
                .events(events.toArray(String[]::new));
            if (since != null) {
                builder.since(since);
            }
            subscription = builder.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be at least 1, got " + count);
        }
        GatewayClient client = connection.client();
        PrintWriter out = spec.commandLine().getOut();
        try {
            // Fail fast with one line when no gateway is there; once following, outages are waited out.
            client.health().block();
            Flux<Event> flux = client.subscribe(subscription);
            if (count != null) {
                flux = flux.take(count);
            }
            // Printed on a thread that may block on stdout, handed over by publishOn's lock-free queue. Not
            // toIterable: its hand-off takes a lock on the client's event loop, which BlockHound caught in EventsCliIT
            // (the thread printing held it), and its error there ended the subscription.
            flux.publishOn(Schedulers.boundedElastic(), 256)
                .takeWhile(event -> {
                    out.println(EventLines.line(event));
                    out.flush();
                    // false when the reader went away (tail ... | head -n 1): stop; disposing the client closes the
                    // socket.
                    return !out.checkError();
                })
                .blockLast();
            return 0;
        } finally {
            client.disposeLater().block(Duration.ofSeconds(5));
        }
    }
}
