"""Bad server answers give clear errors: plain HTTP servers answering garbage, WebSocket servers breaking the
protocol, servers that never answer."""

import json
import socket
import struct
import threading
import time
import unittest

from tests.harness import (Errors, FakeHttp, FakeWs, GatewayTestCase, Recorder, States, connected_frame, drain,
                           free_port, json_answer, read_client_frame, wait_until, ws_frame, ws_text)

from event_gateway import GatewayError


class RestAnswersTest(GatewayTestCase):
    def serve(self, status, body, content_type="text/html", headers=None):
        extra = {"Content-Type": content_type, **(headers or {})}
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        fake = FakeHttp(lambda *_: (status, extra, payload))
        self.addCleanup(fake.close)
        return self.client(fake.url, request_timeout=2)

    def assertError(self, code, fn, *args, **kwargs):
        with self.assertRaises(GatewayError) as cm:
            fn(*args, **kwargs)
        self.assertEqual(cm.exception.code, code, str(cm.exception))
        return cm.exception

    def test_html_instead_of_json(self):
        c = self.serve(200, b"<html><body>It works!</body></html>")
        e = self.assertError("BAD_RESPONSE", c.publish, "task:T", "x")
        self.assertEqual(e.status, 200)
        self.assertIn("not JSON", e.message)
        self.assertIn("It works!", e.message)
        self.assertIn("/api/events", e.message)

    def test_an_error_status_without_the_protocols_error_body(self):
        c = self.serve(502, b"Bad Gateway")
        e = self.assertError("BAD_RESPONSE", c.publish, "task:T", "x")
        self.assertEqual(e.status, 502)
        self.assertIn("HTTP 502", e.message)
        self.assertEqual(e.details["status"], 502)

    def test_the_protocols_error_body_passes_through(self):
        c = self.serve(409, {"error": {"code": "CONFLICT", "message": "task T exists", "details": {"id": "T"}}},
                       "application/json")
        e = self.assertError("CONFLICT", c.create_task, "a title", id="T")
        self.assertEqual((e.status, e.message, e.details), (409, "task T exists", {"id": "T"}))

    def test_401_without_a_body_is_unauthorized(self):
        c = self.serve(401, b"")
        e = self.assertError("UNAUTHORIZED", c.health)
        self.assertEqual(e.status, 401)

    def test_json_of_the_wrong_shape(self):
        c = self.serve(202, {"ok": True}, "application/json")
        e = self.assertError("BAD_RESPONSE", c.publish, "task:T", "x")
        self.assertIn("'seq'", e.message)
        e = self.assertError("BAD_RESPONSE", c.publish_many, [{"topic": "a:b", "eventType": "x"}])
        self.assertIn("'seqs'", e.message)
        e = self.assertError("BAD_RESPONSE", c.events)
        self.assertIn("'events'", e.message)

    def test_json_that_is_not_an_object(self):
        c = self.serve(200, [1, 2, 3], "application/json")
        e = self.assertError("BAD_RESPONSE", c.events)
        self.assertIn("an array", e.message)

    def test_events_out_of_order_or_malformed(self):
        page = {"events": [{"seq": 5, "topic": "a:b", "eventType": "x"}, {"seq": 4, "topic": "a:b", "eventType": "x"}],
                "headSeq": 5, "oldestSeq": 1, "hasMore": False, "truncated": False}
        c = self.serve(200, page, "application/json")
        e = self.assertError("BAD_RESPONSE", c.events)
        self.assertIn("increasing", e.message)

    def test_a_redirect_is_not_followed(self):
        c = self.serve(302, b"", headers={"Location": "http://elsewhere.example/"})
        e = self.assertError("BAD_RESPONSE", c.publish, "task:T", "x")
        self.assertIn("elsewhere.example", e.message)

    def test_nothing_listening(self):
        c = self.client(f"http://127.0.0.1:{free_port()}")
        e = self.assertError("CONNECTION_FAILED", c.publish, "task:T", "x")
        self.assertIn("connection refused", e.message)

    def test_a_server_that_never_answers(self):
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)          # the kernel accepts connections; nobody ever reads or answers
        self.addCleanup(silent.close)
        c = self.client(f"http://127.0.0.1:{silent.getsockname()[1]}", request_timeout=0.3)
        started = time.monotonic()
        e = self.assertError("TIMEOUT", c.publish, "task:T", "x")
        self.assertLess(time.monotonic() - started, 5)
        self.assertIn("0.3 s", e.message)

    def test_subscribing_against_a_plain_http_server(self):
        # A web server that is not the gateway: /ws is 404, /api/events is an HTML page.
        fake = FakeHttp(lambda method, path, headers, body: (404, {"Content-Type": "text/html"}, b"<h1>Not Found</h1>")
                        if path == "/ws" else (200, {"Content-Type": "text/html"}, b"<h1>Welcome</h1>"))
        self.addCleanup(fake.close)
        states = States()
        c = self.client(fake.url, poll_interval=0.1, backoff_initial=0.05, backoff_max=0.1, on_state=states)
        with self.assertRaises(GatewayError) as cm:
            c.subscribe(["task:*"], Recorder(), timeout=1.5)
        e = cm.exception
        self.assertEqual(e.code, "TIMEOUT")
        self.assertIn("BAD_RESPONSE", e.message)
        self.assertIn("Welcome", e.message)
        self.assertNotIn("live", states.names())
        self.assertNotIn("polling", states.names(), "garbage is not a successful poll")


class WebSocketAnswersTest(GatewayTestCase):
    def fake(self, script, status=101):
        server = FakeWs(script, status)
        self.addCleanup(server.close)
        return server

    def protocol_error(self, frames, **options):
        """Serves ``frames`` on every connection, subscribes, and answers the server and the PROTOCOL_ERROR the
        client reported."""
        def script(sock):
            sock.sendall(frames)
            drain(sock)

        server = self.fake(script)
        errs = Errors()
        c = self.client(server.url, fallback_to_polling=False, backoff_initial=0.05, backoff_max=0.1, on_error=errs,
                        **options)
        c.subscribe(["task:*"], Recorder(), wait=False)
        return server, errs.wait_code("PROTOCOL_ERROR")

    def test_a_frame_that_is_not_json_is_a_protocol_error_and_the_client_reconnects(self):
        server, e = self.protocol_error(connected_frame() + ws_text(b"this is not json"))
        self.assertIn("not JSON", e.message)
        self.assertIn("this is not json", e.message)
        wait_until(lambda: server.connections >= 2, 5, "a reconnect")

    def test_the_first_frame_must_be_connected(self):
        _, e = self.protocol_error(ws_text({"type": "event", "payload": {"seq": 1, "topic": "a:b", "eventType": "x"}}))
        self.assertIn("'event', not 'connected'", e.message)

    def test_an_event_without_a_seq(self):
        _, e = self.protocol_error(connected_frame()
                                   + ws_text({"type": "event", "payload": {"topic": "a:b", "eventType": "x"}}))
        self.assertIn("'seq'", e.message)

    def test_a_binary_frame(self):
        _, e = self.protocol_error(connected_frame() + ws_frame(b"\x00\x01", opcode=2))
        self.assertIn("non-text frame", e.message)

    def test_a_ping_is_answered_with_a_pong_carrying_its_id(self):
        answered = []
        done = threading.Event()

        def script(sock):
            sock.sendall(connected_frame() + ws_text({"type": "ping", "id": "p-7", "timestamp": "t", "payload": {}}))
            opcode, data = read_client_frame(sock)
            answered.append((opcode, json.loads(data)))
            done.set()
            drain(sock)

        server = self.fake(script)
        c = self.client(server.url, fallback_to_polling=False)
        c.connect(timeout=5)
        self.assertTrue(done.wait(5))
        self.assertEqual(answered, [(1, {"type": "pong", "id": "p-7"})])

    def test_resubscribes_with_since_after_a_connection_loss(self):
        # What the client sends on each connection: the second subscribe carries the position of the first.
        frames = []

        def script(sock):
            sock.sendall(connected_frame())
            _, data = read_client_frame(sock)
            request = json.loads(data)
            frames.append(request)
            if len(frames) == 1:
                sock.sendall(ws_text({"type": "subscribed", "id": request["id"], "timestamp": "t",
                                      "payload": {"topics": ["task:*"], "activeSubscriptions": 1, "headSeq": 40}}))
                sock.sendall(ws_text({"type": "event", "timestamp": "t",
                                      "payload": {"seq": 41, "topic": "task:A", "eventType": "x", "data": {}}}))
                time.sleep(0.2)
                sock.close()       # connection lost
                return
            # the second connection: a replay that repeats 41 (dropped as a duplicate), then 42
            sock.sendall(ws_text({"type": "subscribed", "id": request["id"], "timestamp": "t",
                                  "payload": {"topics": ["task:*"], "activeSubscriptions": 1, "headSeq": 42,
                                              "recovered": True}}))
            for seq in (41, 42):
                sock.sendall(ws_text({"type": "event", "timestamp": "t",
                                      "payload": {"seq": seq, "topic": "task:A", "eventType": "x", "data": {}}}))
            drain(sock)

        server = self.fake(script)
        rec = Recorder()
        c = self.client(server.url, fallback_to_polling=False, backoff_initial=0.05, backoff_max=0.1)
        c.subscribe(["task:*"], rec)
        rec.wait_seq(42)
        self.assertEqual(rec.seqs, [41, 42])
        self.assertEqual([f["payload"] for f in frames], [{"topics": ["task:*"]}, {"topics": ["task:*"], "since": 41}])
        self.assertEqual(c.stats["duplicates_dropped"], 1)

    def test_recovered_false_is_reported_as_lost_events(self):
        def script(sock):
            sock.sendall(connected_frame())
            _, data = read_client_frame(sock)
            rid = json.loads(data)["id"]
            sock.sendall(ws_text({"type": "subscribed", "id": rid, "timestamp": "t",
                                  "payload": {"topics": ["task:*"], "activeSubscriptions": 1, "headSeq": 900,
                                              "recovered": False}}))
            drain(sock)

        server = self.fake(script)
        errs = Errors()
        c = self.client(server.url, fallback_to_polling=False, on_error=errs)
        c.subscribe(["task:*"], Recorder(), since=5)
        e = errs.wait_code("EVENTS_LOST")
        self.assertEqual(e.details["since"], 5)
        self.assertIn("purged", e.message)

    def test_401_on_the_upgrade_is_fatal(self):
        server = self.fake(lambda sock: None, status=401)
        states, errs = States(), Errors()
        c = self.client(server.url, backoff_initial=0.05, on_state=states, on_error=errs)
        with self.assertRaises(GatewayError) as cm:
            c.subscribe(["task:*"], Recorder(), timeout=5)
        self.assertEqual((cm.exception.code, cm.exception.status), ("UNAUTHORIZED", 401))
        self.assertIn("token=", cm.exception.message)
        self.assertEqual(errs.codes(), ["UNAUTHORIZED"], "reported once to on_error too: the client is closed")
        self.assertEqual(c.state, "closed")
        with self.assertRaises(GatewayError) as cm:
            c.wait(1)
        self.assertEqual(cm.exception.code, "UNAUTHORIZED")
        self.assertEqual(server.connections, 1, "no retry without new credentials")

    def test_close_4003_is_fatal(self):
        def script(sock):
            sock.sendall(connected_frame() + ws_frame(struct.pack("!H", 4003) + b"credentials revoked", opcode=8))
            drain(sock)

        server = self.fake(script)
        errs = Errors()
        c = self.client(server.url, backoff_initial=0.05, on_error=errs)
        c.subscribe(["task:*"], Recorder(), wait=False)
        e = errs.wait_code("CREDENTIALS_REVOKED")
        self.assertEqual(e.details["closeCode"], 4003)
        self.assertTrue(c.wait_for_state("closed", timeout=5))
        time.sleep(0.2)   # a reconnect would come within backoff_initial; none may
        self.assertEqual(server.connections, 1)

    def test_a_silent_gateway_is_dropped_after_the_heartbeat_timeout(self):
        def script(sock):
            sock.sendall(connected_frame(heartbeat_ms=100))
            drain(sock)    # never sends anything again, not even ping

        server = self.fake(script)
        states = States()
        c = self.client(server.url, fallback_to_polling=False, heartbeat_timeout=0.3, backoff_initial=0.05,
                        backoff_max=0.1, on_state=states)
        c.subscribe(["task:*"], Recorder(), wait=False)
        why = states.wait_for("reconnecting", 5)
        self.assertEqual(why.code, "HEARTBEAT_TIMEOUT")
        wait_until(lambda: server.connections >= 2, 5, "a reconnect")

    def test_the_token_is_sent_on_the_upgrade_and_on_rest(self):
        def script(sock):
            sock.sendall(connected_frame())
            drain(sock)

        server = self.fake(script)
        fake_rest = FakeHttp(lambda *_: json_answer(202, {"seq": 1}))
        self.addCleanup(fake_rest.close)
        c = self.client(fake_rest.url, ws_url=server.url.replace("http", "ws") + "/ws", token="s3cret",
                        headers={"X-Trace": "t1"})
        self.assertEqual(c.publish("task:T", "x"), 1)
        _, _, headers, body = fake_rest.requests[0]
        self.assertEqual(headers["authorization"], "Bearer s3cret")
        self.assertEqual(headers["x-trace"], "t1")
        self.assertEqual(headers["content-type"], "application/json")
        self.assertEqual(json.loads(body), {"topic": "task:T", "eventType": "x", "data": {}})
        c.connect(timeout=5)
        self.assertEqual(len(server.heads), 1)
        self.assertIn(b"\r\nAuthorization: Bearer s3cret\r\n", server.heads[0])
        self.assertIn(b"\r\nX-Trace: t1\r\n", server.heads[0])
        self.assertNotIn(b"\r\nOrigin:", server.heads[0], "a non-browser client sends no Origin by default")



def event(seq, topic="task:A", **data):
    return {"type": "event", "timestamp": "2026-01-01T00:00:00.000Z",
            "payload": {"seq": seq, "topic": topic, "eventType": "x", "data": data}}


def batch(*messages):
    return {"type": "batch", "timestamp": "2026-01-01T00:00:00.000Z", "payload": {"messages": list(messages)}}


def greet(sock, head_seq=10):
    """Sends 'connected', reads the client's subscribe and returns the 'subscribed' reply for it (not sent)."""
    sock.sendall(connected_frame())
    _, data = read_client_frame(sock)
    return {"type": "subscribed", "id": json.loads(data)["id"], "timestamp": "t",
            "payload": {"topics": ["task:*"], "activeSubscriptions": 1, "headSeq": head_seq}}


class BatchFramesTest(GatewayTestCase):
    """``batch_frames=True`` against a scripted gateway (PROTOCOL.md section 5, "batch")."""

    def fake(self, script):
        server = FakeWs(script)
        self.addCleanup(server.close)
        return server

    def test_a_batch_is_handled_in_order_as_single_frames_would_be(self):
        # One batch: the reply to subscribe, an event, an overflow (repaired over REST before anything after it),
        # another event and a ping; then a single frame, which a batching connection still takes.
        log, pong = [], []
        lock = threading.Lock()

        def note(entry):
            with lock:
                log.append(entry)

        def rest(method, path, headers, body):
            note(("rest", path))
            events = [{"seq": s, "topic": "task:A", "eventType": "x", "timestamp": "2026-01-01T00:00:00.000Z",
                       "data": {"resynced": True}} for s in (12, 13, 14)]
            return json_answer(200, {"events": events, "headSeq": 16, "oldestSeq": 1, "hasMore": False,
                                     "truncated": False})

        def script(sock):
            sock.sendall(ws_text(batch(
                greet(sock),
                event(11),
                {"type": "overflow", "timestamp": "t", "payload": {"dropped": 3, "firstDroppedSeq": 12,
                                                                   "lastDroppedSeq": 14,
                                                                   "resync": "/api/events?since=11&until=14"}},
                event(15),
                {"type": "ping", "id": "p-1", "timestamp": "t", "payload": {}})))
            opcode, answer = read_client_frame(sock)
            pong.append((opcode, json.loads(answer)))
            note(("pong", json.loads(answer).get("id")))
            sock.sendall(ws_text(event(16)))
            drain(sock)

        server = self.fake(script)
        fake_rest = FakeHttp(rest)
        self.addCleanup(fake_rest.close)
        rec, errs = Recorder(), Errors()

        def callback(ev):
            note(("event", ev["seq"]))
            rec(ev)

        c = self.client(fake_rest.url, ws_url=server.url.replace("http", "ws") + "/ws", batch_frames=True,
                        fallback_to_polling=False, on_error=errs)
        c.subscribe(["task:*"], callback)
        rec.wait_seq(16)
        self.assertEqual(rec.seqs, [11, 12, 13, 14, 15, 16])
        self.assertEqual([e["data"] for e in rec.events[1:4]], [{"resynced": True}] * 3)
        self.assertEqual(pong, [(1, {"type": "pong", "id": "p-1"})])
        self.assertEqual(log, [("event", 11), ("rest", "/api/events?since=11&until=14&limit=1000&topics=task%3A%2A"),
                               ("event", 12), ("event", 13), ("event", 14), ("event", 15), ("pong", "p-1"),
                               ("event", 16)])
        self.assertTrue(server.heads[0].startswith(b"GET /ws?batch=true HTTP/1.1\r\n"), server.heads[0][:40])
        self.assertEqual((c.stats["batches"], c.stats["overflows"], c.stats["resynced_events"], c.stats["pings"]),
                         (1, 1, 3, 1))
        self.assertEqual((errs.codes(), c.stats["connections"], c.state), ([], 1, "live"))

    def test_without_batch_frames_the_url_has_no_batch_parameter(self):
        def script(sock):
            sock.sendall(connected_frame())
            drain(sock)

        server = self.fake(script)
        c = self.client(server.url, fallback_to_polling=False)
        c.connect(timeout=5)
        self.assertTrue(server.heads[0].startswith(b"GET /ws HTTP/1.1\r\n"), server.heads[0][:40])

    def test_the_messages_before_a_bad_one_are_handled_then_the_connection_ends(self):
        def script(sock):
            sock.sendall(ws_text(batch(
                greet(sock),
                event(11), event(12), {"type": "connected", "payload": {}}, event(13))))
            drain(sock)

        server = self.fake(script)
        rec, errs = Recorder(), Errors()
        c = self.client(server.url, batch_frames=True, fallback_to_polling=False, backoff_initial=0.05,
                        backoff_max=0.1, on_error=errs)
        c.subscribe(["task:*"], rec, wait=False)
        e = errs.wait_code("PROTOCOL_ERROR")
        self.assertIn("'connected' inside a batch", e.message)
        self.assertEqual(e.details["index"], 3)
        wait_until(lambda: server.connections >= 2, 5, "a reconnect")
        self.assertEqual(rec.seqs, [11, 12], "the events before the bad message, not the one after it")
        self.assertGreaterEqual(c.stats["protocol_errors"], 1)

    def malformed(self, frame, **options):
        def script(sock):
            sock.sendall(connected_frame() + ws_text(frame))
            drain(sock)

        server = self.fake(script)
        errs = Errors()
        c = self.client(server.url, fallback_to_polling=False, backoff_initial=0.05, backoff_max=0.1, on_error=errs,
                        **{"batch_frames": True, **options})
        c.subscribe(["task:*"], Recorder(), wait=False)
        e = errs.wait_code("PROTOCOL_ERROR")
        wait_until(lambda: server.connections >= 2, 5, "a reconnect")
        return e

    def test_malformed_batches_are_protocol_errors(self):
        cases = [
            ({"type": "batch", "payload": {}}, "without a 'payload.messages' array"),
            ({"type": "batch"}, "without a 'payload.messages' array"),
            ({"type": "batch", "payload": {"messages": {"type": "ping"}}}, "without a 'payload.messages' array"),
            (batch(event(1), 5), "not an object with a string 'type' (message 1)"),
            (batch({"payload": {}}, event(1)), "not an object with a string 'type' (message 0)"),
            (batch({"type": 7}), "not an object with a string 'type'"),
            (batch(event(1), batch(event(2), event(3))), "'batch' inside a batch"),
            (batch({"type": "connected", "payload": {}}), "'connected' inside a batch"),
            (batch({"type": "event", "payload": {"topic": "a:b", "eventType": "x"}}), "'seq'"),
        ]
        for frame, text in cases:
            with self.subTest(frame=frame):
                e = self.malformed(frame)
                self.assertIn(text, e.message)

    def test_a_batch_not_asked_for_is_a_protocol_error(self):
        e = self.malformed(batch(event(1), event(2)), batch_frames=False)
        self.assertIn("did not ask for", e.message)


if __name__ == "__main__":
    unittest.main()
