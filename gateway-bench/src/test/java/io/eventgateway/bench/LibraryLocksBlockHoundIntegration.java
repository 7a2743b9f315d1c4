package io.eventgateway.bench;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * BlockHound in the bench's test JVMs (loaded by {@code ServiceLoader}), where the smoke tests run the gateway and
 * the load generator in one JVM, so both sides' event loops share Netty's allocator and Jackson's caches. Two short
 * locks inside those libraries are then contended, and BlockHound reports the park (seen in ScenariosIT's publish
 * run, about one run in three, each time answered 500 by the gateway):
 * <ul>
 *   <li>Netty 4.2's {@code AdaptivePoolingAllocator} takes a {@code StampedLock} when it expands its magazines
 *       (the same allowance as gateway-client's {@code NettyAllocatorBlockHoundIntegration}; Armeria does the same,
 *       line/armeria#6344);</li>
 *   <li>Jackson's {@code DeserializerCache} takes a {@code ReentrantLock} the first time it builds a deserializer
 *       (the gateway's first {@code POST /api/events} parse, on an event loop, while another loop parses too).</li>
 * </ul>
 * Both are synchronization inside the library, not I/O, and happen on first use or under allocator contention.
 */
public final class LibraryLocksBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator", "allocate");
        builder.allowBlockingCallsInside("com.fasterxml.jackson.databind.deser.DeserializerCache",
            "_createAndCacheValueDeserializer");
    }
}
