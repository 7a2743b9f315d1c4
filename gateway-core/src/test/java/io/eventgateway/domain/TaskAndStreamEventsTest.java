package io.eventgateway.domain;

import static io.eventgateway.domain.DomainHarness.TIMEOUT;
import static io.eventgateway.domain.DomainHarness.json;
import static io.eventgateway.domain.DomainHarness.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventgateway.domain.DomainHarness.Store;
import io.eventgateway.domain.stream.StreamView;
import io.eventgateway.domain.task.NewTask;
import io.eventgateway.domain.task.Task;
import io.eventgateway.domain.task.TaskFilter;
import io.eventgateway.domain.task.TaskPatch;
import io.eventgateway.domain.task.TaskStatus;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.Event;
import io.eventgateway.state.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tasks and streams on both logs: each change's events, in order, with their exact data (PROTOCOL.md section 9). */
class TaskAndStreamEventsTest {

    @TempDir
    Path dir;

    private static Answer<Task> create(DomainHarness h, String id, String title, String streamId) {
        return h.domain.tasks().create(new NewTask(id, title, null, streamId, null, null)).block(TIMEOUT);
    }

    private static Answer<Task> patch(DomainHarness h, String id, TaskPatch patch) {
        return h.domain.tasks().update(id, patch).block(TIMEOUT);
    }

    private static TaskPatch status(TaskStatus status) {
        return TaskPatch.builder().status(status).build();
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void creatingATaskEmitsTaskCreatedWithEveryFieldAndAnswersItsSeq(Store store) {
        try (DomainHarness h = new DomainHarness(store, dir)) {
            Answer<Task> answer = h.domain.tasks().create(new NewTask("T-1", "Write the docs", null, null, "agent-ta",
                json("{'priority':'high'}"))).block(TIMEOUT);

            List<Event> events = h.take();
            assertThat(types(events)).containsExactly("task:T-1 task.created");
            assertThat(events.get(0).data()).isEqualTo(json("{'taskId':'T-1','taskTitle':'Write the docs',"
                + "'status':'pending','streamId':null,'assignedAgent':'agent-ta','progress':0.0,"
                + "'metadata':{'priority':'high'},'createdAt':'2026-01-08T12:00:00.000Z'}"));
            assertThat(answer.seq()).isEqualTo(events.get(0).seq());
            assertThat(answer.value().toJson()).isEqualTo(json("{'id':'T-1','title':'Write the docs',"
                + "'status':'pending','streamId':null,'assignedAgent':'agent-ta','progress':0.0,"
                + "'metadata':{'priority':'high'},'createdAt':'2026-01-08T12:00:00.000Z',"
                + "'updatedAt':'2026-01-08T12:00:00.000Z'}"));
            assertThat(h.domain.tasks().get("T-1").value()).isEqualTo(answer.value());
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aTaskWithoutAnIdGetsAGeneratedOne(Store store) {
        try (DomainHarness h = new DomainHarness(store, dir)) {
            Task a = h.domain.tasks().create(new NewTask(null, "A", null, null, null, null)).block(TIMEOUT).value();
            Task b = h.domain.tasks().create(new NewTask(null, "B", null, null, null, null)).block(TIMEOUT).value();

            assertThat(a.id()).matches("T-[0-9a-f]{16}");
            assertThat(b.id()).matches("T-[0-9a-f]{16}").isNotEqualTo(a.id());
            assertThat(h.take()).extracting(e -> e.topic().value()).containsExactly("task:" + a.id(),
                "task:" + b.id());
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aDuplicateIdOrAnUnknownStreamIsRefusedAndChangesNothing(Store store) {
        try (DomainHarness h = new DomainHarness(store, dir)) {
            h.domain.streams().create("S-1", "Stream one").block(TIMEOUT);
            create(h, "T-1", "First", "S-1");
            h.take();
            long head = h.log.headSeq();

            assertThatThrownBy(() -> create(h, "T-1", "Again", null))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.details()).containsEntry("field", "id");
                });
            assertThatThrownBy(() -> create(h, "T-2", "Lost", "S-404"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.details()).containsEntry("field", "streamId").containsEntry("id", "S-404");
                });
            assertThatThrownBy(() -> patch(h, "T-1", TaskPatch.builder().streamId("S-404").build()))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code())
                    .isEqualTo(ErrorCode.NOT_FOUND));
            assertThatThrownBy(() -> patch(h, "T-404", status(TaskStatus.BLOCKED)))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.details()).containsEntry("field", "taskId");
                });

            assertThat(h.take()).isEmpty();
            assertThat(h.log.headSeq()).isEqualTo(head);
            assertThat(h.domain.tasks().list(TaskFilter.ALL).value()).extracting(Task::id).containsExactly("T-1");
            assertThat(h.domain.tasks().get("T-1").value().title()).isEqualTo("First");
            assertThat(h.domain.tasks().get("T-1").value().streamId()).isEqualTo("S-1");
            assertThat(h.domain.streams().get("S-1").value().stream().counts().totalTasks()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aStatusChangeEmitsUpdatedStatusChangedAndBlockedWithExactData(Store store) {
        try (DomainHarness h = new DomainHarness(store, dir)) {
            create(h, "T-1", "Build", null);
            h.take();
            h.advance(Duration.ofSeconds(5));

            Answer<Task> answer = patch(h, "T-1", TaskPatch.builder().status(TaskStatus.BLOCKED)
                .assignedAgent("agent-me").progress(40).build());

            List<Event> events = h.take();
            assertThat(types(events)).containsExactly("task:T-1 task.updated", "task:T-1 task.status_changed",
                "task:T-1 task.blocked");
            String common = "'taskId':'T-1','taskTitle':'Build','status':'blocked','streamId':null,"
                + "'assignedAgent':'agent-me',";
            assertThat(events.get(0).data()).isEqualTo(json("{" + common + "'changes':["
                + "{'field':'status','oldValue':'pending','newValue':'blocked'},"
                + "{'field':'assignedAgent','oldValue':null,'newValue':'agent-me'},"
                + "{'field':'progress','oldValue':0.0,'newValue':40.0}],"
                + "'updatedAt':'2026-01-08T12:00:05.000Z'}"));
            assertThat(events.get(1).data()).isEqualTo(json("{" + common + "'oldStatus':'pending',"
                + "'newStatus':'blocked','statusChangedAt':'2026-01-08T12:00:05.000Z'}"));
            assertThat(events.get(2).data()).isEqualTo(json("{" + common
                + "'blockedAt':'2026-01-08T12:00:05.000Z'}"));
            assertThat(answer.seq()).isEqualTo(events.get(2).seq());
            assertThat(answer.value().updatedAt()).isEqualTo(DomainHarness.EPOCH.plusSeconds(5));

            patch(h, "T-1", TaskPatch.builder().status(TaskStatus.COMPLETED).title("Built").build());
            events = h.take();
            assertThat(types(events)).containsExactly("task:T-1 task.updated", "task:T-1 task.status_changed",
                "task:T-1 task.completed");
            assertThat(events.get(0).data().get("changes")).isEqualTo(json("{'c':["
                + "{'field':'title','oldValue':'Build','newValue':'Built'},"
                + "{'field':'status','oldValue':'blocked','newValue':'completed'}]}").get("c"));
            assertThat(events.get(2).data()).isEqualTo(json("{'taskId':'T-1','taskTitle':'Built',"
                + "'status':'completed','streamId':null,'assignedAgent':'agent-me',"
                + "'completedAt':'2026-01-08T12:00:05.000Z'}"));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aPatchThatChangesNothingEmitsNothingAndAnswersTheHead(Store store) {
        try (DomainHarness h = new DomainHarness(store, dir)) {
            create(h, "T-1", "Same", null);
            h.take();
            h.advance(Duration.ofSeconds(1));

            Answer<Task> answer = patch(h, "T-1", TaskPatch.builder().title("Same").status(TaskStatus.PENDING)
                .metadata(json("{}")).build());

            assertThat(h.take()).isEmpty();
            assertThat(answer.seq()).isEqualTo(h.log.headSeq());
            assertThat(answer.value().updatedAt()).isEqualTo(DomainHarness.EPOCH);

            patch(h, "T-1", TaskPatch.builder().metadata(json("{'k':[1,2]}")).build());
            List<Event> events = h.take();
            assertThat(types(events)).containsExactly("task:T-1 task.updated");
            assertThat(events.get(0).data().get("changes")).isEqualTo(json("{'c':["
                + "{'field':'metadata','oldValue':{},'newValue':{'k':[1,2]}}]}").get("c"));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aStreamStartsProgressesBlocksAndCompletesWithItsDuration(Store store) {
        try (DomainHarness h = new DomainHarness(store, dir)) {
            Answer<StreamView> created = h.domain.streams().create("Stream-A", "foundation").block(TIMEOUT);
            assertThat(h.take()).as("creating a stream emits nothing").isEmpty();
            assertThat(created.value().toJson()).isEqualTo(json("{'streamId':'Stream-A','streamName':'foundation',"
                + "'totalTasks':0,'completedTasks':0,'inProgressTasks':0,'blockedTasks':0,'pendingTasks':0,"
                + "'failedTasks':0,'cancelledTasks':0,'progressPercentage':0.0,"
                + "'lastUpdated':'2026-01-08T12:00:00.000Z','createdAt':'2026-01-08T12:00:00.000Z',"
                + "'startedAt':null,'completedAt':null,'blockedTaskIds':[],'taskList':[]}"));

            create(h, "T-1", "One", "Stream-A");
            create(h, "T-2", "Two", "Stream-A");
            List<Event> events = h.take();
            assertThat(types(events)).containsExactly("task:T-1 task.created", "stream:Stream-A stream.progress",
                "task:T-2 task.created", "stream:Stream-A stream.progress");
            assertThat(events.get(3).data()).isEqualTo(progress(2, 0, 0, 0, 2, 0, 0, 0.0, "12:00:00.000"));

            h.advance(Duration.ofSeconds(10));
            patch(h, "T-1", status(TaskStatus.IN_PROGRESS));
            events = h.take();
            assertThat(types(events)).containsExactly("task:T-1 task.updated", "task:T-1 task.status_changed",
                "stream:Stream-A stream.started", "stream:Stream-A stream.progress");
            assertThat(events.get(2).data()).isEqualTo(json("{'streamId':'Stream-A','streamName':'foundation',"
                + "'taskId':'T-1','totalTasks':2,'startedAt':'2026-01-08T12:00:10.000Z'}"));
            assertThat(events.get(3).data()).isEqualTo(progress(2, 0, 1, 0, 1, 0, 0, 0.0, "12:00:10.000"));

            h.advance(Duration.ofSeconds(10));
            patch(h, "T-2", status(TaskStatus.BLOCKED));
            events = h.take();
            assertThat(types(events)).containsExactly("task:T-2 task.updated", "task:T-2 task.status_changed",
                "task:T-2 task.blocked", "stream:Stream-A stream.progress", "stream:Stream-A stream.blocked");
            assertThat(events.get(4).data()).isEqualTo(json("{'streamId':'Stream-A','streamName':'foundation',"
                + "'blockedReason':'task T-2 (Two) is blocked','blockedTaskIds':['T-2']}"));

            h.advance(Duration.ofSeconds(10));
            patch(h, "T-1", status(TaskStatus.COMPLETED));
            events = h.take();
            assertThat(types(events)).as("a second in_progress never starts the stream again").containsExactly(
                "task:T-1 task.updated", "task:T-1 task.status_changed", "task:T-1 task.completed",
                "stream:Stream-A stream.progress");
            assertThat(events.get(3).data()).isEqualTo(progress(2, 1, 0, 1, 0, 0, 0, 50.0, "12:00:30.000"));

            h.advance(Duration.ofSeconds(15));
            patch(h, "T-2", status(TaskStatus.COMPLETED));
            events = h.take();
            assertThat(types(events)).containsExactly("task:T-2 task.updated", "task:T-2 task.status_changed",
                "task:T-2 task.completed", "stream:Stream-A stream.progress", "stream:Stream-A stream.completed");
            assertThat(events.get(4).data()).isEqualTo(json("{'streamId':'Stream-A','streamName':'foundation',"
                + "'totalTasks':2,'completedAt':'2026-01-08T12:00:45.000Z','duration':35000}"));
            StreamView view = h.domain.streams().get("Stream-A").value();
            assertThat(view.stream().startedAt()).isEqualTo(DomainHarness.EPOCH.plusSeconds(10));
            assertThat(view.stream().completedAt()).isEqualTo(DomainHarness.EPOCH.plusSeconds(45));
            assertThat(view.tasks()).extracting(Task::id).containsExactly("T-1", "T-2");
            assertThat(view.blockedTaskIds()).isEmpty();

            create(h, "T-3", "Late", "Stream-A");
            assertThat(h.domain.streams().get("Stream-A").value().stream().completedAt())
                .as("a new task reopens the stream").isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aTaskMovingBetweenStreamsUpdatesBothAndCanCompleteTheOneItLeaves(Store store) {
        try (DomainHarness h = new DomainHarness(store, dir)) {
            h.domain.streams().create("S-A", "A").block(TIMEOUT);
            h.domain.streams().create("S-B", "B").block(TIMEOUT);
            create(h, "T-1", "Done", "S-A");
            create(h, "T-2", "Blocked", "S-A");
            patch(h, "T-1", status(TaskStatus.COMPLETED));
            patch(h, "T-2", status(TaskStatus.BLOCKED));
            h.take();

            patch(h, "T-2", TaskPatch.builder().streamId("S-B").build());

            List<Event> events = h.take();
            assertThat(types(events)).containsExactly("task:T-2 task.updated", "stream:S-A stream.progress",
                "stream:S-A stream.completed", "stream:S-B stream.progress", "stream:S-B stream.blocked");
            assertThat(events.get(0).data().get("changes")).isEqualTo(json("{'c':["
                + "{'field':'streamId','oldValue':'S-A','newValue':'S-B'}]}").get("c"));
            assertThat(events.get(1).data()).isEqualTo(progress("S-A", "A", 1, 1, 0, 0, 0, 0, 0, 100.0));
            assertThat(events.get(3).data()).isEqualTo(progress("S-B", "B", 1, 0, 0, 1, 0, 0, 0, 0.0));
            assertThat(events.get(4).data().get("blockedTaskIds")).isEqualTo(json("{'a':['T-2']}").get("a"));
            assertThat(h.domain.streams().get("S-A").value().tasks()).extracting(Task::id).containsExactly("T-1");
            assertThat(h.domain.streams().get("S-B").value().tasks()).extracting(Task::id).containsExactly("T-2");

            patch(h, "T-2", TaskPatch.builder().streamId(null).build());
            assertThat(types(h.take())).containsExactly("task:T-2 task.updated", "stream:S-B stream.progress");
            assertThat(h.domain.streams().get("S-B").value().stream().counts().totalTasks()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void cancelledTasksLeaveTheWorkWhileFailedTasksHoldBackCompletion(Store store) {
        try (DomainHarness h = new DomainHarness(store, dir)) {
            h.domain.streams().create("S", "S").block(TIMEOUT);
            create(h, "T-1", "1", "S");
            create(h, "T-2", "2", "S");
            create(h, "T-3", "3", "S");
            patch(h, "T-1", status(TaskStatus.COMPLETED));
            patch(h, "T-2", status(TaskStatus.FAILED));
            h.take();

            patch(h, "T-3", status(TaskStatus.CANCELLED));
            List<Event> events = h.take();
            assertThat(types(events)).doesNotContain("stream:S stream.completed");
            assertThat(events.get(events.size() - 1).data()).isEqualTo(progress("S", "S", 2, 1, 0, 0, 0, 1, 1, 50.0));

            patch(h, "T-2", status(TaskStatus.CANCELLED));
            events = h.take();
            assertThat(types(events)).endsWith("stream:S stream.progress", "stream:S stream.completed");
            assertThat(events.get(events.size() - 1).data().get("totalTasks").asInt()).isEqualTo(1);
            assertThat(events.get(events.size() - 1).data().get("duration").asLong())
                .as("never in progress: measured from the stream's creation").isZero();

            Answer<List<Task>> cancelled = h.domain.tasks().list(new TaskFilter(Set.of(TaskStatus.CANCELLED,
                TaskStatus.FAILED), "S", null));
            assertThat(cancelled.value()).extracting(Task::id).containsExactly("T-2", "T-3");
            assertThat(cancelled.seq()).isEqualTo(h.log.headSeq());
        }
    }

    @org.junit.jupiter.api.Test
    void everyFieldOfTasksAndStreamsSurvivesARestart() {
        try (DomainHarness h = new DomainHarness(Store.SQLITE, dir)) {
            h.domain.streams().create("S-1", "One").block(TIMEOUT);
            h.domain.tasks().create(new NewTask("T-1", "Title", TaskStatus.IN_PROGRESS, "S-1", "agent-a",
                json("{'n':1,'tags':['x'],'nested':{'ok':true}}"))).block(TIMEOUT);
            h.advance(Duration.ofSeconds(2));
            patch(h, "T-1", TaskPatch.builder().progress(12.5).build());
            h.domain.tasks().create(new NewTask("T-2", "Loose", null, null, null, null)).block(TIMEOUT);
            List<Task> tasks = h.domain.tasks().list(TaskFilter.ALL).value();
            StreamView stream = h.domain.streams().get("S-1").value();

            h.restart();

            assertThat(h.domain.tasks().list(TaskFilter.ALL).value()).isEqualTo(tasks);
            assertThat(h.domain.streams().get("S-1").value()).isEqualTo(stream);
            assertThat(h.domain.tasks().list(new TaskFilter(Set.of(), null, "agent-a")).value())
                .extracting(Task::id).containsExactly("T-1");
        }
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode progress(int total, int completed, int inProgress,
                                                                           int blocked, int pending, int failed,
                                                                           int cancelled, double percent,
                                                                           String time) {
        com.fasterxml.jackson.databind.node.ObjectNode node = progress("Stream-A", "foundation", total, completed,
            inProgress, blocked, pending, failed, cancelled, percent);
        node.put("lastUpdated", "2026-01-08T" + time + "Z");
        return node;
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode progress(String id, String name, int total,
                                                                           int completed, int inProgress,
                                                                           int blocked, int pending, int failed,
                                                                           int cancelled, double percent) {
        return json("{'streamId':'" + id + "','streamName':'" + name + "','totalTasks':" + total
            + ",'completedTasks':" + completed + ",'inProgressTasks':" + inProgress + ",'blockedTasks':" + blocked
            + ",'pendingTasks':" + pending + ",'failedTasks':" + failed + ",'cancelledTasks':" + cancelled
            + ",'progressPercentage':" + percent + ",'lastUpdated':'2026-01-08T12:00:00.000Z'}");
    }
}
