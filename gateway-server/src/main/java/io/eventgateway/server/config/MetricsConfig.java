package io.eventgateway.server.config;

/**
 * {@code metrics.*}: whether the gateway keeps Micrometer meters and answers {@code GET /metrics}
 * (docs/METRICS.md lists every meter).
 *
 * @param enabled {@code metrics.enabled}, default true; false records nothing on any path and answers
 *     {@code /metrics} with 404 (the figure "metrics on against off" in docs/BENCHMARKS.md uses it)
 */
public record MetricsConfig(boolean enabled) {

    /**
     * The defaults.
     *
     * @return metrics enabled
     */
    public static MetricsConfig defaults() {
        return new MetricsConfig(true);
    }

    /**
     * A copy with metrics on or off.
     *
     * @param enabled default true
     * @return the copy
     */
    public MetricsConfig withEnabled(boolean enabled) {
        return new MetricsConfig(enabled);
    }
}
