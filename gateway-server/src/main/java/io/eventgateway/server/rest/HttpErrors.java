package io.eventgateway.server.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.EventCodec;
import io.eventgateway.server.auth.HttpAuthentication;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The only place that turns failures into HTTP answers (CONVENTIONS.md item 5):
 * {@code {"error": {"code": "...", "message": "...", "details": {...}}}} with the code's status.
 */
public final class HttpErrors {

    private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

    private HttpErrors() {
    }

    /**
     * Sends the error answer for a failure: its own status for a {@link GatewayException}, 500 otherwise.
     *
     * @param response the response, not yet sent
     * @param failure the failure
     * @return the sending
     */
    public static Publisher<Void> send(HttpServerResponse response, Throwable failure) {
        GatewayException error;
        if (failure instanceof GatewayException) {
            error = (GatewayException) failure;
        } else {
            LOG.warn("request failed: {}", failure.toString());
            error = new GatewayException(ErrorCode.INTERNAL_ERROR, "the gateway failed: " + failure.getMessage());
        }
        if (response.hasSentHeaders()) {
            return Mono.empty();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", error.code().restCode());
        body.put("message", error.getMessage());
        body.put("details", error.details());
        byte[] bytes;
        try {
            bytes = EventCodec.JSON.writeValueAsBytes(Map.of("error", body));
        } catch (JsonProcessingException e) {
            bytes = "{\"error\":{\"code\":\"INTERNAL_ERROR\",\"message\":\"unencodable error\",\"details\":{}}}"
                .getBytes(StandardCharsets.UTF_8);
        }
        if (error.code() == ErrorCode.UNAUTHORIZED) {
            // RFC 6750 section 3: the scheme to use; error="invalid_token" only when a credential was refused.
            boolean refused = HttpAuthentication.INVALID.equals(error.details().get("credentials"));
            response.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"event-gateway\""
                + (refused ? ", error=\"invalid_token\"" : ""));
        }
        return Json.send(response.status(HttpResponseStatus.valueOf(error.code().httpStatus())), bytes);
    }

    /**
     * A failure with a code and message.
     *
     * @param code the code
     * @param message the message
     * @return the exception
     */
    static GatewayException of(ErrorCode code, String message) {
        return new GatewayException(code, message);
    }

    static boolean isJson(@Nullable String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim();
        return type.equalsIgnoreCase("application/json");
    }
}
