package io.eventgateway.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import java.io.File;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code scripts/bench SCENARIO [options]}. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Load generator for the Event Gateway. Scenarios: fanout (1 topic x N subscribers),"
        + " publish (durable append throughput against plain sqlite-jdbc), replay (a reconnect storm with since).")
public final class BenchMain implements Callable<Integer> {

    @Parameters(index = "0", description = "the scenario: fanout, publish or replay")
    String scenario;

    @Mixin
    BenchOptions options = new BenchOptions();

    /**
     * Runs a scenario.
     *
     * @param args the scenario and options
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Report report;
        if ("fanout".equals(scenario)) {
            report = new FanoutScenario(options).run();
        } else if ("replay".equals(scenario)) {
            System.out.print(new ReplayScenario(options).run());
            return 0;
        } else if ("publish".equals(scenario)) {
            System.out.print(new PublishScenario(options).run());
            return 0;
        } else {
            System.err.println("error: unknown scenario '" + scenario + "'; see --help");
            return 2;
        }
        System.out.println(Report.markdownHeader());
        System.out.println(report.markdown());
        if (options.json != null) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
            mapper.writeValue(new File(options.json), report);
        }
        return report.unannounced == 0 && report.duplicates == 0 && report.orderViolations == 0 ? 0 : 3;
    }
}
