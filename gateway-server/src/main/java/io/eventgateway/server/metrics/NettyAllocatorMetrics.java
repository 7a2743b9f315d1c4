package io.eventgateway.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.function.ToLongFunction;

/**
 * Gauges of the Netty buffer allocator the server's channels use ({@code ByteBufAllocator.DEFAULT}, the adaptive
 * allocator on Netty 4.2 unless {@code -Dio.netty.allocator.type} says otherwise), read at scrape time.
 *
 * <p>Why not reactor-netty's own allocator meters: they are registered only when a channel metrics recorder is
 * enabled on the server ({@code HttpServer.metrics(...)}), which also adds a handler that records every read and
 * every write of every connection, with tags per remote address: a cost per delivered frame that the gateway's
 * hot path must not pay (CONVENTIONS.md item 6). Netty's public {@link ByteBufAllocatorMetricProvider} gives the same
 * figures without it.
 */
final class NettyAllocatorMetrics implements MeterBinder {

    private final ByteBufAllocator allocator;

    NettyAllocatorMetrics(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    static String name(ByteBufAllocator allocator) {
        if (allocator instanceof PooledByteBufAllocator) {
            return "pooled";
        }
        if (allocator instanceof AdaptiveByteBufAllocator) {
            return "adaptive";
        }
        if (allocator instanceof UnpooledByteBufAllocator) {
            return "unpooled";
        }
        return allocator.getClass().getSimpleName();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (!(allocator instanceof ByteBufAllocatorMetricProvider)) {
            return;
        }
        String name = name(allocator);
        ByteBufAllocatorMetric metric = ((ByteBufAllocatorMetricProvider) allocator).metric();
        gauge(registry, GatewayMeters.NETTY_ALLOCATOR_MEMORY_USED, name, "heap", metric,
            ByteBufAllocatorMetric::usedHeapMemory);
        gauge(registry, GatewayMeters.NETTY_ALLOCATOR_MEMORY_USED, name, "direct", metric,
            ByteBufAllocatorMetric::usedDirectMemory);
        if (allocator instanceof PooledByteBufAllocator) {
            PooledByteBufAllocator pooled = (PooledByteBufAllocator) allocator;
            gauge(registry, GatewayMeters.NETTY_ALLOCATOR_MEMORY_PINNED, name, "heap", pooled,
                PooledByteBufAllocator::pinnedHeapMemory);
            gauge(registry, GatewayMeters.NETTY_ALLOCATOR_MEMORY_PINNED, name, "direct", pooled,
                PooledByteBufAllocator::pinnedDirectMemory);
            gauge(registry, GatewayMeters.NETTY_ALLOCATOR_ARENAS, name, "heap", pooled,
                p -> p.metric().numHeapArenas());
            gauge(registry, GatewayMeters.NETTY_ALLOCATOR_ARENAS, name, "direct", pooled,
                p -> p.metric().numDirectArenas());
        }
    }

    private static <T> void gauge(MeterRegistry registry, GatewayMeters meter, String allocator, String area, T source,
                                  ToLongFunction<T> value) {
        Gauge.builder(meter.meterName(), source, s -> value.applyAsLong(s))
            .description(meter.description())
            .baseUnit(meter.baseUnit())
            .tag("allocator", allocator)
            .tag("area", area)
            .strongReference(true)
            .register(registry);
    }
}
