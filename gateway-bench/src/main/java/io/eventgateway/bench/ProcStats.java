package io.eventgateway.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Process and thread figures from {@code /proc}: CPU time (utime + stime, in seconds), resident memory, the
 * open-file limit and the load average. Every reader answers -1 (or empty) when the file cannot be read.
 */
final class ProcStats {

    /** ZGC's threads: Z, then a capitalised word ({@code ZWorker#0}, {@code ZDriver}, {@code ZUncommitter}). */
    private static final Pattern GC_THREAD_Z = Pattern.compile("Z[A-Z][a-z]");

    /** USER_HZ, the unit of the times in {@code /proc/PID/stat}: 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcStats() {
    }

    static double cpuSeconds(long pid) {
        return statCpu(Path.of("/proc/" + pid + "/stat"));
    }

    /**
     * CPU seconds the whole machine spent busy since boot (all cores; user, nice, system, irq, softirq and steal
     * time from the first line of {@code /proc/stat}).
     *
     * @return the seconds, or -1
     */
    static double machineBusySeconds() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = first.trim().split("\\s+");
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                + Long.parseLong(f[7]) + (f.length > 8 ? Long.parseLong(f[8]) : 0);
            return busy / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The number of CPUs this process may use. */
    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** {@code /proc/loadavg}'s three averages, e.g. {@code 1.52 1.31 0.98}, or "unknown". */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The soft limit on open files of a process, or -1. */
    static long maxOpenFiles(long pid) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/limits"));
            for (String line : lines) {
                if (line.startsWith("Max open files")) {
                    String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
                    return "unlimited".equals(fields[0]) ? Long.MAX_VALUE : Long.parseLong(fields[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * CPU seconds of every thread of a process, by thread id.
     *
     * @param pid the process
     * @return thread id to its name (as {@code /proc} truncates it, 15 characters) and CPU seconds
     */
    static Map<Long, ThreadCpu> threads(long pid) {
        Map<Long, ThreadCpu> threads = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(open + 1, close);
                    threads.put(Long.parseLong(task.getFileName().toString()), new ThreadCpu(name, parseCpu(stat)));
                } catch (IOException | RuntimeException e) {
                    // The thread ended while the directory was read.
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return threads;
    }

    /**
     * The busiest thread between two samples whose name starts with a prefix (any thread for "").
     *
     * @param before the first sample
     * @param after the second sample
     * @param prefix the name prefix
     * @param seconds the wall time between the samples
     * @return the thread's name and its share of one core, or a name of "-" and -1 when none matched
     */
    static ThreadCpu busiest(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after, String prefix,
                             double seconds) {
        ThreadCpu best = new ThreadCpu("-", -1);
        for (Map.Entry<Long, ThreadCpu> entry : after.entrySet()) {
            ThreadCpu now = entry.getValue();
            if (!now.name().startsWith(prefix)) {
                continue;
            }
            double used = cpuSince(before, entry) / seconds;
            if (used > best.seconds()) {
                best = new ThreadCpu(now.name(), used);
            }
        }
        return best;
    }

    /**
     * Whether a thread is one of the JVM's garbage-collector threads, by the names HotSpot 17 gives them (as listed
     * in {@code /proc/PID/task/}): ZGC's ({@code ZWorker#0}, {@code ZDriver}, {@code ZDirector}, {@code ZStat},
     * {@code ZUnmapper}, {@code ZUncommitter}, and {@code RuntimeWorker#0}, its pause-time workers), G1's
     * ({@code G1 Conc#0}, {@code G1 Refine#0}, {@code G1 Main Marker}, {@code G1 Service}) and the parallel
     * workers of G1 and Parallel ({@code GC Thread#0}). What the collector makes the application's own threads do
     * (ZGC's load barriers relocating an object, G1's write barriers) is not in it.
     */
    static boolean isGcThread(String name) {
        return name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("RuntimeWorker")
            || GC_THREAD_Z.matcher(name).lookingAt();
    }

    /**
     * The CPU of every thread whose name passes a test between two samples, in cores.
     *
     * @param before the first sample
     * @param after the second sample
     * @param name which threads count
     * @param seconds the wall time between the samples
     * @return their summed share of one core
     */
    static double share(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after, Predicate<String> name,
                        double seconds) {
        double used = 0;
        for (Map.Entry<Long, ThreadCpu> entry : after.entrySet()) {
            if (name.test(entry.getValue().name())) {
                used += cpuSince(before, entry);
            }
        }
        return used / seconds;
    }

    /** A thread's CPU seconds since the first sample; a thread started after it counts from zero. */
    static double cpuSince(Map<Long, ThreadCpu> before, Map.Entry<Long, ThreadCpu> after) {
        ThreadCpu then = before.get(after.getKey());
        return after.getValue().seconds() - (then == null ? 0 : then.seconds());
    }

    private static double statCpu(Path path) {
        try {
            return parseCpu(Files.readString(path));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static double parseCpu(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(fields[11]);
        long stime = Long.parseLong(fields[12]);
        return (utime + stime) / TICKS_PER_SECOND;
    }

    /**
     * A thread's name and CPU seconds (or, from {@link #busiest}, its share of a core).
     *
     * @param name the thread's name as {@code /proc} shows it
     * @param seconds CPU seconds, or a share of one core
     */
    record ThreadCpu(String name, double seconds) {
    }
}
