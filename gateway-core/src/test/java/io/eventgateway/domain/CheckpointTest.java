package io.eventgateway.domain;

import static io.eventgateway.domain.DomainHarness.EPOCH;
import static io.eventgateway.domain.DomainHarness.TIMEOUT;
import static io.eventgateway.domain.DomainHarness.json;
import static io.eventgateway.domain.DomainHarness.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.domain.DomainHarness.Store;
import io.eventgateway.domain.checkpoint.Checkpoint;
import io.eventgateway.domain.checkpoint.NewCheckpoint;
import io.eventgateway.domain.task.NewTask;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.Event;
import io.eventgateway.state.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Checkpoints on both logs: numbering per task, resume once, and expiry by the timer on virtual time, exactly once,
 * also across restarts (PROTOCOL.md sections 8 and 9).
 */
class CheckpointTest {

    @TempDir
    Path dir;

    private static void task(DomainHarness h, String id) {
        h.domain.tasks().create(new NewTask(id, "Task " + id, null, null, null, null)).block(TIMEOUT);
    }

    private static Answer<Checkpoint> checkpoint(DomainHarness h, String taskId, @Nullable Instant expiresAt) {
        return h.domain.checkpoints().create(taskId, new NewCheckpoint("manual", null, null, null, expiresAt))
            .block(TIMEOUT);
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void checkpointsAreNumberedPerTaskFromOneAndEmitCreatedWithTheSeedFields(Store store) {
        try (DomainHarness h = new DomainHarness(store, dir)) {
            task(h, "T-1");
            task(h, "T-2");
            h.take();

            Answer<Checkpoint> first = h.domain.checkpoints().create("T-1", new NewCheckpoint("auto_phase", "design",
                3, json("{'notes':'half done'}"), EPOCH.plusSeconds(60))).block(TIMEOUT);
            Checkpoint second = checkpoint(h, "T-1", null).value();
            Checkpoint other = checkpoint(h, "T-2", null).value();

            assertThat(first.value().sequence()).isEqualTo(1);
            assertThat(second.sequence()).isEqualTo(2);
            assertThat(other.sequence()).isEqualTo(1);
            assertThat(first.value().id()).matches("CP-[0-9a-f]{16}");
            List<Event> events = h.take();
            assertThat(types(events)).containsExactly("checkpoint:T-1 checkpoint.created",
                "checkpoint:T-1 checkpoint.created", "checkpoint:T-2 checkpoint.created");
            assertThat(events.get(0).data()).isEqualTo(json("{'checkpointId':'" + first.value().id() + "',"
                + "'taskId':'T-1','taskTitle':'Task T-1','sequence':1,'trigger':'auto_phase',"
                + "'executionPhase':'design','executionStep':3,'hasDraft':true,"
                + "'expiresAt':'2026-01-08T12:01:00.000Z','createdAt':'2026-01-08T12:00:00.000Z'}"));
            assertThat(events.get(1).data().get("hasDraft").asBoolean()).isFalse();
            assertThat(events.get(1).data().get("expiresAt").isNull()).isTrue();
            assertThat(first.seq()).isEqualTo(events.get(0).seq());
            assertThat(h.domain.checkpoints().list("T-1").value()).extracting(Checkpoint::sequence)
                .containsExactly(1, 2);
            assertThat(h.domain.checkpoints().list(null).value()).hasSize(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aCheckpointIsResumedOnceWithItsDraft(Store store) {
        try (DomainHarness h = new DomainHarness(store, dir)) {
            task(h, "T-1");
            Checkpoint created = h.domain.checkpoints().create("T-1", new NewCheckpoint("error", null, null,
                json("{'file':'a.java'}"), null)).block(TIMEOUT).value();
            h.take();
            h.advance(Duration.ofSeconds(3));

            Answer<Checkpoint> resumed = h.domain.checkpoints().resume(created.id()).block(TIMEOUT);

            assertThat(resumed.value().resumedAt()).isEqualTo(EPOCH.plusSeconds(3));
            assertThat(resumed.value().toJsonWithDraft().get("draft")).isEqualTo(json("{'file':'a.java'}"));
            List<Event> events = h.take();
            assertThat(types(events)).containsExactly("checkpoint:T-1 checkpoint.resumed");
            assertThat(events.get(0).data()).isEqualTo(json("{'checkpointId':'" + created.id() + "',"
                + "'taskId':'T-1','taskTitle':'Task T-1','sequence':1,'trigger':'error','executionPhase':null,"
                + "'executionStep':null,'hasDraft':true,'resumedAt':'2026-01-08T12:00:03.000Z'}"));
            assertThatThrownBy(() -> h.domain.checkpoints().resume(created.id()).block(TIMEOUT))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.details()).containsEntry("resumedAt", "2026-01-08T12:00:03.000Z");
                });
            assertThatThrownBy(() -> h.domain.checkpoints().resume("CP-404").block(TIMEOUT))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code())
                    .isEqualTo(ErrorCode.NOT_FOUND));
            assertThatThrownBy(() -> checkpoint(h, "T-404", null))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code())
                    .isEqualTo(ErrorCode.NOT_FOUND));
            assertThat(h.take()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aCheckpointExpiresExactlyWhenItsTimePassesAndOnlyOnce(Store store) {
        try (DomainHarness h = new DomainHarness(store, dir)) {
            task(h, "T-1");
            Checkpoint cp = checkpoint(h, "T-1", EPOCH.plusSeconds(30)).value();
            h.take();

            h.advance(Duration.ofMillis(29_999));
            assertThat(h.take()).as("nothing before expiresAt").isEmpty();
            h.advance(Duration.ofMillis(1));

            List<Event> events = h.take();
            assertThat(types(events)).containsExactly("checkpoint:T-1 checkpoint.expired");
            assertThat(events.get(0).data()).isEqualTo(json("{'checkpointId':'" + cp.id() + "','taskId':'T-1',"
                + "'taskTitle':'Task T-1','sequence':1,'trigger':'manual','expiresAt':'2026-01-08T12:00:30.000Z',"
                + "'expiredAt':'2026-01-08T12:00:30.000Z'}"));
            assertThat(h.domain.checkpoints().find(cp.id()).expiredAt()).isEqualTo(EPOCH.plusSeconds(30));

            h.advance(Duration.ofHours(1));
            assertThat(h.take()).as("never twice").isEmpty();
            assertThatThrownBy(() -> h.domain.checkpoints().resume(cp.id()).block(TIMEOUT))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code())
                    .isEqualTo(ErrorCode.CONFLICT));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aResumedCheckpointNeverExpiresAndEarlierOnesRearmTheTimer(Store store) {
        try (DomainHarness h = new DomainHarness(store, dir)) {
            task(h, "T-1");
            Checkpoint late = checkpoint(h, "T-1", EPOCH.plusSeconds(100)).value();
            Checkpoint resumed = checkpoint(h, "T-1", EPOCH.plusSeconds(10)).value();
            Checkpoint early = checkpoint(h, "T-1", EPOCH.plusSeconds(20)).value();
            Checkpoint sameTime = checkpoint(h, "T-1", EPOCH.plusSeconds(20)).value();
            h.domain.checkpoints().resume(resumed.id()).block(TIMEOUT);
            h.take();

            h.advance(Duration.ofSeconds(20));
            List<Event> events = h.take();
            assertThat(types(events)).containsExactly("checkpoint:T-1 checkpoint.expired",
                "checkpoint:T-1 checkpoint.expired");
            assertThat(events).extracting(e -> e.data().get("checkpointId").asText())
                .containsExactlyInAnyOrder(early.id(), sameTime.id());
            assertThat(events.get(0).seq() + 1).as("due together, expired in one change").isEqualTo(
                events.get(1).seq());

            h.advance(Duration.ofSeconds(80));
            assertThat(h.take()).extracting(e -> e.data().get("checkpointId").asText()).containsExactly(late.id());
            assertThat(h.domain.checkpoints().find(resumed.id()).expiredAt()).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void anExpiresAtThatIsNotLaterThanNowIsRefused(Store store) {
        try (DomainHarness h = new DomainHarness(store, dir)) {
            task(h, "T-1");
            h.take();
            assertThatThrownBy(() -> checkpoint(h, "T-1", EPOCH))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
                    assertThat(e.details()).containsEntry("field", "expiresAt");
                });
            assertThat(h.take()).isEmpty();
            assertThat(h.domain.checkpoints().list(null).value()).isEmpty();
            assertThat(checkpoint(h, "T-1", null).value().sequence()).as("the refused one took no number")
                .isEqualTo(1);
        }
    }

    @Test
    void aCheckpointThatExpiredWhileTheGatewayWasDownExpiresOnceAtStartAndNeverAgain() {
        try (DomainHarness h = new DomainHarness(Store.SQLITE, dir)) {
            task(h, "T-1");
            Checkpoint cp = checkpoint(h, "T-1", EPOCH.plusSeconds(30)).value();
            Checkpoint later = checkpoint(h, "T-1", EPOCH.plusSeconds(300)).value();
            h.domain.dispose();
            h.take();

            // Down: the timer is stopped, and virtual time passes beyond the first expiry.
            h.advance(Duration.ofSeconds(60));
            assertThat(h.take()).isEmpty();
            h.restart();

            List<Event> events = h.take();
            assertThat(types(events)).containsExactly("checkpoint:T-1 checkpoint.expired");
            assertThat(events.get(0).data().get("checkpointId").asText()).isEqualTo(cp.id());
            assertThat(events.get(0).data().get("expiredAt").asText()).isEqualTo("2026-01-08T12:01:00.000Z");
            List<String> expiredRows = h.tables().load("SELECT id FROM checkpoints WHERE expired_at IS NOT NULL",
                row -> row.get(0, String.class)).collectList().block(TIMEOUT);
            assertThat(expiredRows).containsExactly(cp.id());

            h.restart();
            assertThat(h.take()).as("marked in the same transaction: never emitted again").isEmpty();
            assertThat(h.domain.checkpoints().find(cp.id()).expiredAt()).isEqualTo(EPOCH.plusSeconds(60));
            h.advance(Duration.ofSeconds(240));
            assertThat(h.take()).extracting(e -> e.data().get("checkpointId").asText()).containsExactly(later.id());
            assertThat(h.domain.checkpoints().create("T-1", new NewCheckpoint("manual", null, null, null, null))
                .block(TIMEOUT).value().sequence()).as("numbering continues after a restart").isEqualTo(3);
        }
    }

    @Test
    void manyDueAtOnceExpireInChangesOfBoundedSize() {
        try (DomainHarness h = new DomainHarness(Store.MEMORY, dir)) {
            task(h, "T-1");
            for (int i = 0; i < 2500; i++) {
                checkpoint(h, "T-1", EPOCH.plusSeconds(10));
            }
            h.take();
            h.advance(Duration.ofSeconds(10));
            List<Event> events = h.take();
            assertThat(events).hasSize(2500);
            assertThat(events).allMatch(e -> e.eventType().equals("checkpoint.expired"));
            assertThat(events.stream().map(e -> e.data().get("checkpointId").asText()).distinct()).hasSize(2500);
            JsonNode last = events.get(events.size() - 1).data();
            assertThat(last.get("expiredAt").asText()).isEqualTo("2026-01-08T12:00:10.000Z");
        }
    }
}
