package io.eventgateway.client;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * BlockHound in this module's test JVMs (loaded by {@code ServiceLoader}): Netty 4.2's
 * {@code AdaptivePoolingAllocator.allocate} takes a {@code StampedLock} when it expands its magazines under
 * contention, which BlockHound reports as a blocking park on an event loop. It is short synchronization inside the
 * allocator, not I/O; Armeria allows it the same way (line/armeria#6344). It made OverflowResyncIT fail once in
 * about twenty runs, on a gateway event loop reading a large POST.
 */
public final class NettyAllocatorBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator", "allocate");
    }
}
