import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * An orchestrator, run against a started gateway: it creates a stream with three tasks, moves them through their
 * statuses (blocked, completed, cancelled), takes and resumes a checkpoint, reports agent activity and a handoff,
 * and prints, after each request, what a WebSocket subscriber to task:*, stream:*, checkpoint:* and agent:* receives.
 *
 * <pre>
 * java Orchestrator.java [--url http://127.0.0.1:9090] [--token TOKEN]
 * </pre>
 *
 * Only the JDK: java.net.http for REST and the WebSocket, and a small JSON reader below. The wire protocol is
 * docs/PROTOCOL.md (sections 5, 8 and 9).
 */
public final class Orchestrator {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private final String base;
    private final String token;
    private final BlockingQueue<Map<String, Object>> frames = new LinkedBlockingQueue<>();
    private WebSocket socket;
    private long seen;

    private Orchestrator(String base, String token) {
        this.base = base.replaceAll("/+$", "");
        this.token = token;
    }

    public static void main(String[] args) throws Exception {
        String url = "http://127.0.0.1:9090";
        String token = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = args[++i];
                case "--token" -> token = args[++i];
                case "-h", "--help" -> {
                    System.out.println("usage: java Orchestrator.java [--url http://127.0.0.1:9090] [--token TOKEN]");
                    return;
                }
                default -> {
                    System.err.println("unknown argument " + args[i] + "; try --help");
                    System.exit(2);
                }
            }
        }
        Orchestrator o = new Orchestrator(url, token);
        try {
            o.run();
        } catch (IOException e) {
            System.err.println("cannot reach the gateway at " + url + " (" + e + "); start it with scripts/gateway");
            System.exit(1);
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    private void run() throws Exception {
        String run = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        String stream = "checkout-" + run;
        String design = "T-" + run + "-design";
        String build = "T-" + run + "-build";
        String docs = "T-" + run + "-docs";

        connect();
        say("A subscriber listens to task:*, stream:*, checkpoint:*, agent:* (run " + run + ")");

        request("POST", "/api/streams", "{\"streamId\":\"" + stream + "\",\"streamName\":\"Checkout flow\"}");
        request("POST", "/api/tasks", "{\"id\":\"" + design + "\",\"title\":\"Design the API\",\"streamId\":\""
            + stream + "\",\"assignedAgent\":\"agent-ta\"}");
        request("POST", "/api/tasks", "{\"id\":\"" + build + "\",\"title\":\"Build it\",\"streamId\":\"" + stream
            + "\"}");
        request("POST", "/api/tasks", "{\"id\":\"" + docs + "\",\"title\":\"Write the docs\",\"streamId\":\""
            + stream + "\"}");

        request("POST", "/api/agents/agent-ta/activity", "{\"kind\":\"started\",\"streamId\":\"" + stream
            + "\",\"taskId\":\"" + design + "\",\"phase\":\"design\",\"activityDescription\":\"drafting endpoints\"}");
        request("PATCH", "/api/tasks/" + design, "{\"status\":\"in_progress\",\"progress\":10}");
        Map<String, Object> checkpoint = request("POST", "/api/tasks/" + design + "/checkpoints",
            "{\"trigger\":\"auto_phase\",\"executionPhase\":\"design\",\"executionStep\":1,"
                + "\"draft\":{\"endpoints\":[\"GET /orders\"]},\"expiresAt\":\"2099-01-01T00:00:00Z\"}");
        String checkpointId = (String) object(checkpoint.get("checkpoint")).get("id");
        request("PATCH", "/api/tasks/" + build, "{\"status\":\"blocked\"}");
        request("POST", "/api/agents/agent-ta/activity", "{\"kind\":\"heartbeat\",\"phase\":\"review\"}");
        request("POST", "/api/checkpoints/" + checkpointId + "/resume", null);
        request("PATCH", "/api/tasks/" + design, "{\"status\":\"completed\",\"progress\":100}");
        request("POST", "/api/agents/agent-ta/activity", "{\"kind\":\"completed\"}");
        request("POST", "/api/handoffs", "{\"taskId\":\"" + build + "\",\"fromAgent\":\"agent-ta\",\"toAgent\":"
            + "\"agent-me\",\"chainPosition\":1,\"chainLength\":2,\"handoffContext\":\"Design complete, ready for "
            + "implementation\",\"workProductId\":\"WP-" + run + "\"}");
        request("PATCH", "/api/tasks/" + build, "{\"status\":\"in_progress\",\"assignedAgent\":\"agent-me\"}");
        request("PATCH", "/api/tasks/" + build, "{\"status\":\"completed\",\"progress\":100}");
        request("PATCH", "/api/tasks/" + docs, "{\"status\":\"cancelled\"}");

        Map<String, Object> answer = object(request("GET", "/api/streams/" + stream, null).get("stream"));
        say("Stream " + stream + ": " + answer.get("completedTasks") + "/" + answer.get("totalTasks")
            + " tasks completed (" + answer.get("progressPercentage") + "%), " + answer.get("cancelledTasks")
            + " cancelled, completed at " + answer.get("completedAt"));
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    }

    /** Opens the WebSocket and subscribes. */
    private void connect() throws Exception {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(WAIT);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        String wsUrl = base.replaceFirst("^http", "ws") + "/ws";
        try {
            socket = builder.buildAsync(URI.create(wsUrl), new Listener()).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("WebSocket " + wsUrl + ": " + e.getCause(), e.getCause());
        }
        expect("connected");
        socket.sendText("{\"type\":\"subscribe\",\"id\":\"sub-1\",\"payload\":{\"topics\":"
            + "[\"task:*\",\"stream:*\",\"checkpoint:*\",\"agent:*\"]}}", true);
        seen = ((Number) object(expect("subscribed").get("payload")).get("headSeq")).longValue();
    }

    /** Sends a request, prints it, and prints every event the subscriber gets up to the answer's seq. */
    private Map<String, Object> request(String method, String path, String body) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(WAIT)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            req.header("Content-Type", "application/json");
        }
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (!method.equals("GET")) {
            System.out.println();
            System.out.println("> " + method + " " + path + (body == null ? "" : " " + body));
        }
        Map<String, Object> answer = object(Json.parse(response.body()));
        if (response.statusCode() >= 300) {
            throw new IllegalStateException("the gateway answered " + response.statusCode() + ": " + response.body());
        }
        long seq = ((Number) answer.get("seq")).longValue();
        if (!method.equals("GET")) {
            System.out.println("< " + response.statusCode() + " seq " + seq);
        }
        while (seen < seq) {
            Map<String, Object> event = object(expect("event").get("payload"));
            seen = ((Number) event.get("seq")).longValue();
            System.out.printf("    #%-5d %-28s %-20s %s%n", seen, event.get("topic"), event.get("eventType"),
                summary((String) event.get("eventType"), object(event.get("data"))));
        }
        return answer;
    }

    /** One line about an event's data. */
    private static String summary(String type, Map<String, Object> d) {
        switch (type) {
            case "task.created":
                return d.get("taskTitle") + " (" + d.get("status") + ")";
            case "task.updated": {
                List<String> changes = new ArrayList<>();
                for (Object c : (List<?>) d.get("changes")) {
                    Map<String, Object> change = object(c);
                    changes.add(change.get("field") + ": " + Json.write(change.get("oldValue")) + " -> "
                        + Json.write(change.get("newValue")));
                }
                return String.join(", ", changes);
            }
            case "task.status_changed":
                return d.get("oldStatus") + " -> " + d.get("newStatus");
            case "task.blocked":
            case "task.completed":
                return String.valueOf(d.get("taskTitle"));
            case "stream.started":
                return d.get("streamName") + ", by " + d.get("taskId");
            case "stream.progress":
                return d.get("completedTasks") + "/" + d.get("totalTasks") + " completed (" + d.get("progressPercentage")
                    + "%), " + d.get("inProgressTasks") + " in progress, " + d.get("blockedTasks") + " blocked";
            case "stream.blocked":
                return d.get("blockedReason") + " " + Json.write(d.get("blockedTaskIds"));
            case "stream.completed":
                return d.get("totalTasks") + " tasks in " + d.get("duration") + " ms";
            case "checkpoint.created":
            case "checkpoint.resumed":
            case "checkpoint.expired":
                return "#" + d.get("sequence") + " of " + d.get("taskId") + " (" + d.get("trigger") + ")";
            case "agent.handoff":
                return d.get("fromAgent") + " -> " + d.get("toAgent") + " on " + d.get("taskId") + " ("
                    + d.get("chainPosition") + "/" + d.get("chainLength") + "): " + d.get("handoffContext");
            default:
                if (type.startsWith("agent.")) {
                    return d.get("agentId") + " on " + d.get("taskId") + ", phase " + d.get("phase");
                }
                return Json.write(d);
        }
    }

    /** The next frame of a type, answering server pings. */
    private Map<String, Object> expect(String type) throws InterruptedException {
        for (;;) {
            Map<String, Object> frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new IllegalStateException("no '" + type + "' frame within " + WAIT.toSeconds() + " s");
            }
            String got = (String) frame.get("type");
            if (got.equals("ping")) {
                socket.sendText("{\"type\":\"pong\",\"payload\":{}}", true);
            } else if (got.equals("error")) {
                throw new IllegalStateException("the gateway sent an error: " + Json.write(frame));
            } else if (got.equals(type)) {
                return frame;
            }
        }
    }

    private static void say(String text) {
        System.out.println();
        System.out.println("== " + text);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value) {
        return (Map<String, Object>) value;
    }

    /** Collects text frames (which may arrive in parts) and queues each parsed message. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(object(Json.parse(partial.toString())));
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            if (status != WebSocket.NORMAL_CLOSURE) {
                System.err.println("the gateway closed the WebSocket: " + status + " " + reason);
            }
            return null;
        }
    }

    /** A small JSON reader and writer: objects become ordered maps, arrays lists, numbers Long or Double. */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            Json p = new Json(text);
            Object value = p.value();
            p.space();
            if (p.i != text.length()) {
                throw new IllegalArgumentException("trailing characters in " + text);
            }
            return value;
        }

        private void space() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private Object value() {
            space();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> map = new LinkedHashMap<>();
                i++;
                space();
                if (s.charAt(i) == '}') {
                    i++;
                    return map;
                }
                for (;;) {
                    space();
                    String key = string();
                    space();
                    i++; // ':'
                    map.put(key, value());
                    space();
                    if (s.charAt(i++) == '}') {
                        return map;
                    }
                }
            }
            if (c == '[') {
                List<Object> list = new ArrayList<>();
                i++;
                space();
                if (s.charAt(i) == ']') {
                    i++;
                    return list;
                }
                for (;;) {
                    list.add(value());
                    space();
                    if (s.charAt(i++) == ']') {
                        return list;
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            if (s.startsWith("true", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String number = s.substring(start, i);
            return number.matches("-?\\d+") ? (Object) Long.parseLong(number) : (Object) Double.parseDouble(number);
        }

        private String string() {
            StringBuilder out = new StringBuilder();
            i++; // opening quote
            for (;;) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'u' -> {
                            out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> out.append(e);
                    }
                } else {
                    out.append(c);
                }
            }
        }

        static String write(Object value) {
            if (value == null) {
                return "null";
            }
            if (value instanceof String text) {
                return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            }
            if (value instanceof Map<?, ?> map) {
                List<String> parts = new ArrayList<>();
                map.forEach((k, v) -> parts.add(write(k) + ":" + write(v)));
                return "{" + String.join(",", parts) + "}";
            }
            if (value instanceof List<?> list) {
                List<String> parts = new ArrayList<>();
                list.forEach(v -> parts.add(write(v)));
                return "[" + String.join(",", parts) + "]";
            }
            return String.valueOf(value);
        }
    }
}
