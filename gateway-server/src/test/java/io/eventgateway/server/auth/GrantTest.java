package io.eventgateway.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.topic.Topic;
import io.eventgateway.topic.TopicPattern;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GrantTest {

    private static Grant grant(List<String> subscribe, List<String> publish, boolean admin) {
        return new Grant("alice", subscribe.stream().map(TopicPattern::parse).toList(),
            publish.stream().map(TopicPattern::parse).toList(), admin, null);
    }

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource({
        "*, *, true",
        "*, task:*, true",
        "*, task:T-1, true",
        "task:*, task:*, true",
        "task:*, task:T-*, true",
        "task:*, task:T-1, true",
        "task:*, *, false",
        "task:*, stream:*, false",
        "task:*, stream:T-1, false",
        "task:T-*, task:T-*, true",
        "task:T-*, task:T-1*, true",
        "task:T-*, task:T-12, true",
        "task:T-*, task:T-, true",
        "task:T-*, task:*, false",
        "task:T-*, task:U-1, false",
        "task:T-*, task:T*, false",
        "task:T-1, task:T-1, true",
        "task:T-1, task:T-12, false",
        "task:T-1, task:T-1*, false",
        "task:T-1, task:*, false",
        "task:T-1, *, false",
        "tas:*, task:T-1, false",
        "task:*, tasks:T-1, false",
    })
    void coversExactlyWhenEveryTopicOfTheRequestIsMatchedByTheGrantPattern(String granted, String requested,
                                                                          boolean expected) {
        assertThat(Grant.covers(TopicPattern.parse(granted), TopicPattern.parse(requested))).isEqualTo(expected);
    }

    @Test
    void coverageAgreesWithMatchingOnEveryTopicOfASample() {
        List<String> patterns = List.of("*", "task:*", "task:T-*", "task:T-1", "task:T-1*", "stream:*", "task:U*");
        List<String> topics = List.of("task:T-1", "task:T-12", "task:T-", "task:U-1", "task:x", "stream:T-1");
        for (String g : patterns) {
            for (String r : patterns) {
                TopicPattern granted = TopicPattern.parse(g);
                TopicPattern requested = TopicPattern.parse(r);
                if (Grant.covers(granted, requested)) {
                    for (String t : topics) {
                        Topic topic = Topic.parse(t);
                        if (requested.matches(topic)) {
                            assertThat(granted.matches(topic)).as(g + " covers " + r + " but misses " + t).isTrue();
                        }
                    }
                }
            }
        }
    }

    @Test
    void aPatternIsAllowedWhenOneGrantPatternCoversIt() {
        Grant grant = grant(List.of("task:*", "stream:Stream-A"), List.of(), false);

        assertThat(grant.maySubscribe(TopicPattern.parse("task:T-*"))).isTrue();
        assertThat(grant.maySubscribe(TopicPattern.parse("stream:Stream-A"))).isTrue();
        assertThat(grant.maySubscribe(TopicPattern.parse("stream:Stream-*"))).isFalse();
        assertThat(grant.maySubscribe(TopicPattern.ALL)).isFalse();
        assertThat(grant.subscribesToAll()).isFalse();
    }

    @Test
    void publishingNeedsAPublishPatternThatMatchesTheTopic() {
        Grant grant = grant(List.of("*"), List.of("bot:BOT-*"), false);

        assertThat(grant.mayPublish(Topic.parse("bot:BOT-2"))).isTrue();
        assertThat(grant.mayPublish(Topic.parse("bot:X"))).isFalse();
        assertThat(grant.mayPublish(Topic.parse("task:T-1"))).isFalse();
    }

    @Test
    void checkSubscribeNamesTheFirstPatternNotCoveredWithTheCallersCode() {
        Grant grant = grant(List.of("task:*"), List.of(), false);

        assertThatThrownBy(() -> grant.checkSubscribe(List.of(TopicPattern.parse("task:1"), TopicPattern.ALL,
            TopicPattern.parse("stream:*")), ErrorCode.WS_FORBIDDEN))
            .isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.WS_FORBIDDEN);
                assertThat(e.details()).isEqualTo(Map.of("topic", "*"));
                assertThat(e.getMessage()).contains("'alice'", "'*'", "task:*");
            });
    }

    @Test
    void checkPublishAndCheckAdminFailWithForbidden() {
        Grant grant = grant(List.of(), List.of(), false);

        assertThatThrownBy(() -> grant.checkPublish(Topic.parse("task:T-1"), ErrorCode.FORBIDDEN))
            .isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
                assertThat(e.details()).isEqualTo(Map.of("topic", "task:T-1"));
                assertThat(e.getMessage()).contains("publishing to nothing");
            });
        assertThatThrownBy(() -> grant.checkAdmin("/metrics"))
            .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        grant(List.of(), List.of(), true).checkAdmin("/metrics");
    }

    @Test
    void checkPublishAllNeedsAPublishPatternCoveringTheWholePattern() {
        Grant grant = grant(List.of(), List.of("task:*", "stream:S-1"), false);

        grant.checkPublishAll(TopicPattern.parse("task:*"), ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> grant.checkPublishAll(TopicPattern.parse("stream:*"), ErrorCode.FORBIDDEN))
            .isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
                assertThat(e.details()).isEqualTo(Map.of("topic", "stream:*"));
            });
    }

    @Test
    void unrestrictedAllowsEverything() {
        assertThat(Grant.UNRESTRICTED.subscribesToAll()).isTrue();
        assertThat(Grant.UNRESTRICTED.mayPublish(Topic.parse("any:thing"))).isTrue();
        assertThat(Grant.UNRESTRICTED.admin()).isTrue();
        assertThat(Grant.UNRESTRICTED.expiresAt()).isNull();
    }
}
