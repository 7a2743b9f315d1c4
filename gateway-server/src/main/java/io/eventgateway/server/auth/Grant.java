package io.eventgateway.server.auth;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.topic.Topic;
import io.eventgateway.topic.TopicPattern;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a credential allows (PROTOCOL.md section 11): the patterns its holder may subscribe to, the patterns of the
 * topics it may publish to, whether it may read the operator routes ({@code /api/status}, {@code /metrics}), and
 * when it expires.
 *
 * <p>A requested pattern is allowed when <em>one</em> pattern of the grant covers it, that is, when every topic
 * the requested pattern can match is also matched by that grant pattern: {@code *} covers every pattern;
 * {@code task:*} covers {@code task:*}, {@code task:T-*} and {@code task:T-1} but not {@code *} nor
 * {@code stream:*}; {@code task:T-*} covers {@code task:T-1*} and {@code task:T-12}; a concrete topic covers only
 * itself. The check is a few string comparisons per grant pattern, done once per subscribe or publish request.
 *
 * @param subject who the credential belongs to: the JWT {@code sub}, or the API key's {@code name}
 * @param subscribe the patterns it may subscribe to and read with {@code GET /api/events}
 * @param publish the patterns of the topics it may publish to
 * @param admin whether it may read {@code /api/status} and {@code /metrics}
 * @param expiresAt when it expires (the JWT {@code exp}), or null when it does not (API keys)
 */
public record Grant(String subject, List<TopicPattern> subscribe, List<TopicPattern> publish, boolean admin,
                    @Nullable Instant expiresAt) {

    /** The grant of every request while auth is off ({@code auth.mode=none}): everything is allowed. */
    public static final Grant UNRESTRICTED = new Grant("anonymous", List.of(TopicPattern.ALL),
        List.of(TopicPattern.ALL), true, null);

    /** Copies the lists. */
    public Grant {
        Objects.requireNonNull(subject, "subject");
        subscribe = List.copyOf(subscribe);
        publish = List.copyOf(publish);
    }

    /**
     * Whether one pattern covers another: every topic {@code requested} matches, {@code granted} matches too.
     *
     * @param granted a pattern of a grant
     * @param requested the pattern asked for (a concrete topic is a pattern of kind {@code EXACT})
     * @return true when {@code granted} covers {@code requested}
     */
    public static boolean covers(TopicPattern granted, TopicPattern requested) {
        return switch (granted.kind()) {
            case ALL -> true;
            case EXACT -> requested.kind() == TopicPattern.Kind.EXACT && granted.value().equals(requested.value());
            // The requested pattern's topics all start with "entity:" + its prefix (or equal "entity:" + its id),
            // so they all match when that prefix (or id) starts with the granted prefix.
            case PREFIX -> requested.kind() != TopicPattern.Kind.ALL && granted.entity().equals(requested.entity())
                && requested.idPrefix().startsWith(granted.idPrefix());
        };
    }

    /**
     * Whether the holder may subscribe to a pattern (and read its events over REST).
     *
     * @param pattern the requested pattern
     * @return true when one {@link #subscribe} pattern covers it
     */
    public boolean maySubscribe(TopicPattern pattern) {
        return coveredBy(subscribe, pattern);
    }

    /**
     * Whether the holder may publish to a topic.
     *
     * @param topic the topic
     * @return true when one {@link #publish} pattern matches it
     */
    public boolean mayPublish(Topic topic) {
        for (int i = 0; i < publish.size(); i++) {
            if (publish.get(i).matches(topic)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the holder may subscribe to every pattern: its subscribe patterns include {@code *}.
     *
     * @return true when nothing needs checking or restricting
     */
    public boolean subscribesToAll() {
        return subscribe.contains(TopicPattern.ALL);
    }

    /**
     * Fails unless every pattern may be subscribed to.
     *
     * @param patterns the requested patterns
     * @param code {@link ErrorCode#WS_FORBIDDEN} or {@link ErrorCode#FORBIDDEN}
     * @throws GatewayException with the code, naming the first pattern not covered in {@code details.topic}
     */
    public void checkSubscribe(List<TopicPattern> patterns, ErrorCode code) {
        for (TopicPattern pattern : patterns) {
            if (!maySubscribe(pattern)) {
                throw new GatewayException(code, "'" + subject + "' may not subscribe to '" + pattern.value()
                    + "': its grant allows " + texts(subscribe), Map.of("topic", pattern.value()));
            }
        }
    }

    /**
     * Fails unless the topic may be published to.
     *
     * @param topic the topic
     * @param code {@link ErrorCode#WS_FORBIDDEN} or {@link ErrorCode#FORBIDDEN}
     * @throws GatewayException with the code, naming the topic in {@code details.topic}
     */
    public void checkPublish(Topic topic, ErrorCode code) {
        if (!mayPublish(topic)) {
            throw new GatewayException(code, "'" + subject + "' may not publish to '" + topic.value()
                + "': its grant allows publishing to " + texts(publish), Map.of("topic", topic.value()));
        }
    }

    /**
     * Fails unless every topic of a pattern may be published to: one {@link #publish} pattern covers it.
     *
     * @param pattern the pattern, e.g. {@code stream:*} for a route that may emit on any stream
     * @param code {@link ErrorCode#WS_FORBIDDEN} or {@link ErrorCode#FORBIDDEN}
     * @throws GatewayException with the code, naming the pattern in {@code details.topic}
     */
    public void checkPublishAll(TopicPattern pattern, ErrorCode code) {
        if (!coveredBy(publish, pattern)) {
            throw new GatewayException(code, "'" + subject + "' may not publish to '" + pattern.value()
                + "': its grant allows publishing to " + texts(publish), Map.of("topic", pattern.value()));
        }
    }

    /**
     * Fails unless the grant is an admin grant.
     *
     * @param what the route, for the message, e.g. {@code /api/status}
     * @throws GatewayException {@link ErrorCode#FORBIDDEN}
     */
    public void checkAdmin(String what) {
        if (!admin) {
            throw new GatewayException(ErrorCode.FORBIDDEN, "'" + subject + "' may not read " + what
                + ": it needs an admin grant", Map.of("path", what));
        }
    }

    private static boolean coveredBy(List<TopicPattern> granted, TopicPattern requested) {
        for (int i = 0; i < granted.size(); i++) {
            if (covers(granted.get(i), requested)) {
                return true;
            }
        }
        return false;
    }

    private static String texts(List<TopicPattern> patterns) {
        if (patterns.isEmpty()) {
            return "nothing";
        }
        StringBuilder out = new StringBuilder();
        for (TopicPattern p : patterns) {
            out.append(out.length() == 0 ? "" : ", ").append(p.value());
        }
        return out.toString();
    }
}
