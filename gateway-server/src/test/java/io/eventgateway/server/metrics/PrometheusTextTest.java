package io.eventgateway.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The test parser itself: it must accept the format and refuse what breaks it, or the ITs prove nothing. */
class PrometheusTextTest {

    private static final String VALID = "# HELP a_total A counter.\n# TYPE a_total counter\n"
        + "a_total{code=\"X\",path=\"q\\\"\\\\n\"} 3.0\n"
        + "# TYPE h_seconds histogram\nh_seconds_bucket{le=\"0.1\"} 1\nh_seconds_bucket{le=\"+Inf\"} 2\n"
        + "h_seconds_count 2\nh_seconds_sum 0.3\n# TYPE g gauge\ng NaN\n";

    @Test
    void aValidExpositionParsesWithItsLabelsAndValues() {
        PrometheusText text = PrometheusText.parse(VALID);

        assertThat(text.families()).containsEntry("a_total", "counter").containsEntry("h_seconds", "histogram");
        assertThat(text.value("a_total", Map.of("code", "X", "path", "q\"\\n"))).isEqualTo(3.0);
        assertThat(text.value("h_seconds_count", Map.of())).isEqualTo(2);
        assertThat(text.samples("g")).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a_total 1\n",
        "# TYPE a_total counter\nb_total 1\n",
        "# TYPE a counter\na{code=X} 1\n",
        "# TYPE a counter\na{1code=\"X\"} 1\n",
        "# TYPE a counter\na one\n",
        "# TYPE a counter\na 1",
        "# TYPE a gauge\n# TYPE a gauge\na 1\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_count 3\nh_sum 1\n",
        "# TYPE a counter\n\na 1\n",
    })
    void brokenExpositionsAreRefused(String text) {
        assertThatThrownBy(() -> PrometheusText.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
