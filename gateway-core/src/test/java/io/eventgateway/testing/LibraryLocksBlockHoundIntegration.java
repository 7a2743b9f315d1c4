package io.eventgateway.testing;

import java.util.concurrent.ThreadPoolExecutor;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What BlockHound allows in every test JVM of the project (loaded by {@code ServiceLoader} from gateway-core's test
 * jar): short locks inside libraries, taken on a non-blocking thread, that BlockHound reports as a park when another
 * thread holds them for a moment. None is I/O or a wait for work; each was seen failing a test:
 * <ul>
 *   <li>Netty 4.2's {@code AdaptivePoolingAllocator} takes a {@code StampedLock} when it expands its magazines under
 *       contention (a gateway event loop reading a large POST; Armeria allows it the same way, line/armeria#6344);
 *   <li>Jackson's {@code DeserializerCache} takes a {@code ReentrantLock} the first time it builds a deserializer,
 *       when two event loops parse at once;
 *   <li>a {@link ThreadPoolExecutor} (under every Reactor scheduler) takes its queue's or its own lock to cancel a
 *       task ({@code remove}, when a connection's heartbeat or idle timer is disposed on its event loop as it
 *       closes) and to stop ({@code shutdown}, {@code shutdownNow}, when the gateway disposes its dispatcher at the
 *       end of its shutdown). Reactor's own integration allows the queue's {@code offer} and {@code take} for the
 *       same reason, not these. Left flagged, they broke more than the one test: BlockHound throws from inside
 *       {@code ReentrantLock.lock}, after the thread has queued for the lock, and the abandoned queue node keeps
 *       every later caller waiting, so that executor never ran a delayed task again and every later test with a
 *       timeout on {@code Schedulers.parallel()} hung (ConnectionLimitsIT, RetentionIT).
 * </ul>
 *
 * <p>Every blocking call it does catch is also printed with its stack, before the error is thrown: the code under
 * test may swallow the error (a connection that ends on it, a callback's error handler), and a test then fails
 * later, as a frame that never came, far from the cause.
 */
public final class LibraryLocksBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.blockingMethodCallback(method -> {
            BlockingOperationError error = new BlockingOperationError(method);
            System.err.println("BlockHound: a blocking call on the non-blocking thread "
                + Thread.currentThread().getName() + ": " + method);
            error.printStackTrace();
            throw error;
        });
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator", "allocate");
        builder.allowBlockingCallsInside("com.fasterxml.jackson.databind.deser.DeserializerCache",
            "_createAndCacheValueDeserializer");
        for (String method : new String[] {"remove", "shutdown", "shutdownNow"}) {
            builder.allowBlockingCallsInside(ThreadPoolExecutor.class.getName(), method);
        }
    }
}
