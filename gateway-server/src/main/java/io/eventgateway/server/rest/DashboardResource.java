package io.eventgateway.server.rest;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The dashboard's static files ({@code GET /} and {@code GET /dashboard/NAME}): plain HTML, CSS and ES modules,
 * read from the classpath once at start. Each answer carries an {@code ETag}, and a matching
 * {@code If-None-Match} is answered 304, so a reload costs no bytes; {@code Cache-Control: no-cache} makes the
 * browser ask every time, so a new gateway version is picked up at once.
 */
final class DashboardResource {

    /** Every file the dashboard is made of; the JavaScript client is copied in from clients/js by the build. */
    static final List<String> FILES = List.of("index.html", "dashboard.css", "dashboard.js", "domain.js",
        "event-gateway.js");

    private static final Map<String, String> TYPES = Map.of(
        "html", "text/html; charset=utf-8",
        "css", "text/css; charset=utf-8",
        "js", "text/javascript; charset=utf-8");

    private final Map<String, File> files = new HashMap<>();

    DashboardResource() {
        for (String name : FILES) {
            byte[] bytes = read("/dashboard/" + name);
            String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
            files.put(name, new File(bytes, type, "\"" + sha256(bytes).substring(0, 32) + "\""));
        }
    }

    /**
     * Answers one file.
     *
     * @param name the file's name, e.g. {@code dashboard.js}
     * @param request the request (for {@code If-None-Match})
     * @param response the response
     * @return completes when sent; fails with NOT_FOUND for a name that is not a dashboard file
     */
    Mono<Void> serve(String name, HttpServerRequest request, HttpServerResponse response) {
        File file = files.get(name);
        if (file == null) {
            return Mono.error(new GatewayException(ErrorCode.NOT_FOUND, "the dashboard has no file '" + name + "'",
                Map.of("path", "/dashboard/" + name)));
        }
        response.header(HttpHeaderNames.ETAG, file.etag())
            .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
            .header("X-Content-Type-Options", "nosniff");
        if (file.etag().equals(request.requestHeaders().get(HttpHeaderNames.IF_NONE_MATCH))) {
            return response.status(HttpResponseStatus.NOT_MODIFIED).send();
        }
        return response.header(HttpHeaderNames.CONTENT_TYPE, file.type())
            .sendObject(Unpooled.wrappedBuffer(file.bytes())).then();
    }

    private static byte[] read(String path) {
        try (InputStream in = DashboardResource.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard file " + path + " is missing from the build;"
                    + " rebuild the gateway (scripts/gateway builds what is missing)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record File(byte[] bytes, String type, String etag) {
    }
}
