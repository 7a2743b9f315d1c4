package io.eventgateway.server.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.eventgateway.event.EventCodec;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/** JSON answers: writing a body with a generator, and sending it with the right headers. */
final class Json {

    private Json() {
    }

    /** Writes one JSON value with a generator callback. */
    @FunctionalInterface
    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] write(Writer writer) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(512);
             JsonGenerator g = EventCodec.JSON.getFactory().createGenerator(out)) {
            writer.write(g);
            g.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Mono<Void> send(HttpServerResponse response, byte[] body) {
        return response
            .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
            .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
            .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
            .sendObject(Unpooled.wrappedBuffer(body))
            .then();
    }

    static Mono<Void> send(HttpServerResponse response, HttpResponseStatus status, Writer writer) {
        return send(response.status(status), write(writer));
    }
}
