"""The domain calls put on the wire exactly what PROTOCOL.md section 8 says (method, path, query, JSON body), and
refuse wrong arguments before sending. Checked against a recording HTTP server: the gateway's routes for them
are not built yet (issue 4); tests/test_domain.py runs them against the real gateway once they are."""

import datetime
import json
import unittest
import urllib.parse

from tests.harness import FakeHttp, GatewayTestCase, json_answer

from event_gateway import GatewayError


class DomainWireTest(GatewayTestCase):
    def setUp(self):
        self.answer = {"task": {"id": "T-1"}, "seq": 7}
        self.fake = FakeHttp(lambda *_: json_answer(201, self.answer))
        self.addCleanup(self.fake.close)
        self.c = self.client(self.fake.url)

    def sent(self):
        method, path, headers, body = self.fake.requests[-1]
        parts = urllib.parse.urlsplit(path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        return method, parts.path, query, (json.loads(body) if body else None)

    def test_tasks(self):
        self.assertEqual(self.c.create_task("Write docs"), self.answer)
        self.assertEqual(self.sent(), ("POST", "/api/tasks", {}, {"title": "Write docs"}))
        self.c.create_task("Build", id="T-9", status="in_progress", stream_id="Stream-A", assigned_agent="agent-ta",
                           metadata={"points": 3})
        self.assertEqual(self.sent(), ("POST", "/api/tasks", {}, {
            "id": "T-9", "title": "Build", "status": "in_progress", "streamId": "Stream-A",
            "assignedAgent": "agent-ta", "metadata": {"points": 3}}))
        self.c.update_task("T-9", status="blocked", progress=40.5)
        self.assertEqual(self.sent(), ("PATCH", "/api/tasks/T-9", {}, {"status": "blocked", "progress": 40.5}))
        self.c.update_task("T-9", assigned_agent=None, title="Build it", stream_id="Stream-B", metadata={})
        self.assertEqual(self.sent(), ("PATCH", "/api/tasks/T-9", {}, {
            "assignedAgent": None, "title": "Build it", "streamId": "Stream-B", "metadata": {}}))
        self.c.get_task("T/9 x")
        method, path, _, _ = self.fake.requests[-1]
        self.assertEqual((method, path), ("GET", "/api/tasks/T%2F9%20x"))
        self.c.list_tasks()
        self.assertEqual(self.sent(), ("GET", "/api/tasks", {}, None))
        self.c.list_tasks(status="completed", stream_id="Stream-A", assigned_agent="agent-qa")
        self.assertEqual(self.sent(), ("GET", "/api/tasks", {"status": "completed", "streamId": "Stream-A",
                                                            "assignedAgent": "agent-qa"}, None))

    def test_streams(self):
        self.c.create_stream("Stream-A", "Foundation")
        self.assertEqual(self.sent(), ("POST", "/api/streams", {}, {"streamId": "Stream-A", "streamName": "Foundation"}))
        self.c.list_streams()
        self.assertEqual(self.sent(), ("GET", "/api/streams", {}, None))
        self.c.get_stream("Stream-A")
        self.assertEqual(self.sent(), ("GET", "/api/streams/Stream-A", {}, None))

    def test_checkpoints(self):
        self.c.create_checkpoint("T-1", "manual")
        self.assertEqual(self.sent(), ("POST", "/api/tasks/T-1/checkpoints", {}, {"trigger": "manual"}))
        when = datetime.datetime(2026, 1, 8, 12, 30, 0, 250000, tzinfo=datetime.timezone.utc)
        self.c.create_checkpoint("T-1", "auto_phase", execution_phase="implement", execution_step=3,
                                 draft={"text": "half"}, expires_at=when)
        self.assertEqual(self.sent(), ("POST", "/api/tasks/T-1/checkpoints", {}, {
            "trigger": "auto_phase", "executionPhase": "implement", "executionStep": 3, "draft": {"text": "half"},
            "expiresAt": "2026-01-08T12:30:00.250Z"}))
        self.c.resume_checkpoint("CP-1")
        self.assertEqual(self.sent(), ("POST", "/api/checkpoints/CP-1/resume", {}, {}))
        self.c.list_checkpoints(task_id="T-1")
        self.assertEqual(self.sent(), ("GET", "/api/checkpoints", {"taskId": "T-1"}, None))
        self.c.list_checkpoints()
        self.assertEqual(self.sent(), ("GET", "/api/checkpoints", {}, None))

    def test_agents_and_handoffs(self):
        self.c.agent_activity("agent-ta", "started", stream_id="Stream-A", task_id="T-1", phase="design",
                              activity_description="planning")
        self.assertEqual(self.sent(), ("POST", "/api/agents/agent-ta/activity", {}, {
            "kind": "started", "streamId": "Stream-A", "taskId": "T-1", "phase": "design",
            "activityDescription": "planning"}))
        self.c.agent_activity("agent-ta", "heartbeat")
        self.assertEqual(self.sent(), ("POST", "/api/agents/agent-ta/activity", {}, {"kind": "heartbeat"}))
        self.c.handoff("T-1", "agent-ta", "agent-qa", 1, 3, "tests next", work_product_id="WP-1")
        self.assertEqual(self.sent(), ("POST", "/api/handoffs", {}, {
            "taskId": "T-1", "fromAgent": "agent-ta", "toAgent": "agent-qa", "chainPosition": 1, "chainLength": 3,
            "handoffContext": "tests next", "workProductId": "WP-1"}))

    def test_wrong_arguments_are_refused_before_sending(self):
        calls = [
            lambda: self.c.create_task(""),
            lambda: self.c.create_task("t", status="done"),
            lambda: self.c.create_task("t", metadata=[1]),
            lambda: self.c.update_task("T-1"),
            lambda: self.c.update_task("T-1", status="unknown"),
            lambda: self.c.update_task("T-1", progress="half"),
            lambda: self.c.update_task("", title="x"),
            lambda: self.c.get_task(None),
            lambda: self.c.list_tasks(status="nope"),
            lambda: self.c.create_stream("Stream-A", ""),
            lambda: self.c.create_checkpoint("T-1", "Manual"),
            lambda: self.c.create_checkpoint("T-1", "x" * 65),
            lambda: self.c.create_checkpoint("T-1", "manual", execution_step="3"),
            lambda: self.c.create_checkpoint("T-1", "manual", expires_at=datetime.datetime(2026, 1, 1)),
            lambda: self.c.create_checkpoint("T-1", "manual", draft={"x": float("inf")}),
            lambda: self.c.agent_activity("agent-ta", "finished"),
            lambda: self.c.handoff("T-1", "a", "b", "1", 3, "ctx"),
            lambda: self.c.handoff("T-1", "a", "b", 1, 3, None),
        ]
        for call in calls:
            with self.assertRaises(GatewayError) as cm:
                call()
            self.assertEqual(cm.exception.code, "INVALID_ARGUMENT", str(cm.exception))
        self.assertEqual(self.fake.requests, [])

    def test_the_gateways_refusal_comes_back_with_its_code(self):
        self.answer = None
        refusing = FakeHttp(lambda *_: json_answer(404, {"error": {"code": "NOT_FOUND", "message": "no task T-404",
                                                                   "details": {"id": "T-404"}}}))
        self.addCleanup(refusing.close)
        c = self.client(refusing.url)
        with self.assertRaises(GatewayError) as cm:
            c.get_task("T-404")
        self.assertEqual((cm.exception.code, cm.exception.status, cm.exception.details),
                         ("NOT_FOUND", 404, {"id": "T-404"}))


if __name__ == "__main__":
    unittest.main()
