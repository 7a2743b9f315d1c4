package io.eventgateway.bench;

import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code scripts/bench SCENARIO [options]}. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, description = {
    "Load generator for the Event Gateway: open-loop publisher, HdrHistogram latency from the intended publish"
        + " time, correctness counts, CPU and memory of both sides. Scenarios:",
    "  fanout          1 topic x --subscribers (1/100/1000/10000); --rise finds the knee (--p99-bound)",
    "  many-topics     10,000 connections on 1,000 topics, a few events/s each",
    "  slow-consumers  a share of clients stop reading: the others' latency, the gateway's heap, announced losses",
    "  churn           reconnects per second (with since) while publishing",
    "  publish         durable append throughput: REST batches and WebSocket publish against sqlite-jdbc",
    "  replay          a reconnect storm: every client subscribes with since at once",
    "  idle            heap per idle connection (default 10,000 connections)",
    "  tasks           PATCH /api/tasks/{id} per second with 100 subscribers on task:* and stream:*, and the"
        + " latency from PATCH to their task.status_changed",
    "  loopback        no gateway: this machine's kernel cost of one small frame per write over loopback TCP"
        + " (--subscribers connections, --rate frames/s), the baseline of the delivery scenarios",
    "Micro-benchmarks: scripts/bench jmh [JMH options]. Each run prints a Markdown report; --json and --markdown"
        + " also write it. Exit status 3 when a guarantee was broken, 4 when events were still in flight at the"
        + " end (inconclusive).", ""})
public final class BenchMain implements Callable<Integer> {

    @Parameters(index = "0", description = "the scenario: fanout, many-topics, slow-consumers, churn, publish,"
        + " replay, idle, tasks or loopback")
    String scenario;

    @Mixin
    BenchOptions options = new BenchOptions();

    /**
     * Runs a scenario.
     *
     * @param args the scenario and options
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line: a value the scenario refuses ({@link IllegalArgumentException}, e.g. {@code --ramp} longer
     * than {@code --warmup}) is one line on standard error and exit status 2, like a wrong option, not a stack
     * trace.
     *
     * @return the command line, ready to execute
     */
    static CommandLine commandLine() {
        return new CommandLine(new BenchMain()).setOverwrittenOptionsAllowed(true)
            .setExecutionExceptionHandler((error, command, parsed) -> {
                if (error instanceof IllegalArgumentException) {
                    command.getErr().println("error: " + error.getMessage());
                    return 2;
                }
                throw error;
            });
    }

    @Override
    public Integer call() throws Exception {
        Report report = run(scenario, options);
        if (report == null) {
            System.err.println("error: unknown scenario '" + scenario + "'; see --help");
            return 2;
        }
        report.write(options);
        return report.exitCode();
    }

    /**
     * Runs a scenario.
     *
     * @param scenario its name
     * @param options the options
     * @return its report, or null when the scenario is unknown
     */
    static @Nullable Report run(String scenario, BenchOptions options) throws Exception {
        options.ramp(); // a wrong --ramp fails here, before any connection is opened
        Report report;
        if ("fanout".equals(scenario)) {
            report = new FanoutScenario(options).run();
        } else if ("many-topics".equals(scenario)) {
            report = new ManyTopicsScenario(options).run();
        } else if ("slow-consumers".equals(scenario)) {
            report = new SlowConsumersScenario(options).run();
        } else if ("churn".equals(scenario)) {
            report = new ChurnScenario(options).run();
        } else if ("replay".equals(scenario)) {
            report = new ReplayScenario(options).run();
        } else if ("publish".equals(scenario)) {
            report = new PublishScenario(options).run();
        } else if ("idle".equals(scenario)) {
            report = new IdleScenario(options).run();
        } else if ("tasks".equals(scenario)) {
            report = new TasksScenario(options).run();
        } else if ("loopback".equals(scenario)) {
            report = new LoopbackScenario(options).run();
        } else {
            return null;
        }
        return report;
    }
}
