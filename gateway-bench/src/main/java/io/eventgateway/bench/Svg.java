package io.eventgateway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A minimal SVG line chart: latency (p50 and p99, log scale) against delivered events per second, with the p99
 * bound drawn across, for the rising-rate {@code fanout} runs. No dependency: a few lines of SVG text.
 */
final class Svg {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 420;
    private static final int LEFT = 70;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    private Svg() {
    }

    /**
     * Writes the chart.
     *
     * @param file where
     * @param title the chart's title
     * @param rows the steps, in rising rate; rows without latency samples are left out
     * @param boundMs the p99 bound, drawn as a dashed line
     */
    static void latencyAgainstRate(Path file, String title, List<Report.Row> rows, double boundMs)
        throws IOException {
        double maxX = 1;
        double minY = Double.MAX_VALUE;
        double maxY = boundMs;
        for (Report.Row r : rows) {
            if (r.samples == 0) {
                continue;
            }
            maxX = Math.max(maxX, r.deliveriesPerSecond);
            minY = Math.min(minY, Math.max(0.01, r.p50Ms));
            maxY = Math.max(maxY, r.p99Ms);
        }
        double lo = Math.floor(Math.log10(Math.min(minY == Double.MAX_VALUE ? 1 : minY, boundMs)));
        double hi = Math.ceil(Math.log10(Math.max(maxY, boundMs * 1.01)));
        if (hi <= lo) {
            hi = lo + 1;
        }
        double xMax = niceCeiling(maxX * 1.05);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
            + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>%n", LEFT,
            escape(title)));
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        // Decade grid lines and labels on the log-scale latency axis.
        for (int d = (int) lo; d <= (int) hi; d++) {
            double y = y(Math.pow(10, d), lo, hi, plotH);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                LEFT, y, LEFT + plotW, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                LEFT - 6, y + 4, label(Math.pow(10, d))));
        }
        for (int i = 0; i <= 5; i++) {
            double value = xMax * i / 5;
            double x = LEFT + plotW * i / 5.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n",
                x, TOP, x, TOP + plotH));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x,
                TOP + plotH + 18, String.format(Locale.ROOT, "%,.0f", value)));
        }
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
            + " stroke=\"#555\"/>%n", LEFT, TOP, plotW, plotH));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">delivered events per"
            + " second</text>%n", LEFT + plotW / 2, HEIGHT - 16));
        s.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90"
            + " 16 %d)\">latency, ms (log scale)</text>%n", TOP + plotH / 2, TOP + plotH / 2));
        double by = y(boundMs, lo, hi, plotH);
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#c33\""
            + " stroke-dasharray=\"6 4\"/>%n", LEFT, by, LEFT + plotW, by));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" fill=\"#c33\" text-anchor=\"end\">p99 bound"
            + " %s ms</text>%n", LEFT + plotW - 4, by - 5, label(boundMs)));
        series(s, rows, true, "#1f77b4", lo, hi, xMax, plotW, plotH);
        series(s, rows, false, "#ff7f0e", lo, hi, xMax, plotW, plotH);
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"#1f77b4\"/>"
            + "<text x=\"%d\" y=\"%d\">p50</text>%n", LEFT + 10, TOP + 12, LEFT + 28, TOP + 17));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"#ff7f0e\"/>"
            + "<text x=\"%d\" y=\"%d\">p99</text>%n", LEFT + 70, TOP + 12, LEFT + 88, TOP + 17));
        s.append("</svg>\n");
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, s.toString(), StandardCharsets.UTF_8);
    }

    private static void series(StringBuilder s, List<Report.Row> rows, boolean p50, String color, double lo,
                               double hi, double xMax, int plotW, int plotH) {
        StringBuilder points = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        for (Report.Row r : rows) {
            if (r.samples == 0) {
                continue;
            }
            double x = LEFT + plotW * r.deliveriesPerSecond / xMax;
            double y = y(Math.max(Math.pow(10, lo), p50 ? r.p50Ms : r.p99Ms), lo, hi, plotH);
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y,
                color));
        }
        s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\""
            + " points=\"%s\"/>%n", color, points.toString().trim()));
        s.append(dots);
    }

    private static double y(double valueMs, double lo, double hi, int plotH) {
        double f = (Math.log10(valueMs) - lo) / (hi - lo);
        return TOP + plotH * (1 - Math.max(0, Math.min(1, f)));
    }

    private static double niceCeiling(double value) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String label(double ms) {
        return ms >= 1 ? String.format(Locale.ROOT, "%,.0f", ms) : String.format(Locale.ROOT, "%s", ms);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
