package io.eventgateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/**
 * The REST calls of PROTOCOL.md section 8 the client makes: {@code POST /api/events}, {@code GET /api/events}
 * (page by page, for history and for an {@code overflow}'s resync) and {@code GET /health}. Each request is bounded
 * by the request timeout, and its failure is a {@link GatewayClientException}.
 */
final class RestApi {

    private static final byte[] EMPTY = new byte[0];

    private final HttpClient http;
    private final ClientSettings settings;

    /**
     * Creates the calls.
     *
     * @param http a client whose {@code baseUrl} is the gateway's
     * @param settings the settings
     */
    RestApi(HttpClient http, ClientSettings settings) {
        this.http = http;
        this.settings = settings;
    }

    private record Answer(int status, byte[] body) {
    }

    private Mono<Answer> exchange(HttpMethod method, String path, @Nullable String body, String target) {
        HttpClient plain = body == null ? http
            : http.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON));
        // With credentials, the token is read for each request: a supplier's renewed token is used at once.
        Mono<HttpClient> client = settings.credentials().present()
            ? settings.credentials().token().map(token -> plain.headers(h -> h.set(HttpHeaderNames.AUTHORIZATION,
                Credentials.bearer(token))))
            : Mono.just(plain);
        return client.flatMap(c -> c.request(method)
            .uri(path)
            .send(body == null ? Mono.empty() : ByteBufFlux.fromString(Mono.just(body)))
            .responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(EMPTY)
                .map(bytes -> new Answer(response.status().code(), bytes))))
            .timeout(settings.requestTimeout(), Mono.error(() -> new TimeoutException()), settings.timer())
            .onErrorMap(error -> Failures.classify(error, target));
    }

    /** A JSON object answer with status 2xx; anything else fails with the gateway's error or BAD_RESPONSE. */
    private Mono<JsonNode> json(HttpMethod method, String path, @Nullable String body) {
        String target = method.name() + " " + settings.base() + path;
        return exchange(method, path, body, target).handle((answer, sink) -> {
            try {
                JsonNode node = Wire.body(answer.body(), target, answer.status());
                if (answer.status() / 100 == 2) {
                    sink.next(node);
                } else {
                    sink.error(Wire.restError(node, target, answer.status()));
                }
            } catch (GatewayClientException e) {
                sink.error(e);
            }
        });
    }

    /**
     * {@code POST /api/events} of one event.
     *
     * @param body the event's JSON
     * @return its seq
     */
    Mono<Long> publish(String body) {
        String path = "/api/events";
        String target = "POST " + settings.base() + path;
        return json(HttpMethod.POST, path, body).handle((node, sink) -> {
            JsonNode seq = node.get("seq");
            if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong()) {
                sink.error(Wire.bad(target, "answered without a seq ('" + Wire.abbreviate(node.toString()) + "')"));
            } else {
                sink.next(seq.longValue());
            }
        });
    }

    /**
     * {@code GET /health}; a 503 with a health body is an answer, not a failure.
     *
     * @return the health
     */
    Mono<Health> health() {
        String path = "/health";
        String target = "GET " + settings.base() + path;
        return exchange(HttpMethod.GET, path, null, target).handle((answer, sink) -> {
            try {
                JsonNode node = Wire.body(answer.body(), target, answer.status());
                if (answer.status() == 200 || answer.status() == 503) {
                    sink.next(Wire.health(node, target));
                } else {
                    sink.error(Wire.restError(node, target, answer.status()));
                }
            } catch (GatewayClientException e) {
                sink.error(e);
            }
        });
    }

    /**
     * The events of {@code (since, until]} of some topics, page by page: the next page is requested when the
     * previous one was consumed, with {@code since} = its last seq and the same {@code until}.
     *
     * @param firstPath the first page's path and query (for a resync, the overflow's {@code resync} request)
     * @param since the first page's {@code since}
     * @param until the inclusive end, or {@link HistoryQuery#HEAD} for the head the first page reports
     * @param topics the patterns, empty for all
     * @param allowPurgedGap whether a {@code truncated} page is accepted
     * @return the events
     */
    Flux<Event> range(String firstPath, long since, long until, List<String> topics, boolean allowPurgedGap) {
        return page(firstPath, since).flatMapMany(first -> {
            long end = until == HistoryQuery.HEAD ? Math.max(first.headSeq(), since) : until;
            return Mono.just(first).expand(page -> {
                if (!page.hasMore()) {
                    return Mono.empty();
                }
                long last = page.events().get(page.events().size() - 1).seq();
                return page(query(last, end, topics), last);
            });
        }).<Wire.Page>handle((page, sink) -> {
            if (page.truncated() && !allowPurgedGap) {
                sink.error(new GatewayClientException(ErrorCode.EVENTS_PURGED, "events after seq " + since
                    + " were already purged by the gateway's retention (oldest retained: " + page.oldestSeq()
                    + "); rebuild state over REST, or accept the gap (allowPurgedGap)"));
            } else {
                sink.next(page);
            }
        }).concatMapIterable(Wire.Page::events);
    }

    private Mono<Wire.Page> page(String path, long since) {
        String target = "GET " + settings.base() + path;
        return json(HttpMethod.GET, path, null).handle((node, sink) -> {
            try {
                sink.next(Wire.page(node, target, since));
            } catch (GatewayClientException e) {
                sink.error(e);
            }
        });
    }

    /**
     * The path and query of one page.
     *
     * @param since exclusive lower bound
     * @param until inclusive upper bound, or {@link HistoryQuery#HEAD}
     * @param topics patterns, empty for all
     * @return e.g. {@code /api/events?since=0&until=10&limit=1000&topics=task%3A*}
     */
    String query(long since, long until, List<String> topics) {
        StringBuilder q = new StringBuilder("/api/events?since=").append(since);
        if (until != HistoryQuery.HEAD) {
            q.append("&until=").append(until);
        }
        return appendPaging(q.toString(), topics);
    }

    /**
     * Adds the client's {@code limit} and the {@code topics} to a query.
     *
     * @param pathAndQuery a path with a query, e.g. an overflow's {@code resync}
     * @param topics patterns, empty for all
     * @return the extended query
     */
    String appendPaging(String pathAndQuery, List<String> topics) {
        StringBuilder q = new StringBuilder(pathAndQuery).append("&limit=").append(settings.pageSize());
        if (!topics.isEmpty()) {
            q.append("&topics=").append(URLEncoder.encode(String.join(",", topics), StandardCharsets.UTF_8));
        }
        return q.toString();
    }
}
