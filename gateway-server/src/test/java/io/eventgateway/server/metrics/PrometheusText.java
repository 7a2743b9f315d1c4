package io.eventgateway.server.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: every line must be a {@code # HELP},
 * a {@code # TYPE} or a sample of the family whose {@code # TYPE} came last (with the suffixes its type allows),
 * metric and label names must be valid, label values properly escaped, values numbers, and histogram buckets
 * cumulative with a {@code +Inf} bucket equal to {@code _count}. Anything else throws with the line.
 */
public final class PrometheusText {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern TYPE = Pattern.compile("# TYPE (\\S+) (counter|gauge|histogram|summary|untyped)");
    private static final Pattern HELP = Pattern.compile("# HELP (\\S+)(?: (.*))?");

    private final Map<String, String> types = new LinkedHashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    /**
     * One sample line.
     *
     * @param name the sample name, e.g. {@code gateway_errors_total}
     * @param labels its labels, in order
     * @param value its value
     * @param family the family it belongs to
     */
    public record Sample(String name, Map<String, String> labels, double value, String family) {
    }

    private PrometheusText() {
    }

    /**
     * Parses a whole exposition.
     *
     * @param text the body of {@code GET /metrics}
     * @return the parsed families and samples
     * @throws IllegalArgumentException naming the first line that breaks the format
     */
    public static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        String family = null;
        String[] lines = text.split("\n", -1);
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("the text must end with a newline");
        }
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            try {
                if (line.startsWith("# TYPE ")) {
                    Matcher m = TYPE.matcher(line);
                    require(m.matches(), "bad TYPE line");
                    require(NAME.matcher(m.group(1)).matches(), "bad family name");
                    require(!parsed.types.containsKey(m.group(1)), "family declared twice");
                    parsed.types.put(m.group(1), m.group(2));
                    family = m.group(1);
                } else if (line.startsWith("# HELP ")) {
                    Matcher m = HELP.matcher(line);
                    require(m.matches() && NAME.matcher(m.group(1)).matches(), "bad HELP line");
                } else if (line.startsWith("#")) {
                    continue;
                } else {
                    require(!line.isEmpty(), "empty line");
                    require(family != null, "a sample before any TYPE line");
                    parsed.samples.add(parsed.sample(line, Objects.requireNonNull(family)));
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + " '" + line + "': " + e.getMessage(), e);
            }
        }
        parsed.checkHistograms();
        return parsed;
    }

    private Sample sample(String line, String family) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        require(NAME.matcher(name).matches(), "bad metric name");
        String type = types.get(family);
        require(belongs(name, family, type), "sample " + name + " outside its family " + family + " (" + type + ")");
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                require(eq > i, "bad label");
                String label = line.substring(i, eq);
                require(LABEL_NAME.matcher(label).matches(), "bad label name " + label);
                require(line.charAt(eq + 1) == '"', "label value not quoted");
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (;; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        require(next == '\\' || next == '"' || next == 'n', "bad escape");
                        value.append(next == 'n' ? '\n' : next);
                    } else if (c == '"') {
                        break;
                    } else {
                        value.append(c);
                    }
                }
                require(labels.put(label, value.toString()) == null, "label twice");
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        require(i < line.length() && line.charAt(i) == ' ', "no value");
        String[] rest = line.substring(i + 1).split(" ");
        require(rest.length == 1 || rest.length == 2, "bad value or timestamp");
        return new Sample(name, labels, number(rest[0]), family);
    }

    private static boolean belongs(String name, String family, String type) {
        switch (type) {
            case "histogram":
                return name.equals(family + "_bucket") || name.equals(family + "_count")
                    || name.equals(family + "_sum");
            case "summary":
                return name.equals(family) || name.equals(family + "_count") || name.equals(family + "_sum");
            default:
                return name.equals(family);
        }
    }

    private static double number(String text) {
        switch (text) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                return Double.parseDouble(text);
        }
    }

    private void checkHistograms() {
        for (Map.Entry<String, String> family : types.entrySet()) {
            if (!family.getValue().equals("histogram")) {
                continue;
            }
            String name = family.getKey();
            // Per series (the labels without le): buckets in increasing le, cumulative, +Inf equal to _count.
            Map<Map<String, String>, double[]> series = new LinkedHashMap<>();
            for (Sample s : samples) {
                if (!s.name().equals(name + "_bucket")) {
                    continue;
                }
                String le = s.labels().get("le");
                require(le != null, name + " bucket without le");
                Map<String, String> key = new LinkedHashMap<>(s.labels());
                key.remove("le");
                double[] state = series.computeIfAbsent(key, k -> new double[] {0, -1});
                require(s.value() >= state[0], name + " buckets are not cumulative");
                state[0] = s.value();
                if (le.equals("+Inf")) {
                    state[1] = s.value();
                }
            }
            require(!series.isEmpty(), name + " has no buckets");
            for (Map.Entry<Map<String, String>, double[]> e : series.entrySet()) {
                require(e.getValue()[1] >= 0, name + e.getKey() + " has no +Inf bucket");
                require(e.getValue()[1] == value(name + "_count", e.getKey()),
                    name + e.getKey() + " +Inf bucket differs from _count");
            }
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * The declared families and their types.
     *
     * @return family name to type, in order
     */
    public Map<String, String> families() {
        return types;
    }

    /**
     * Every sample.
     *
     * @return the samples, in order
     */
    public List<Sample> samples() {
        return samples;
    }

    /**
     * The value of the sample with this name and exactly these labels.
     *
     * @param name the sample name
     * @param labels its labels
     * @return the value, or -1 when there is no such sample
     */
    public double value(String name, Map<String, String> labels) {
        Sample found = find(name, labels);
        return found == null ? -1 : found.value();
    }

    private @Nullable Sample find(String name, Map<String, String> labels) {
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().equals(labels)) {
                return s;
            }
        }
        return null;
    }

    /**
     * The samples of a name, whatever their labels.
     *
     * @param name the sample name
     * @return them
     */
    public List<Sample> samples(String name) {
        List<Sample> list = new ArrayList<>();
        for (Sample s : samples) {
            if (s.name().equals(name)) {
                list.add(s);
            }
        }
        return list;
    }
}
