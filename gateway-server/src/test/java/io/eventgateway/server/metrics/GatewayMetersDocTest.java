package io.eventgateway.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** docs/METRICS.md lists exactly the meters of {@link GatewayMeters}, as {@link GatewayMeters#markdownTable()}. */
class GatewayMetersDocTest {

    private static final String START = "<!-- meters:start -->\n";
    private static final String END = "<!-- meters:end -->";

    static String documentedTable() throws IOException {
        // Surefire runs in the module's directory; the docs are one level up.
        String doc = Files.readString(Path.of("..", "docs", "METRICS.md"), StandardCharsets.UTF_8);
        int start = doc.indexOf(START);
        int end = doc.indexOf(END);
        assertThat(start).as("docs/METRICS.md has the meters:start marker").isNotNegative();
        assertThat(end).as("docs/METRICS.md has the meters:end marker").isGreaterThan(start);
        return doc.substring(start + START.length(), end);
    }

    @Test
    void theDocumentedTableIsTheEnumsTable() throws IOException {
        assertThat(documentedTable())
            .as("docs/METRICS.md is out of date: replace the table between the markers with"
                + " GatewayMeters.markdownTable()")
            .isEqualTo(GatewayMeters.markdownTable());
    }

    @Test
    void everyMeterHasOneRowAndUniqueNames() throws IOException {
        String table = documentedTable();
        Set<String> names = new HashSet<>();
        for (GatewayMeters meter : GatewayMeters.values()) {
            assertThat(table).contains("| `" + meter.prometheusName() + "` | `" + meter.meterName() + "` |");
            assertThat(names.add(meter.prometheusName())).as("unique " + meter.prometheusName()).isTrue();
            assertThat(meter.prometheusName()).matches("[a-z_][a-z0-9_]*");
            assertThat(meter.description()).isNotBlank().doesNotContain("|").doesNotContain("\n");
        }
        assertThat(table.lines().count()).isEqualTo(GatewayMeters.values().length + 2L);
    }
}
