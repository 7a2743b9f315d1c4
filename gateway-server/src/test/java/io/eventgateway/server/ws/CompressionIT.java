package io.eventgateway.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.RawSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * {@code ws.compression=true}: a client that offers permessage-deflate (RFC 7692) gets its frames compressed, events
 * included (they must not take the shared uncompressed frames of {@link WireFrames}); a client that does not offer it
 * gets them plain from the same gateway. Read on a raw socket, so the RSV1 bit and the compressed size are seen.
 */
class CompressionIT extends GatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** RFC 7692 section 7.2.2: the tail the sender removed from each compressed message. */
    private static final byte[] TAIL = {0x00, 0x00, (byte) 0xFF, (byte) 0xFF};

    /** A frame and its JSON, inflated when it was compressed (one inflater per connection: context takeover). */
    private record Read(RawSocket.Frame frame, JsonNode json) {
    }

    private static Read read(RawSocket socket, Inflater inflater) throws IOException, DataFormatException {
        RawSocket.Frame frame = socket.readFrame();
        assertThat(frame).as("a frame").isNotNull();
        assertThat(frame.fin()).isTrue();
        if (!frame.rsv1()) {
            return new Read(frame, JSON.readTree(frame.payload()));
        }
        inflater.setInput(concat(frame.payload(), TAIL));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        int n;
        while ((n = inflater.inflate(chunk)) > 0) {
            out.write(chunk, 0, n);
        }
        return new Read(frame, JSON.readTree(out.toByteArray()));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static Read expect(RawSocket socket, Inflater inflater, String type) throws Exception {
        Read read = read(socket, inflater);
        while (read.json().path("type").asText().equals("ping")) {
            read = read(socket, inflater);
        }
        assertThat(read.json().path("type").asText()).as(read.json().toString()).isEqualTo(type);
        return read;
    }

    private static void subscribe(RawSocket socket, Inflater inflater) throws Exception {
        expect(socket, inflater, "connected");
        socket.sendText("{\"type\":\"subscribe\",\"id\":\"s\",\"payload\":{\"topics\":[\"task:*\"]}}");
        expect(socket, inflater, "subscribed");
    }

    @Test
    void eventsAreCompressedForAClientThatOffersDeflateAndPlainForOneThatDoesNot() throws Exception {
        start(c -> c.withWs(c.ws().withCompression(true)));
        try (RawSocket deflating = RawSocket.connect(port(), 1 << 16);
             RawSocket plain = RawSocket.connect(port(), 1 << 16)) {
            Map<String, String> headers = RawSocket.upgradeHeaders("127.0.0.1:" + port());
            headers.put("Sec-WebSocket-Extensions", "permessage-deflate");
            RawSocket.Answer answer = deflating.http("GET", "/ws", headers, null);
            assertThat(answer.status()).isEqualTo(101);
            assertThat(answer.headers().get("sec-websocket-extensions")).startsWith("permessage-deflate");
            plain.upgrade(port());
            Inflater inflater = new Inflater(true);
            Inflater unused = new Inflater(true);
            subscribe(deflating, inflater);
            subscribe(plain, unused);

            String pad = "abc".repeat(2000);
            long seq = publish("task:T-1", "test.tick", "{\"pad\":\"" + pad + "\"}");

            Read compressed = expect(deflating, inflater, "event");
            assertThat(compressed.frame().rsv1()).isTrue();
            assertThat(compressed.frame().payload().length).isLessThan(pad.length() / 10);
            assertThat(compressed.json().at("/payload/seq").asLong()).isEqualTo(seq);
            assertThat(compressed.json().at("/payload/data/pad").asText()).isEqualTo(pad);

            Read uncompressed = expect(plain, unused, "event");
            assertThat(uncompressed.frame().rsv1()).isFalse();
            assertThat(uncompressed.frame().payload().length).isGreaterThan(pad.length());
            assertThat(uncompressed.json()).isEqualTo(compressed.json());
        }
    }
}
