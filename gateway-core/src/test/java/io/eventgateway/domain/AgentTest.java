package io.eventgateway.domain;

import static io.eventgateway.domain.DomainHarness.TIMEOUT;
import static io.eventgateway.domain.DomainHarness.json;
import static io.eventgateway.domain.DomainHarness.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventgateway.domain.DomainHarness.Store;
import io.eventgateway.domain.agent.ActivityKind;
import io.eventgateway.domain.agent.AgentActivity;
import io.eventgateway.domain.agent.Handoff;
import io.eventgateway.domain.agent.NewActivity;
import io.eventgateway.domain.agent.NewHandoff;
import io.eventgateway.domain.task.NewTask;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.Event;
import io.eventgateway.state.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Agent activity and handoffs on both logs (PROTOCOL.md sections 8 and 9). */
class AgentTest {

    @TempDir
    Path dir;

    private static void setUp(DomainHarness h) {
        h.domain.streams().create("Stream-A", "foundation").block(TIMEOUT);
        h.domain.tasks().create(new NewTask("T-1", "Design the API", null, "Stream-A", null, null)).block(TIMEOUT);
        h.take();
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void activityEmitsStartedHeartbeatAndCompletedWithTheSeedFields(Store store) {
        try (DomainHarness h = new DomainHarness(store, dir)) {
            setUp(h);

            h.domain.agents().report("agent-ta", new NewActivity(ActivityKind.STARTED, "Stream-A", "T-1", "design",
                "drafting endpoints", "Architect")).block(TIMEOUT);
            h.advance(Duration.ofSeconds(30));
            h.domain.agents().report("agent-ta", new NewActivity(ActivityKind.HEARTBEAT, null, null, "review", null,
                null)).block(TIMEOUT);
            h.advance(Duration.ofSeconds(30));
            Answer<AgentActivity> done = h.domain.agents().report("agent-ta", new NewActivity(ActivityKind.COMPLETED,
                null, null, null, "endpoints drafted", null)).block(TIMEOUT);

            List<Event> events = h.take();
            assertThat(types(events)).containsExactly("agent:agent-ta agent.started",
                "agent:agent-ta agent.heartbeat", "agent:agent-ta agent.completed");
            String common = "'streamId':'Stream-A','streamName':'foundation','agentId':'agent-ta',"
                + "'agentName':'Architect','taskId':'T-1','taskTitle':'Design the API',";
            assertThat(events.get(0).data()).isEqualTo(json("{" + common + "'activityDescription':"
                + "'drafting endpoints','phase':'design','startedAt':'2026-01-08T12:00:00.000Z'}"));
            assertThat(events.get(1).data()).as("a heartbeat keeps what it leaves out").isEqualTo(json("{"
                + common + "'activityDescription':'drafting endpoints','phase':'review',"
                + "'startedAt':'2026-01-08T12:00:00.000Z','heartbeatAt':'2026-01-08T12:00:30.000Z'}"));
            assertThat(events.get(2).data()).isEqualTo(json("{" + common + "'activityDescription':"
                + "'endpoints drafted','phase':'review','startedAt':'2026-01-08T12:00:00.000Z',"
                + "'completedAt':'2026-01-08T12:01:00.000Z'}"));
            assertThat(done.seq()).isEqualTo(events.get(2).seq());
            assertThat(done.value().status()).isEqualTo("completed");
            assertThat(done.value().lastHeartbeatAt()).isEqualTo(DomainHarness.EPOCH.plusSeconds(30));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void activityNamingAnUnknownStreamOrTaskIsRefusedAndEmitsNothing(Store store) {
        try (DomainHarness h = new DomainHarness(store, dir)) {
            setUp(h);
            assertThatThrownBy(() -> h.domain.agents().report("agent-ta", new NewActivity(ActivityKind.STARTED,
                "S-404", null, null, null, null)).block(TIMEOUT))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.details()).containsEntry("field", "streamId");
                });
            assertThatThrownBy(() -> h.domain.agents().report("agent-ta", new NewActivity(ActivityKind.HEARTBEAT,
                null, "T-404", null, null, null)).block(TIMEOUT))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.details())
                    .containsEntry("field", "taskId"));
            assertThatThrownBy(() -> h.domain.agents().report("bad id", new NewActivity(ActivityKind.HEARTBEAT,
                null, null, null, null, null)).block(TIMEOUT))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.details())
                    .containsEntry("field", "agentId"));
            assertThat(h.take()).isEmpty();
            assertThat(h.domain.agents().find("agent-ta")).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aHandoffIsEmittedOnBothAgentsTopicsWithTheSeedFields(Store store) {
        try (DomainHarness h = new DomainHarness(store, dir)) {
            setUp(h);

            Answer<Handoff> answer = h.domain.agents().handoff(new NewHandoff("T-1", "agent-ta", "agent-me", 1, 2,
                "Design complete, ready for implementation", "WP-def456")).block(TIMEOUT);

            List<Event> events = h.take();
            assertThat(types(events)).containsExactly("agent:agent-ta agent.handoff",
                "agent:agent-me agent.handoff");
            String id = answer.value().handoffId();
            assertThat(id).matches("HO-[0-9a-f]{16}");
            for (Event e : events) {
                assertThat(e.data()).isEqualTo(json("{'handoffId':'" + id + "','taskId':'T-1',"
                    + "'fromAgent':'agent-ta','toAgent':'agent-me','chainPosition':1,'chainLength':2,"
                    + "'handoffContext':'Design complete, ready for implementation','workProductId':'WP-def456',"
                    + "'handoffAt':'2026-01-08T12:00:00.000Z'}"));
            }
            assertThat(answer.seq()).isEqualTo(events.get(1).seq());
            assertThatThrownBy(() -> h.domain.agents().handoff(new NewHandoff("T-404", "a", "b", 1, 1, "x", null))
                .block(TIMEOUT)).isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code())
                .isEqualTo(ErrorCode.NOT_FOUND));
        }
    }

    @Test
    void handoffValuesAreCheckedNamingTheField() {
        assertThatThrownBy(() -> new NewHandoff("T-1", "a", "a", 1, 1, "x", null))
            .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.details())
                .containsEntry("field", "toAgent"));
        assertThatThrownBy(() -> new NewHandoff("T-1", "a", "b", 3, 2, "x", null))
            .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.details())
                .containsEntry("field", "chainPosition"));
        assertThatThrownBy(() -> new NewHandoff("T-1", "a", "b", 1, 0, "x", null))
            .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.details())
                .containsEntry("field", "chainLength"));
        assertThatThrownBy(() -> new NewHandoff("T-1", "a", "b", 1, 1, " ", null))
            .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.details())
                .containsEntry("field", "handoffContext"));
    }

    @Test
    void agentActivitySurvivesARestart() {
        try (DomainHarness h = new DomainHarness(Store.SQLITE, dir)) {
            setUp(h);
            h.domain.agents().report("agent-ta", new NewActivity(ActivityKind.STARTED, "Stream-A", "T-1", "design",
                null, "Architect")).block(TIMEOUT);
            AgentActivity before = h.domain.agents().find("agent-ta");
            h.restart();
            assertThat(h.domain.agents().find("agent-ta")).isEqualTo(before);
            h.take();
            h.domain.agents().report("agent-ta", new NewActivity(ActivityKind.HEARTBEAT, null, null, null, null,
                null)).block(TIMEOUT);
            assertThat(h.take().get(0).data().get("startedAt").asText()).isEqualTo("2026-01-08T12:00:00.000Z");
        }
    }
}
