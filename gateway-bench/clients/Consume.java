import io.eventgateway.client.Event;
import io.eventgateway.client.GatewayClient;
import io.eventgateway.client.SubscribeSpec;
import java.util.concurrent.CountDownLatch;

/**
 * One Java-client consumer for scripts/bench-clients (see run.py), the same as consume.mjs: subscribes to PATTERN
 * after SINCE and prints, as JSON lines, when it subscribed, every event that ends a pause of PAUSE_MS or more, and
 * a summary once COUNT events arrived (0: never). Run with the source launcher on gateway-client's class path.
 */
public final class Consume {

    private long received;
    private long duplicates;
    private long gaps;
    private long last = -1;
    private long firstAt;
    private long lastAt;

    public static void main(String[] args) throws InterruptedException {
        new Consume().run(args[0], args[1], Long.parseLong(args[2]), Long.parseLong(args[3]),
            args.length > 4 ? Long.parseLong(args[4]) : 300);
    }

    private void run(String url, String pattern, long count, long since, long pauseMs) throws InterruptedException {
        GatewayClient client = GatewayClient.builder().baseUrl(url).build();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println(summary())));
        client.subscribe(SubscribeSpec.builder().patterns(pattern).since(since).build())
            .subscribe(e -> {
                onEvent(e, pauseMs);
                if (count > 0 && received == count) {
                    done.countDown();
                }
            }, error -> {
                System.err.println("subscription failed: " + error);
                done.countDown();
            });
        System.out.println("{\"kind\":\"ready\",\"atMs\":" + System.currentTimeMillis() + "}");
        done.await();
        System.exit(0);
    }

    private synchronized void onEvent(Event e, long pauseMs) {
        long now = System.currentTimeMillis();
        long seq = e.seq();
        if (last >= 0 && seq <= last) {
            duplicates++;
            return;
        }
        if (last >= 0 && seq != last + 1) {
            gaps += seq - last - 1;
        }
        if (received > 0 && now - lastAt >= pauseMs) {
            System.out.println("{\"kind\":\"resumed\",\"seq\":" + seq + ",\"atMs\":" + now + ",\"pauseMs\":"
                + (now - lastAt) + "}");
        }
        if (received == 0) {
            firstAt = now;
        }
        received++;
        last = seq;
        lastAt = now;
    }

    private synchronized String summary() {
        return "{\"kind\":\"done\",\"received\":" + received + ",\"firstAtMs\":" + firstAt + ",\"lastAtMs\":" + lastAt
            + ",\"duplicates\":" + duplicates + ",\"gaps\":" + gaps + ",\"lastSeq\":" + last + "}";
    }
}
