package io.eventgateway.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.event.EventCodec;
import io.eventgateway.server.GatewayServer;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.WsTestClient;
import io.eventgateway.testing.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every event of PROTOCOL.md section 9 as a WebSocket subscriber to {@code task:*}, {@code stream:*},
 * {@code checkpoint:*} and {@code agent:*} receives it, on the default SQLite store, with its exact {@code data}
 * (the clock is moved by hand, so every timestamp is known).
 */
class DomainEventsIT extends GatewayTestSupport {

    private static final Instant START = Instant.parse("2026-01-08T12:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(START);
    private WsTestClient subscriber;

    @BeforeEach
    void startWithASubscriber() {
        start(GatewayServer.builder(TEST_CONFIG.withStore(TEST_CONFIG.store().withUrl("r2dbc:sqlite:"
            + dir.resolve("events.db")))).clock(clock));
        subscriber = ws();
        subscriber.connected();
        subscriber.subscribe("{\"topics\":[\"task:*\",\"stream:*\",\"checkpoint:*\",\"agent:*\"]}");
    }

    @AfterEach
    void closeSubscriber() {
        subscriber.close();
    }

    private JsonNode send(String method, String path, String body, int status) {
        HttpAnswer answer = http(method, path, "application/json", body.replace('\'', '"'));
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        return answer.json();
    }

    /** The event frames up to the answer's seq: each as "topic eventType", then its data. */
    private List<JsonNode> eventsThrough(JsonNode answer) {
        List<JsonNode> events = new ArrayList<>();
        for (JsonNode frame : subscriber.framesThroughEvent(answer.get("seq").asLong())) {
            assertThat(frame.get("type").asText()).isEqualTo("event");
            assertThat(frame.get("timestamp").asText()).isEqualTo(EventCodec.timestamp(clock.instant()));
            events.add(frame.get("payload"));
        }
        return events;
    }

    private static List<String> types(List<JsonNode> events) {
        List<String> types = new ArrayList<>();
        events.forEach(e -> types.add(e.get("topic").asText() + " " + e.get("eventType").asText()));
        return types;
    }

    private static JsonNode json(String singleQuoted) {
        try {
            return EventCodec.JSON.readTree(singleQuoted.replace('\'', '"'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String at(int seconds) {
        return EventCodec.timestamp(START.plusSeconds(seconds));
    }

    private static JsonNode progress(String stream, String name, int total, int completed, int inProgress,
                                     int blocked, int pending, double percent, int seconds) {
        return json("{'streamId':'" + stream + "','streamName':'" + name + "','totalTasks':" + total
            + ",'completedTasks':" + completed + ",'inProgressTasks':" + inProgress + ",'blockedTasks':" + blocked
            + ",'pendingTasks':" + pending + ",'failedTasks':0,'cancelledTasks':0,'progressPercentage':" + percent
            + ",'lastUpdated':'" + at(seconds) + "'}");
    }

    @Test
    void tasksAndStreamsEmitEveryEventWithItsExactData() {
        assertThat(send("POST", "/api/streams", "{'streamId':'Stream-A','streamName':'foundation'}", 201)
            .at("/stream/streamId").asText()).isEqualTo("Stream-A");
        List<JsonNode> events = eventsThrough(send("POST", "/api/tasks", "{'id':'T-1','title':'Design',"
            + "'streamId':'Stream-A','assignedAgent':'agent-ta'}", 201));
        assertThat(types(events)).containsExactly("task:T-1 task.created", "stream:Stream-A stream.progress");
        assertThat(events.get(0).get("data")).isEqualTo(json("{'taskId':'T-1','taskTitle':'Design',"
            + "'status':'pending','streamId':'Stream-A','assignedAgent':'agent-ta','progress':0.0,'metadata':{},"
            + "'createdAt':'" + at(0) + "'}"));
        assertThat(events.get(1).get("data")).isEqualTo(progress("Stream-A", "foundation", 1, 0, 0, 0, 1, 0.0, 0));
        eventsThrough(send("POST", "/api/tasks", "{'id':'T-2','title':'Build','streamId':'Stream-A'}", 201));

        clock.advance(Duration.ofSeconds(10));
        events = eventsThrough(send("PATCH", "/api/tasks/T-1", "{'status':'in_progress'}", 200));
        assertThat(types(events)).containsExactly("task:T-1 task.updated", "task:T-1 task.status_changed",
            "stream:Stream-A stream.started", "stream:Stream-A stream.progress");
        String t1 = "'taskId':'T-1','taskTitle':'Design','status':'in_progress','streamId':'Stream-A',"
            + "'assignedAgent':'agent-ta',";
        assertThat(events.get(0).get("data")).isEqualTo(json("{" + t1 + "'changes':[{'field':'status',"
            + "'oldValue':'pending','newValue':'in_progress'}],'updatedAt':'" + at(10) + "'}"));
        assertThat(events.get(1).get("data")).isEqualTo(json("{" + t1 + "'oldStatus':'pending',"
            + "'newStatus':'in_progress','statusChangedAt':'" + at(10) + "'}"));
        assertThat(events.get(2).get("data")).isEqualTo(json("{'streamId':'Stream-A','streamName':'foundation',"
            + "'taskId':'T-1','totalTasks':2,'startedAt':'" + at(10) + "'}"));
        assertThat(events.get(3).get("data")).isEqualTo(progress("Stream-A", "foundation", 2, 0, 1, 0, 1, 0.0, 10));

        clock.advance(Duration.ofSeconds(5));
        events = eventsThrough(send("PATCH", "/api/tasks/T-2", "{'status':'blocked'}", 200));
        assertThat(types(events)).containsExactly("task:T-2 task.updated", "task:T-2 task.status_changed",
            "task:T-2 task.blocked", "stream:Stream-A stream.progress", "stream:Stream-A stream.blocked");
        assertThat(events.get(2).get("data")).isEqualTo(json("{'taskId':'T-2','taskTitle':'Build',"
            + "'status':'blocked','streamId':'Stream-A','assignedAgent':null,'blockedAt':'" + at(15) + "'}"));
        assertThat(events.get(4).get("data")).isEqualTo(json("{'streamId':'Stream-A','streamName':'foundation',"
            + "'blockedReason':'task T-2 (Build) is blocked','blockedTaskIds':['T-2']}"));

        clock.advance(Duration.ofSeconds(5));
        events = eventsThrough(send("PATCH", "/api/tasks/T-1", "{'status':'completed','progress':100}", 200));
        assertThat(types(events)).containsExactly("task:T-1 task.updated", "task:T-1 task.status_changed",
            "task:T-1 task.completed", "stream:Stream-A stream.progress");
        assertThat(events.get(0).at("/data/changes")).isEqualTo(json("[{'field':'status','oldValue':'in_progress',"
            + "'newValue':'completed'},{'field':'progress','oldValue':0.0,'newValue':100.0}]"));
        assertThat(events.get(2).get("data")).isEqualTo(json("{'taskId':'T-1','taskTitle':'Design',"
            + "'status':'completed','streamId':'Stream-A','assignedAgent':'agent-ta','completedAt':'" + at(20)
            + "'}"));
        assertThat(events.get(3).get("data")).isEqualTo(progress("Stream-A", "foundation", 2, 1, 0, 1, 0, 50.0, 20));

        // T-2 moves to another stream: the one it leaves is complete now, the one it joins starts.
        send("POST", "/api/streams", "{'streamId':'Stream-B','streamName':'polish'}", 201);
        clock.advance(Duration.ofSeconds(4));
        events = eventsThrough(send("PATCH", "/api/tasks/T-2", "{'streamId':'Stream-B','status':'in_progress'}",
            200));
        assertThat(types(events)).containsExactly("task:T-2 task.updated", "task:T-2 task.status_changed",
            "stream:Stream-A stream.progress", "stream:Stream-A stream.completed", "stream:Stream-B stream.started",
            "stream:Stream-B stream.progress");
        assertThat(events.get(0).at("/data/changes")).isEqualTo(json("[{'field':'status','oldValue':'blocked',"
            + "'newValue':'in_progress'},{'field':'streamId','oldValue':'Stream-A','newValue':'Stream-B'}]"));
        assertThat(events.get(2).get("data")).isEqualTo(progress("Stream-A", "foundation", 1, 1, 0, 0, 0, 100.0,
            24));
        assertThat(events.get(3).get("data")).isEqualTo(json("{'streamId':'Stream-A','streamName':'foundation',"
            + "'totalTasks':1,'completedAt':'" + at(24) + "','duration':14000}"));
        assertThat(events.get(5).get("data")).isEqualTo(progress("Stream-B", "polish", 1, 0, 1, 0, 0, 0.0, 24));

        JsonNode streams = http("GET", "/api/streams", null, null).json();
        assertThat(streams.at("/streams/0/completedAt").asText()).isEqualTo(at(24));
        assertThat(streams.at("/streams/1/taskList/0/id").asText()).isEqualTo("T-2");
        assertThat(subscriber.poll(Duration.ofMillis(200))).as("nothing more").isNull();
    }

    @Test
    void checkpointsAndAgentsEmitEveryEventWithItsExactData() {
        send("POST", "/api/streams", "{'streamId':'Stream-A','streamName':'foundation'}", 201);
        eventsThrough(send("POST", "/api/tasks", "{'id':'T-1','title':'Design','streamId':'Stream-A'}", 201));

        JsonNode created = send("POST", "/api/tasks/T-1/checkpoints", "{'trigger':'auto_phase',"
            + "'executionPhase':'design','executionStep':2,'draft':'notes','expiresAt':'2026-01-08T13:00:00Z'}", 201);
        String id = created.at("/checkpoint/id").asText();
        List<JsonNode> events = eventsThrough(created);
        assertThat(types(events)).containsExactly("checkpoint:T-1 checkpoint.created");
        assertThat(events.get(0).get("data")).isEqualTo(json("{'checkpointId':'" + id + "','taskId':'T-1',"
            + "'taskTitle':'Design','sequence':1,'trigger':'auto_phase','executionPhase':'design',"
            + "'executionStep':2,'hasDraft':true,'expiresAt':'2026-01-08T13:00:00.000Z','createdAt':'" + at(0)
            + "'}"));
        clock.advance(Duration.ofSeconds(30));
        JsonNode resumed = send("POST", "/api/checkpoints/" + id + "/resume", "{}", 200);
        assertThat(resumed.at("/checkpoint/draft").asText()).isEqualTo("notes");
        events = eventsThrough(resumed);
        assertThat(types(events)).containsExactly("checkpoint:T-1 checkpoint.resumed");
        assertThat(events.get(0).get("data")).isEqualTo(json("{'checkpointId':'" + id + "','taskId':'T-1',"
            + "'taskTitle':'Design','sequence':1,'trigger':'auto_phase','executionPhase':'design',"
            + "'executionStep':2,'hasDraft':true,'resumedAt':'" + at(30) + "'}"));

        events = eventsThrough(send("POST", "/api/agents/agent-ta/activity", "{'kind':'started','streamId':"
            + "'Stream-A','taskId':'T-1','phase':'design','activityDescription':'drafting','agentName':'Architect'}",
            202));
        String agent = "'streamId':'Stream-A','streamName':'foundation','agentId':'agent-ta','agentName':"
            + "'Architect','taskId':'T-1','taskTitle':'Design','activityDescription':'drafting','phase':'design',"
            + "'startedAt':'" + at(30) + "'";
        assertThat(types(events)).containsExactly("agent:agent-ta agent.started");
        assertThat(events.get(0).get("data")).isEqualTo(json("{" + agent + "}"));
        clock.advance(Duration.ofSeconds(30));
        events = eventsThrough(send("POST", "/api/agents/agent-ta/activity", "{'kind':'heartbeat'}", 202));
        assertThat(types(events)).containsExactly("agent:agent-ta agent.heartbeat");
        assertThat(events.get(0).get("data")).isEqualTo(json("{" + agent + ",'heartbeatAt':'" + at(60) + "'}"));
        clock.advance(Duration.ofSeconds(30));
        events = eventsThrough(send("POST", "/api/agents/agent-ta/activity", "{'kind':'completed'}", 202));
        assertThat(types(events)).containsExactly("agent:agent-ta agent.completed");
        assertThat(events.get(0).get("data")).isEqualTo(json("{" + agent + ",'completedAt':'" + at(90) + "'}"));

        JsonNode handoff = send("POST", "/api/handoffs", "{'taskId':'T-1','fromAgent':'agent-ta','toAgent':"
            + "'agent-me','chainPosition':1,'chainLength':2,'handoffContext':'Design complete, ready for "
            + "implementation','workProductId':'WP-def456'}", 201);
        events = eventsThrough(handoff);
        assertThat(types(events)).containsExactly("agent:agent-ta agent.handoff", "agent:agent-me agent.handoff");
        JsonNode expected = json("{'handoffId':'" + handoff.at("/handoff/handoffId").asText() + "','taskId':'T-1',"
            + "'fromAgent':'agent-ta','toAgent':'agent-me','chainPosition':1,'chainLength':2,'handoffContext':"
            + "'Design complete, ready for implementation','workProductId':'WP-def456','handoffAt':'" + at(90)
            + "'}");
        assertThat(events.get(0).get("data")).isEqualTo(expected);
        assertThat(events.get(1).get("data")).isEqualTo(expected);
        assertThat(handoff.get("handoff")).isEqualTo(expected);
        assertThat(subscriber.poll(Duration.ofMillis(200))).as("nothing more").isNull();
    }
}
