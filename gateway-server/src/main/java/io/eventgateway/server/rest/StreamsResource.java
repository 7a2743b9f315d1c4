package io.eventgateway.server.rest;

import io.eventgateway.domain.stream.StreamService;
import io.eventgateway.domain.stream.StreamView;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Set;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** {@code /api/streams} and {@code /api/streams/{id}} (PROTOCOL.md section 8). */
final class StreamsResource {

    private static final Set<String> CREATE_FIELDS = Set.of("streamId", "streamName");

    private final StreamService streams;

    StreamsResource(StreamService streams) {
        this.streams = streams;
    }

    /** {@code GET /api/streams}. */
    Mono<Void> list(HttpServerRequest request, HttpServerResponse response) {
        return Mono.defer(() -> {
            DomainRoutes.query(request, Set.of());
            return DomainRoutes.sendList(response, "streams", streams.list(), StreamView::toJson);
        });
    }

    /** {@code GET /api/streams/{id}}. */
    Mono<Void> get(String id, HttpServerResponse response) {
        return Mono.defer(() -> DomainRoutes.send(response, HttpResponseStatus.OK, "stream", streams.get(id),
            StreamView::toJson));
    }

    /** {@code POST /api/streams}: 201. */
    Mono<Void> create(HttpServerRequest request, HttpServerResponse response) {
        return JsonBody.read(request, CREATE_FIELDS).flatMap(body -> {
            body.require("streamId");
            body.require("streamName");
            return streams.create(body.text("streamId"), body.text("streamName"))
                .publishOn(DomainRoutes.loopOf(request))
                .flatMap(answer -> DomainRoutes.send(response, HttpResponseStatus.CREATED, "stream", answer,
                    StreamView::toJson));
        });
    }
}
