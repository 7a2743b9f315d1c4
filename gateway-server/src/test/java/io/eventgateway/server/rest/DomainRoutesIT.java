package io.eventgateway.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.WsTestClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every state route of PROTOCOL.md section 8 on a real server: answers, {@code seq}, list filters, and the JSON
 * errors of bad input (400 naming the field, 404, 409, 413, 415, 405 with {@code Allow}).
 */
class DomainRoutesIT extends GatewayTestSupport {

    private static final String JSON = "application/json";

    @BeforeEach
    void startGateway() {
        start();
    }

    private HttpAnswer post(String path, String body) {
        return http("POST", path, JSON, body.replace('\'', '"'));
    }

    private HttpAnswer patch(String path, String body) {
        return http("PATCH", path, JSON, body.replace('\'', '"'));
    }

    private JsonNode get(String path) {
        HttpAnswer answer = http("GET", path, null, null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    private static void assertError(HttpAnswer answer, int status, String code, String field) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.json().at("/error/code").asText()).isEqualTo(code);
        assertThat(answer.json().at("/error/message").asText()).isNotBlank();
        if (field != null) {
            assertThat(answer.json().at("/error/details/field").asText()).as(answer.body()).isEqualTo(field);
            if (status == 400) {
                assertThat(answer.json().at("/error/message").asText()).contains("'" + field + "'");
            }
        }
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.forEach(n -> ids.add(n.get("id").asText()));
        return ids;
    }

    @Test
    void aTaskIsCreatedReadPatchedAndListedWithTheSeqOfItsLastEvent() {
        HttpAnswer created = post("/api/tasks", "{'id':'T-1','title':'Write the docs','assignedAgent':'agent-ta',"
            + "'metadata':{'priority':1}}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.contentType()).isEqualTo(JSON);
        JsonNode task = created.json().get("task");
        assertThat(task.get("id").asText()).isEqualTo("T-1");
        assertThat(task.get("status").asText()).isEqualTo("pending");
        assertThat(task.get("progress").asDouble()).isZero();
        assertThat(task.get("metadata").get("priority").asInt()).isEqualTo(1);
        assertThat(task.get("streamId").isNull()).isTrue();
        assertThat(task.get("createdAt").asText()).isEqualTo(task.get("updatedAt").asText());
        long createdSeq = created.json().get("seq").asLong();
        assertThat(createdSeq).isEqualTo(headSeq());

        HttpAnswer patched = patch("/api/tasks/T-1", "{'status':'in_progress','progress':25}");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().at("/task/status").asText()).isEqualTo("in_progress");
        assertThat(patched.json().at("/task/progress").asDouble()).isEqualTo(25.0);
        assertThat(patched.json().get("seq").asLong()).isEqualTo(createdSeq + 2).isEqualTo(headSeq());

        JsonNode one = get("/api/tasks/T-1");
        assertThat(one.get("task")).isEqualTo(patched.json().get("task"));
        assertThat(one.get("seq").asLong()).isEqualTo(headSeq());
        JsonNode all = get("/api/tasks");
        assertThat(ids(all.get("tasks"))).containsExactly("T-1");
        assertThat(all.get("seq").asLong()).isEqualTo(headSeq());
    }

    @Test
    void listsFilterByEveryQueryParameter() {
        post("/api/streams", "{'streamId':'S-1','streamName':'One'}");
        post("/api/tasks", "{'id':'T-1','title':'a','streamId':'S-1','assignedAgent':'ag-1'}");
        post("/api/tasks", "{'id':'T-2','title':'b','streamId':'S-1','status':'blocked'}");
        post("/api/tasks", "{'id':'T-3','title':'c','status':'in_progress','assignedAgent':'ag-1'}");
        post("/api/tasks", "{'id':'T-4','title':'d','status':'completed'}");

        assertThat(ids(get("/api/tasks").get("tasks"))).containsExactly("T-1", "T-2", "T-3", "T-4");
        assertThat(ids(get("/api/tasks?status=blocked").get("tasks"))).containsExactly("T-2");
        assertThat(ids(get("/api/tasks?status=in_progress,completed").get("tasks"))).containsExactly("T-3", "T-4");
        assertThat(ids(get("/api/tasks?status=pending&status=blocked").get("tasks"))).containsExactly("T-1", "T-2");
        assertThat(ids(get("/api/tasks?streamId=S-1").get("tasks"))).containsExactly("T-1", "T-2");
        assertThat(ids(get("/api/tasks?assignedAgent=ag-1").get("tasks"))).containsExactly("T-1", "T-3");
        assertThat(ids(get("/api/tasks?assignedAgent=ag-1&streamId=S-1").get("tasks"))).containsExactly("T-1");
        assertThat(get("/api/tasks?streamId=S-404").get("tasks")).isEmpty();

        assertError(http("GET", "/api/tasks?status=done", null, null), 400, "BAD_REQUEST", "status");
        HttpAnswer unknown = http("GET", "/api/tasks?stauts=blocked", null, null);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().at("/error/details/parameter").asText()).isEqualTo("stauts");

        post("/api/tasks/T-1/checkpoints", "{'trigger':'manual'}");
        post("/api/tasks/T-2/checkpoints", "{'trigger':'manual'}");
        post("/api/tasks/T-1/checkpoints", "{'trigger':'auto_phase'}");
        JsonNode forT1 = get("/api/checkpoints?taskId=T-1").get("checkpoints");
        assertThat(forT1).hasSize(2);
        assertThat(forT1.get(0).get("sequence").asInt()).isEqualTo(1);
        assertThat(forT1.get(1).get("sequence").asInt()).isEqualTo(2);
        assertThat(forT1.get(1).get("trigger").asText()).isEqualTo("auto_phase");
        assertThat(get("/api/checkpoints").get("checkpoints")).hasSize(3);
        assertThat(get("/api/checkpoints?taskId=T-404").get("checkpoints")).isEmpty();
    }

    @Test
    void streamsAreCreatedOnceAndAnswerTheirProgressAndTaskList() {
        HttpAnswer created = post("/api/streams", "{'streamId':'Stream-A','streamName':'foundation'}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().at("/stream/streamId").asText()).isEqualTo("Stream-A");
        assertThat(created.json().at("/stream/taskList")).isEmpty();
        assertError(post("/api/streams", "{'streamId':'Stream-A','streamName':'again'}"), 409, "CONFLICT",
            "streamId");
        assertError(post("/api/streams", "{'streamId':'Stream-B'}"), 400, "BAD_REQUEST", "streamName");
        assertError(post("/api/streams", "{'streamId':'bad id','streamName':'x'}"), 400, "BAD_REQUEST",
            "streamId");

        post("/api/tasks", "{'id':'T-1','title':'one','streamId':'Stream-A'}");
        post("/api/tasks", "{'id':'T-2','title':'two','streamId':'Stream-A','status':'completed'}");
        JsonNode stream = get("/api/streams/Stream-A");
        assertThat(stream.get("seq").asLong()).isEqualTo(headSeq());
        JsonNode s = stream.get("stream");
        assertThat(s.get("streamName").asText()).isEqualTo("foundation");
        assertThat(s.get("totalTasks").asInt()).isEqualTo(2);
        assertThat(s.get("completedTasks").asInt()).isEqualTo(1);
        assertThat(s.get("progressPercentage").asDouble()).isEqualTo(50.0);
        assertThat(ids(s.get("taskList"))).containsExactly("T-1", "T-2");
        assertThat(get("/api/streams").get("streams")).hasSize(1);
        assertError(http("GET", "/api/streams/Stream-Z", null, null), 404, "NOT_FOUND", "streamId");
    }

    @Test
    void checkpointsAreCreatedAndResumedOnce() {
        post("/api/tasks", "{'id':'T-1','title':'one'}");
        HttpAnswer created = post("/api/tasks/T-1/checkpoints", "{'trigger':'error','executionPhase':'build',"
            + "'executionStep':2,'draft':{'diff':'...'},'expiresAt':'2099-01-01T00:00:00+01:00'}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode cp = created.json().get("checkpoint");
        assertThat(cp.get("sequence").asInt()).isEqualTo(1);
        assertThat(cp.get("hasDraft").asBoolean()).isTrue();
        assertThat(cp.has("draft")).as("lists and creation answer without the draft").isFalse();
        assertThat(cp.get("expiresAt").asText()).isEqualTo("2098-12-31T23:00:00.000Z");
        String id = cp.get("id").asText();

        HttpAnswer resumed = http("POST", "/api/checkpoints/" + id + "/resume", null, null);
        assertThat(resumed.status()).isEqualTo(200);
        assertThat(resumed.json().at("/checkpoint/draft/diff").asText()).isEqualTo("...");
        assertThat(resumed.json().at("/checkpoint/resumedAt").isTextual()).isTrue();
        assertThat(resumed.json().get("seq").asLong()).isEqualTo(headSeq());
        assertError(http("POST", "/api/checkpoints/" + id + "/resume", null, null), 409, "CONFLICT", null);
        assertError(http("POST", "/api/checkpoints/CP-404/resume", null, null), 404, "NOT_FOUND", "checkpointId");
        assertError(post("/api/tasks/T-404/checkpoints", "{'trigger':'manual'}"), 404, "NOT_FOUND", "taskId");
        assertError(post("/api/tasks/T-1/checkpoints", "{'trigger':'Manual!'}"), 400, "BAD_REQUEST", "trigger");
        assertError(post("/api/tasks/T-1/checkpoints", "{}"), 400, "BAD_REQUEST", "trigger");
        assertError(post("/api/tasks/T-1/checkpoints", "{'trigger':'manual','executionStep':'2'}"), 400,
            "BAD_REQUEST", "executionStep");
        assertError(post("/api/tasks/T-1/checkpoints", "{'trigger':'manual','expiresAt':'tomorrow'}"), 400,
            "BAD_REQUEST", "expiresAt");
        assertError(post("/api/tasks/T-1/checkpoints", "{'trigger':'manual','expiresAt':'2000-01-01T00:00:00Z'}"),
            400, "BAD_REQUEST", "expiresAt");
    }

    @Test
    void agentActivityAndHandoffsAreRecorded() {
        post("/api/streams", "{'streamId':'S-1','streamName':'One'}");
        post("/api/tasks", "{'id':'T-1','title':'one','streamId':'S-1'}");

        HttpAnswer started = post("/api/agents/agent-ta/activity", "{'kind':'started','streamId':'S-1',"
            + "'taskId':'T-1','phase':'design','activityDescription':'drafting'}");
        assertThat(started.status()).isEqualTo(202);
        assertThat(started.json().at("/agent/status").asText()).isEqualTo("active");
        assertThat(started.json().at("/agent/phase").asText()).isEqualTo("design");
        assertThat(started.json().get("seq").asLong()).isEqualTo(headSeq());
        HttpAnswer beat = post("/api/agents/agent-ta/activity", "{'kind':'heartbeat'}");
        assertThat(beat.status()).isEqualTo(202);
        assertThat(beat.json().at("/agent/lastHeartbeatAt").isTextual()).isTrue();
        assertError(post("/api/agents/agent-ta/activity", "{'kind':'paused'}"), 400, "BAD_REQUEST", "kind");
        assertError(post("/api/agents/agent-ta/activity", "{'kind':'started','taskId':'T-9'}"), 404, "NOT_FOUND",
            "taskId");
        assertError(post("/api/agents/bad%20agent/activity", "{'kind':'started'}"), 400, "BAD_REQUEST", "agentId");

        HttpAnswer handoff = post("/api/handoffs", "{'taskId':'T-1','fromAgent':'agent-ta','toAgent':'agent-me',"
            + "'chainPosition':1,'chainLength':2,'handoffContext':'Design complete'}");
        assertThat(handoff.status()).isEqualTo(201);
        assertThat(handoff.json().at("/handoff/handoffId").asText()).startsWith("HO-");
        assertThat(handoff.json().at("/handoff/workProductId").isNull()).isTrue();
        assertThat(handoff.json().get("seq").asLong()).isEqualTo(headSeq());
        assertError(post("/api/handoffs", "{'taskId':'T-1','fromAgent':'a','toAgent':'b','chainLength':2,"
            + "'handoffContext':'x'}"), 400, "BAD_REQUEST", "chainPosition");
        assertError(post("/api/handoffs", "{'taskId':'T-1','fromAgent':'a','toAgent':'b','chainPosition':'1',"
            + "'chainLength':2,'handoffContext':'x'}"), 400, "BAD_REQUEST", "chainPosition");
        assertError(post("/api/handoffs", "{'taskId':'T-9','fromAgent':'a','toAgent':'b','chainPosition':1,"
            + "'chainLength':2,'handoffContext':'x'}"), 404, "NOT_FOUND", "taskId");
    }

    @Test
    void badBodiesAreAnsweredWithJsonErrorsNamingTheField() {
        post("/api/tasks", "{'id':'T-1','title':'one'}");
        assertError(post("/api/tasks", "{'status':'pending'}"), 400, "BAD_REQUEST", "title");
        assertError(post("/api/tasks", "{'title':'  '}"), 400, "BAD_REQUEST", "title");
        assertError(post("/api/tasks", "{'title':42}"), 400, "BAD_REQUEST", "title");
        assertError(post("/api/tasks", "{'title':'x','status':'done'}"), 400, "BAD_REQUEST", "status");
        assertError(post("/api/tasks", "{'title':'x','status':3}"), 400, "BAD_REQUEST", "status");
        assertError(post("/api/tasks", "{'id':'T-1','title':'again'}"), 409, "CONFLICT", "id");
        assertError(post("/api/tasks", "{'title':'x','streamId':'S-404'}"), 404, "NOT_FOUND", "streamId");
        assertError(post("/api/tasks", "{'title':'x','metadata':[1]}"), 400, "BAD_REQUEST", "metadata");
        assertError(post("/api/tasks", "{'title':'x','colour':'red'}"), 400, "BAD_REQUEST", "colour");
        assertError(post("/api/tasks", "{'title':'x','progress':5}"), 400, "BAD_REQUEST", "progress");
        assertError(post("/api/tasks", "{'id':'a b','title':'x'}"), 400, "BAD_REQUEST", "id");
        assertError(patch("/api/tasks/T-1", "{'status':'finished'}"), 400, "BAD_REQUEST", "status");
        assertError(patch("/api/tasks/T-1", "{'title':null}"), 400, "BAD_REQUEST", "title");
        assertError(patch("/api/tasks/T-1", "{'progress':101}"), 400, "BAD_REQUEST", "progress");
        assertError(patch("/api/tasks/T-1", "{'progress':'50'}"), 400, "BAD_REQUEST", "progress");
        assertError(patch("/api/tasks/T-1", "{'metadata':null}"), 400, "BAD_REQUEST", "metadata");
        assertError(patch("/api/tasks/T-1", "{'id':'T-2'}"), 400, "BAD_REQUEST", "id");
        assertError(patch("/api/tasks/T-404", "{'status':'blocked'}"), 404, "NOT_FOUND", "taskId");
        assertError(http("GET", "/api/tasks/T-404", null, null), 404, "NOT_FOUND", "taskId");

        assertError(http("POST", "/api/tasks", "text/plain", "{\"title\":\"x\"}"), 415, "UNSUPPORTED_MEDIA_TYPE",
            null);
        assertError(http("PATCH", "/api/tasks/T-1", null, "{\"title\":\"x\"}"), 415, "UNSUPPORTED_MEDIA_TYPE",
            null);
        assertError(post("/api/tasks", "{'title':"), 400, "BAD_REQUEST", null);
        assertError(post("/api/tasks", "['title']"), 400, "BAD_REQUEST", null);
        assertError(http("POST", "/api/tasks", JSON, ""), 400, "BAD_REQUEST", null);
        String big = "{\"title\":\"x\",\"metadata\":{\"blob\":\"" + "x".repeat(JsonBody.MAX_BYTES) + "\"}}";
        assertError(http("POST", "/api/tasks", JSON, big), 413, "PAYLOAD_TOO_LARGE", null);

        assertThat(ids(get("/api/tasks").get("tasks"))).as("nothing was changed").containsExactly("T-1");
        assertThat(get("/api/tasks/T-1").at("/task/title").asText()).isEqualTo("one");
    }

    @Test
    void unknownPathsAre404AndOtherMethods405WithAllow() {
        HttpAnswer delete = http("DELETE", "/api/tasks/T-1", null, null);
        assertError(delete, 405, "METHOD_NOT_ALLOWED", null);
        assertThat(delete.allow()).isEqualTo("GET, PATCH");
        assertThat(http("PUT", "/api/tasks", JSON, "{}").allow()).isEqualTo("GET, POST");
        assertThat(http("GET", "/api/checkpoints/CP-1/resume", null, null).allow()).isEqualTo("POST");
        assertThat(http("GET", "/api/handoffs", null, null).allow()).isEqualTo("POST");
        assertThat(http("GET", "/api/agents/a/activity", null, null).allow()).isEqualTo("POST");
        assertThat(http("POST", "/api/streams/S-1", JSON, "{}").allow()).isEqualTo("GET");
        assertError(http("GET", "/api/tasks/T-1/comments", null, null), 404, "NOT_FOUND", null);
        assertError(http("GET", "/api/agents", null, null), 404, "NOT_FOUND", null);
        assertError(http("GET", "/api/nothing", null, null), 404, "NOT_FOUND", null);
    }

    @Test
    void anIdWithASlashIsAddressedPercentEncoded() {
        assertThat(post("/api/tasks", "{'id':'repo/T-1','title':'slash'}").status()).isEqualTo(201);
        assertThat(get("/api/tasks/repo%2FT-1").at("/task/id").asText()).isEqualTo("repo/T-1");
        assertThat(patch("/api/tasks/repo%2FT-1", "{'status':'blocked'}").status()).isEqualTo(200);
    }

    @Test
    void subscribingWithSinceTheSeqOfARestAnswerMissesNothingAndRepeatsNothing() {
        post("/api/streams", "{'streamId':'S-1','streamName':'One'}");
        post("/api/tasks", "{'id':'T-1','title':'one','streamId':'S-1'}");
        long seq = get("/api/streams/S-1").get("seq").asLong();
        long last = patch("/api/tasks/T-1", "{'status':'blocked'}").json().get("seq").asLong();

        try (WsTestClient client = ws()) {
            client.connected();
            client.send("{\"type\":\"subscribe\",\"id\":\"s\",\"payload\":{\"topics\":[\"task:*\",\"stream:*\"],"
                + "\"since\":" + seq + "}}");
            assertThat(client.expect("subscribed").at("/payload/recovered").asBoolean()).isTrue();
            List<String> got = new ArrayList<>();
            for (JsonNode frame : client.framesThroughEvent(last)) {
                got.add(frame.at("/payload/seq").asLong() + " " + frame.at("/payload/eventType").asText());
            }
            assertThat(got).containsExactly((seq + 1) + " task.updated", (seq + 2) + " task.status_changed",
                (seq + 3) + " task.blocked", (seq + 4) + " stream.progress", (seq + 5) + " stream.blocked");
        }
    }

    private long headSeq() {
        return http("GET", "/api/events?since=0&limit=1", null, null).json().get("headSeq").asLong();
    }
}
