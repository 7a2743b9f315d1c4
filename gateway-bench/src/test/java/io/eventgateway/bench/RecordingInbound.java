package io.eventgateway.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** An {@link Inbound} that writes down what a decoder found, one line per call, for the protocol tests. */
final class RecordingInbound implements Inbound {

    final List<String> seen = new ArrayList<>();

    /** Decodes one frame holding {@code text}. */
    void feed(Protocol.Decoder decoder, String text) {
        ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        try {
            decoder.decode(buf, this);
        } finally {
            buf.release();
        }
    }

    @Override
    public void subscribed(long headSeq) {
        seen.add("subscribed " + headSeq);
    }

    @Override
    public void event(long seq, long topicIndex, long n, long intendedNanos) {
        seen.add("event " + seq + " " + topicIndex + " " + n + " " + intendedNanos);
    }

    @Override
    public void overflow(long dropped, long firstSeq, long lastSeq) {
        seen.add("overflow " + dropped + " " + firstSeq + " " + lastSeq);
    }

    @Override
    public void published(long seq) {
        seen.add("published " + seq);
    }

    @Override
    public void error(String frame) {
        seen.add("error " + frame);
    }

    @Override
    public void reply(String frame) {
        seen.add("reply " + frame);
    }
}
