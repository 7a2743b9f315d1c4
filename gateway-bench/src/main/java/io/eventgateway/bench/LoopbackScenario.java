package io.eventgateway.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * {@code loopback}: what one small frame costs this machine's kernel, without a gateway, a JVM framework or a
 * WebSocket codec: a writer thread writes {@value #FRAME_BYTES}-byte frames (the size of a many-topics event frame)
 * one {@code write} each, round robin over {@code --subscribers} loopback TCP connections (default 1,000), on an
 * open-loop schedule of {@code --rate} frames/s (default 50,000, the many-topics load); a reader thread waits on a
 * {@link Selector} and reads them. Reported: the frames/s delivered and each thread's CPU per frame, user and
 * kernel.
 *
 * <p>Why: the delivery scenarios at a few events per connection per second cost one {@code write} per delivery,
 * and on loopback the writer also runs the receiver's TCP path, so most of the gateway's CPU there is the kernel's
 * (0.84-0.91 of a core at 50,000 deliveries/s on one machine, about half that on another, with the same build).
 * This baseline, measured on the machine of a run, tells which share of a difference between machines is theirs.
 */
final class LoopbackScenario {

    /** A many-topics event frame: 296 bytes at most. */
    static final int FRAME_BYTES = 296;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final BenchOptions options;

    LoopbackScenario(BenchOptions options) {
        this.options = options;
    }

    Report run() throws IOException, InterruptedException {
        int connections = options.subscribers(1000);
        int rate = options.rate(50_000);
        if (connections < 1 || rate < 1 || options.seconds < 1) {
            throw new IllegalArgumentException("loopback needs --subscribers, --rate and --seconds of at least 1,"
                + " got " + connections + ", " + rate + " and " + options.seconds);
        }
        Generator.checkOpenFileLimit(2 * connections + 10);
        Report report = new Report("loopback");
        report.measuresServer = false;
        report.target = "none: " + connections + " loopback TCP connections inside the bench's JVM (TCP_NODELAY)";
        report.machine.frameBytes = FRAME_BYTES;
        report.parameters.put("connections", connections);
        report.parameters.put("frames/s asked", rate);
        report.parameters.put("seconds", options.seconds);
        Measured m = measure(connections, rate, TimeUnit.SECONDS.toNanos(options.seconds));
        report.results.put("frames/s delivered", m.framesPerSecond());
        report.results.put("writes refused (socket buffer full)", m.refused);
        report.results.put("writer CPU per frame, us (user + kernel)", m.perFrame(m.writerUser + m.writerKernel));
        report.results.put("writer CPU per frame, us kernel", m.perFrame(m.writerKernel));
        report.results.put("reader CPU per frame, us (user + kernel)", m.perFrame(m.readerUser + m.readerKernel));
        report.results.put("reader CPU per frame, us kernel", m.perFrame(m.readerKernel));
        report.results.put("writer + reader, cores", (m.writerUser + m.writerKernel + m.readerUser + m.readerKernel)
            / (double) m.elapsedNanos);
        report.notes.add("one write per frame, as the gateway does when a connection has one event due at a time;"
            + " on loopback the writer's write also runs the receiver's TCP path, so the writer's kernel time is the"
            + " floor of a server's CPU per delivery on this machine");
        if (m.frames != m.written) {
            report.notes.add(String.format(Locale.ROOT, "%,d frames written, %,d read within 5 s of the end",
                m.written, m.frames));
        }
        if (m.framesPerSecond() < 0.9 * rate) {
            report.notes.add(String.format(Locale.ROOT, "the machine delivered %,.0f of the %,d frames/s asked: the"
                + " figures per frame are at this machine's limit, not at the rate asked", m.framesPerSecond(), rate));
        }
        report.machine.loadAverageAtEnd = ProcStats.loadAverage();
        return report;
    }

    /** Frames written by the writer and read by the reader; CPU times in nanoseconds. */
    record Measured(long written, long frames, long refused, long elapsedNanos, long writerUser, long writerKernel,
                    long readerUser, long readerKernel) {

        double framesPerSecond() {
            return frames * 1e9 / elapsedNanos;
        }

        double perFrame(long nanos) {
            return frames == 0 ? 0 : nanos / 1000.0 / frames;
        }
    }

    /**
     * Opens the connections, runs the writer and the reader for {@code durationNanos}, lets the reader take what
     * is still in flight, and closes everything.
     */
    static Measured measure(int connections, int rate, long durationNanos) throws IOException, InterruptedException {
        List<SocketChannel> writers = new ArrayList<>();
        List<SocketChannel> readers = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open();
             Selector selector = Selector.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0), connections);
            for (int i = 0; i < connections; i++) {
                SocketChannel client = SocketChannel.open(server.getLocalAddress());
                readers.add(client);
                SocketChannel accepted = server.accept();
                writers.add(accepted);
                accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
                accepted.configureBlocking(false);
                client.configureBlocking(false);
                client.register(selector, SelectionKey.OP_READ);
            }
            Reader reader = new Reader(selector);
            Writer writer = new Writer(writers, rate, durationNanos);
            Thread readerThread = new Thread(reader, "bench-loopback-reader");
            Thread writerThread = new Thread(writer, "bench-loopback-writer");
            readerThread.setDaemon(true);
            writerThread.setDaemon(true);
            long start = System.nanoTime();
            readerThread.start();
            writerThread.start();
            writerThread.join();
            long expectedBytes = writer.written * (long) FRAME_BYTES;
            long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (reader.bytes < expectedBytes && System.nanoTime() < drainDeadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            long elapsed = System.nanoTime() - start;
            reader.stop = true;
            selector.wakeup();
            readerThread.join(TimeUnit.SECONDS.toMillis(5));
            IOException failed = reader.failure != null ? reader.failure : writer.failure;
            if (failed != null) {
                throw failed;
            }
            return new Measured(writer.written, reader.bytes / FRAME_BYTES, writer.refused, elapsed,
                writer.cpu[0], writer.cpu[1], reader.cpu[0], reader.cpu[1]);
        } finally {
            for (SocketChannel c : writers) {
                c.close();
            }
            for (SocketChannel c : readers) {
                c.close();
            }
        }
    }

    /** The calling thread's user and kernel CPU time, nanoseconds. */
    private static long[] threadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = threads.getCurrentThreadCpuTime();
        long user = threads.getCurrentThreadUserTime();
        return new long[] {user, total - user};
    }

    /** Writes {@code rate} frames/s round robin, a tick's worth every millisecond, on the schedule (open loop). */
    private static final class Writer implements Runnable {

        private final List<SocketChannel> channels;
        private final int rate;
        private final long durationNanos;
        volatile long written;
        volatile long refused;
        volatile long[] cpu = {0, 0};
        volatile @Nullable IOException failure;

        Writer(List<SocketChannel> channels, int rate, long durationNanos) {
            this.channels = channels;
            this.rate = rate;
            this.durationNanos = durationNanos;
        }

        @Override
        public void run() {
            ByteBuffer frame = ByteBuffer.allocateDirect(FRAME_BYTES);
            long[] cpu0 = threadCpu();
            long start = System.nanoTime();
            long due = 0;
            long sent = 0;
            long skipped = 0;
            int next = 0;
            try {
                for (long tick = start; tick - start < durationNanos; tick += TICK_NANOS) {
                    long now = System.nanoTime();
                    if (tick > now) {
                        LockSupport.parkNanos(tick - now);
                    }
                    due = rate * (tick + TICK_NANOS - start) / TimeUnit.SECONDS.toNanos(1);
                    while (sent + skipped < due) {
                        frame.clear();
                        if (channels.get(next).write(frame) == FRAME_BYTES) {
                            sent++;
                        } else if (frame.position() == 0) {
                            skipped++;
                        } else {
                            throw new IOException("a partial write of " + frame.position() + " bytes");
                        }
                        next = next + 1 == channels.size() ? 0 : next + 1;
                    }
                }
            } catch (IOException e) {
                failure = e;
            }
            long[] cpu1 = threadCpu();
            cpu = new long[] {cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]};
            refused = skipped;
            written = sent;
        }
    }

    /** Reads whatever is ready until stopped. */
    private static final class Reader implements Runnable {

        private final Selector selector;
        volatile boolean stop;
        volatile long bytes;
        volatile long[] cpu = {0, 0};
        volatile @Nullable IOException failure;

        Reader(Selector selector) {
            this.selector = selector;
        }

        @Override
        public void run() {
            ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
            long[] cpu0 = threadCpu();
            long read = 0;
            try {
                while (!stop) {
                    selector.select(100);
                    Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                    while (ready.hasNext()) {
                        SelectionKey key = ready.next();
                        ready.remove();
                        int n;
                        do {
                            buffer.clear();
                            n = ((SocketChannel) key.channel()).read(buffer);
                            read += Math.max(0, n);
                        } while (n == buffer.capacity());
                    }
                    bytes = read;
                }
            } catch (IOException e) {
                failure = e;
            }
            long[] cpu1 = threadCpu();
            cpu = new long[] {cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]};
        }
    }
}
