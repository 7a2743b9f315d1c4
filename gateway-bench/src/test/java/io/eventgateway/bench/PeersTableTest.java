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
}
