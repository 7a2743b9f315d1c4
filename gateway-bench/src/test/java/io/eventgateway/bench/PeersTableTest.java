package io.eventgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class PeersTableTest {

    private static JsonNode report(String server, double deliveries, double p99, double cpu, long duplicates)
        throws Exception {
        return Report.json().readTree("{\"target\":\"" + server + " at 127.0.0.1:1234\",\"machine\":"
            + "{\"loadAverageAtStart\":\"0.50 0.40 0.30\"},\"rows\":[{\"label\":\"warm-up\",\"steady\":false,"
            + "\"deliveriesPerSecond\":1},{\"label\":\"steady\",\"steady\":true,\"deliveriesPerSecond\":" + deliveries
            + ",\"p50Ms\":1,\"p99Ms\":" + p99 + ",\"p999Ms\":9,\"gatewayCpu\":" + cpu + ",\"generatorCpu\":0.5,"
            + "\"otherCpu\":0.1}],\"correctness\":{\"received\":1000,\"duplicates\":" + duplicates + "}}");
    }

    @Test
    void printsEachServersMedianOfTheSteadyWindowsWithItsRatioToTheGateway() throws Exception {
        PeersTable table = new PeersTable();
        table.add("gateway-1.json", report("gateway", 100_000, 4, 0.5, 0));
        table.add("gateway-2.json", report("gateway", 100_000, 2, 0.4, 0));
        table.add("gateway-3.json", report("gateway", 100_000, 3, 0.6, 0));
        table.add("nats-1.json", report("nats", 100_000, 1.5, 0.25, 0));
        table.add("node-ws-1.json", report("node-ws", 50_000, 30, 1.0, 2));
        String md = table.markdown();
        assertThat(md).contains("| gateway | 3 | 100,000 (1.00) | 1.00 (1.00) | 3.00 (1.00) | 9.00 (1.00) | 0.50 (1.00)"
            + " | 5.00 (1.00) | 0.50 | OK: 3,000 received, 0 missing, 0 duplicates");
        assertThat(md).contains("| nats | 1 | 100,000 (1.00) | 1.00 (1.00) | 1.50 (0.50) | 9.00 (1.00) | 0.25 (0.50)"
            + " | 2.50 (0.50) |");
        assertThat(md).contains("| node-ws | 1 | 50,000 (0.50) |").contains("FAILED: 1,000 received, 0 missing,"
            + " 2 duplicates");
        assertThat(md).contains("| gateway | gateway-2.json | 0.50 0.40 0.30 | 100,000 | 1.00 | 2.00 |");
    }

    private static JsonNode rise(String server, String stopped, Double knee) throws Exception {
        return Report.json().readTree("{\"target\":\"" + server + " at 127.0.0.1:1234\",\"rows\":["
            + "{\"label\":\"100/s\",\"steady\":true,\"targetRate\":100,\"deliveriesPerSecond\":10000,\"p99Ms\":5},"
            + "{\"label\":\"200/s\",\"steady\":true,\"targetRate\":200,\"deliveriesPerSecond\":20000,\"p99Ms\":9},"
            + "{\"label\":\"300/s\",\"steady\":true,\"targetRate\":300,\"deliveriesPerSecond\":30000,\"p99Ms\":80}],"
            + "\"results\":{\"stopped because\":\"" + stopped + "\""
            + (knee == null ? "" : ",\"" + PeersTable.KNEE_RATE + "\":" + knee) + "},\"correctness\":{}}");
    }

    @Test
    void aRisingRunIsComparedAtItsKneeNotAtTheStepThatPassedTheBound() throws Exception {
        PeersTable table = new PeersTable();
        table.add("gateway-1.json", rise("gateway", "p99 80 ms passed the 50 ms bound", 200.0));
        table.add("nats-1.json", rise("nats", "reached --rate-max 300", 300.0));
        table.add("node-ws-1.json", rise("node-ws", "p99 80 ms passed the 50 ms bound", null));
        String md = table.markdown();
        assertThat(md).contains("| gateway | 1 | 20,000 (1.00) |").contains("| nats | 1 | 30,000 (1.50) |");
        assertThat(md).contains("| gateway | gateway-1.json | ? | 20,000 | -1.00 | 9.00 |")
            .contains("| knee  |")
            .contains("knee: never passed the bound up to --rate-max")
            .contains("no knee: the first step passed the bound");
    }
}
