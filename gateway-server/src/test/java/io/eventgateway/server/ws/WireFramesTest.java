package io.eventgateway.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.eventgateway.event.Event;
import io.eventgateway.topic.Topic;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The frames {@link WireFrames} builds are what Netty's own decoder reads back (RFC 6455 section 5.2, each length
 * encoding), and its cache shares a frame per event and releases what it replaces.
 */
class WireFramesTest {

    /** Unpooled, so a duplicate's reference count is its frame's (a pooled duplicate counts its own). */
    private static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true);

    private static Event event(long seq, int padding) {
        return new Event(seq, Topic.parse("task:T-1"), "test.tick", Instant.EPOCH,
            JsonNodeFactory.instance.objectNode().put("pad", "x".repeat(padding)));
    }

    /** Netty's client-side reading of a server frame: unmasked, any length up to 1 MiB. */
    private static TextWebSocketFrame decode(ByteBuf wire) {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
            .expectMaskedFrames(false).maxFramePayloadLength(1 << 20).build()));
        assertThat(channel.writeInbound(wire)).isTrue();
        TextWebSocketFrame frame = channel.readInbound();
        assertThat(channel.finish()).isFalse();
        return frame;
    }

    // 0..125 fit the first length byte; 126..65535 take 2 more bytes; beyond, 8 more.
    @ParameterizedTest
    @ValueSource(ints = {0, 125, 126, 65_535, 65_536, 200_000})
    void everyLengthEncodingDecodesToTheSamePayload(int length) {
        byte[] payload = "y".repeat(length).getBytes(StandardCharsets.UTF_8);
        ByteBuf wire = WireFrames.build(payload, ALLOC);
        int header = length <= 125 ? 2 : length <= 65_535 ? 4 : 10;
        assertThat(wire.readableBytes()).isEqualTo(header + length);
        assertThat(wire.isDirect()).isTrue();
        TextWebSocketFrame frame = decode(wire);
        try {
            assertThat(frame.isFinalFragment()).isTrue();
            assertThat(frame.rsv()).isZero();
            assertThat(ByteBufUtil.getBytes(frame.content())).isEqualTo(payload);
        } finally {
            frame.release();
        }
    }

    @Test
    void anEventIsFramedOnceAndItsFrameSharedUntilItsSlotIsReused() {
        WireFrames cache = WireFrames.current();
        Event first = event(7, 10);
        ByteBuf a = cache.frame(first, ALLOC);
        ByteBuf b = cache.frame(first, ALLOC);
        // Two duplicates of one buffer: same memory, own indexes, one reference each plus the cache's.
        assertThat(a.memoryAddress()).isEqualTo(b.memoryAddress());
        assertThat(a.refCnt()).isEqualTo(3);
        long firstAddress = a.memoryAddress();
        TextWebSocketFrame decoded = decode(a);
        assertThat(decoded.text()).isEqualTo(first.frame().toString());
        decoded.release();
        b.release();
        assertThat(b.refCnt()).isEqualTo(1);

        // A copy of the event (a replay read from the store) is a miss, never the cached frame of another object.
        Event copy = new Event(7, first.topic(), first.eventType(), first.timestamp(), first.data());
        ByteBuf c = cache.frame(copy, ALLOC);
        assertThat(b.refCnt()).as("the replaced frame is released").isZero();
        assertThat(c.memoryAddress()).isNotEqualTo(firstAddress);

        // Another event in the same slot replaces it too.
        Event sameSlot = event(7 + WireFrames.SLOTS, 20);
        ByteBuf d = cache.frame(sameSlot, ALLOC);
        assertThat(c.refCnt()).as("c's write still holds it").isEqualTo(1);
        c.release();
        assertThat(c.refCnt()).isZero();
        TextWebSocketFrame other = decode(d);
        assertThat(other.text()).isEqualTo(sameSlot.frame().toString());
        other.release();
    }

    @Test
    void aLoopThreadThatEndsReleasesItsCachedFrames() throws InterruptedException {
        ByteBuf[] written = new ByteBuf[1];
        Thread loop = new FastThreadLocalThread(() -> {
            written[0] = WireFrames.current().frame(event(3, 10), ALLOC);
            // What Netty does when an event loop thread ends.
            FastThreadLocal.removeAll();
        });
        loop.start();
        loop.join();
        assertThat(written[0].refCnt()).as("only the write's own reference is left").isEqualTo(1);
        written[0].release();
        assertThat(written[0].refCnt()).isZero();
    }

    @Test
    void onlyFramesUpTo16KibAreShared() {
        WireFrames cache = WireFrames.current();
        ByteBuf small = cache.frame(event(1, 100), ALLOC);
        ByteBuf nearLimit = cache.frame(event(2, WireFrames.MAX_SHARED_BYTES - 200), ALLOC);
        assertThat(small).isNotNull();
        assertThat(nearLimit).isNotNull();
        assertThat(nearLimit.readableBytes()).isLessThanOrEqualTo(WireFrames.MAX_SHARED_BYTES + 4);
        small.release();
        nearLimit.release();
        assertThat(cache.frame(event(3, WireFrames.MAX_SHARED_BYTES), ALLOC)).isNull();
    }
}
