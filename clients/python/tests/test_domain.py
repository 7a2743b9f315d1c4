"""The domain calls (PROTOCOL.md sections 8 and 9) against the real gateway, with a subscriber watching the
events they emit."""

import unittest
import uuid

from tests.harness import GatewayTestCase, Recorder, shared_gateway

from event_gateway import GatewayError

class DomainTest(GatewayTestCase):
    @classmethod
    def setUpClass(cls):
        cls.gw = shared_gateway()

    def setUp(self):
        self.tag = uuid.uuid4().hex[:8]
        self.c = self.client(self.gw.url)

    def events_of(self, rec, event_type):
        return [e for e in rec.events if e["eventType"] == event_type]

    def test_a_task_through_its_statuses_with_its_stream(self):
        stream_id, task_id = f"Stream-{self.tag}", f"T-{self.tag}"
        since = self.c.list_tasks()["seq"]
        self.assertIsInstance(since, int)
        rec = Recorder()
        self.c.subscribe([f"task:{task_id}", f"stream:{stream_id}"], rec, since=since)

        made = self.c.create_stream(stream_id, "Foundation")
        self.assertEqual(made["stream"]["streamId"], stream_id)
        created = self.c.create_task("Write the docs", id=task_id, stream_id=stream_id, assigned_agent="agent-ta")
        task = created["task"]
        self.assertEqual((task["id"], task["title"], task["status"], task["streamId"]),
                         (task_id, "Write the docs", "pending", stream_id))
        self.assertGreater(created["seq"], since)

        updated = self.c.update_task(task_id, status="in_progress")
        self.assertEqual(updated["task"]["status"], "in_progress")
        self.c.update_task(task_id, status="completed", progress=100)
        rec.wait_for(lambda evs: any(e["eventType"] == "stream.completed" for e in evs), 10, "stream.completed")

        self.assertEqual(len(self.events_of(rec, "task.created")), 1)
        changed = self.events_of(rec, "task.status_changed")
        self.assertEqual([(e["data"]["oldStatus"], e["data"]["newStatus"]) for e in changed],
                         [("pending", "in_progress"), ("in_progress", "completed")])
        changes = self.events_of(rec, "task.updated")[0]["data"]["changes"]
        self.assertIn({"field": "status", "oldValue": "pending", "newValue": "in_progress"}, changes)
        self.assertEqual(len(self.events_of(rec, "task.completed")), 1)
        self.assertEqual(len(self.events_of(rec, "stream.started")), 1)
        progress = self.events_of(rec, "stream.progress")[-1]["data"]
        self.assertEqual((progress["totalTasks"], progress["completedTasks"], progress["progressPercentage"]),
                         (1, 1, 100.0))
        self.assertEqual(rec.seqs, sorted(set(rec.seqs)))

        self.assertEqual(self.c.get_task(task_id)["task"]["status"], "completed")
        listed = self.c.list_tasks(status="completed", stream_id=stream_id)["tasks"]
        self.assertEqual([t["id"] for t in listed], [task_id])
        self.assertEqual(self.c.list_tasks(status="blocked", stream_id=stream_id)["tasks"], [])
        self.assertIn(stream_id, [s.get("streamId") for s in self.c.list_streams().get("streams", [])])
        self.assertEqual(self.c.get_stream(stream_id)["stream"]["streamId"], stream_id)

    def test_checkpoints(self):
        task_id = self.c.create_task(f"Checkpointed {self.tag}")["task"]["id"]
        rec = Recorder()
        self.c.subscribe([f"checkpoint:{task_id}"], rec)
        first = self.c.create_checkpoint(task_id, "manual", execution_phase="implement", execution_step=2)
        cp = first["checkpoint"]
        self.assertEqual((cp["taskId"], cp["sequence"], cp["trigger"], cp["executionPhase"], cp["executionStep"]),
                         (task_id, 1, "manual", "implement", 2))
        second = self.c.create_checkpoint(task_id, "auto_phase", draft={"text": "half"})
        self.assertEqual(second["checkpoint"]["sequence"], 2)
        self.assertTrue(second["checkpoint"]["hasDraft"])
        resumed = self.c.resume_checkpoint(cp["id"])
        self.assertIsNotNone(resumed["checkpoint"]["resumedAt"])
        rec.wait_for(lambda evs: any(e["eventType"] == "checkpoint.resumed" for e in evs), 10, "checkpoint.resumed")
        self.assertEqual([e["eventType"] for e in rec.events],
                         ["checkpoint.created", "checkpoint.created", "checkpoint.resumed"])
        listed = self.c.list_checkpoints(task_id=task_id)["checkpoints"]
        self.assertEqual(sorted(c["sequence"] for c in listed), [1, 2])

    def test_agent_activity_and_handoffs(self):
        a, b = f"agent-a{self.tag}", f"agent-b{self.tag}"
        task_id = self.c.create_task(f"Handed over {self.tag}")["task"]["id"]
        ra, rb = Recorder(), Recorder()
        self.c.subscribe([f"agent:{a}"], ra)
        self.c.subscribe([f"agent:{b}"], rb)
        for kind in ("started", "heartbeat", "completed"):
            self.c.agent_activity(a, kind, task_id=task_id, phase="design", activity_description="planning")
        handoff = self.c.handoff(task_id, a, b, 1, 2, "tests next", work_product_id="WP-1")
        self.assertEqual(handoff["handoff"]["toAgent"], b)
        ra.wait_count(4)
        rb.wait_count(1)
        self.assertEqual([e["eventType"] for e in ra.events],
                         ["agent.started", "agent.heartbeat", "agent.completed", "agent.handoff"])
        self.assertEqual(rb.events[0]["eventType"], "agent.handoff")
        self.assertEqual(rb.events[0]["data"]["fromAgent"], a)

    def test_the_gateways_refusals(self):
        task_id = f"T-dup-{self.tag}"
        self.c.create_task("once", id=task_id)
        for call, code, status in [
            (lambda: self.c.create_task("twice", id=task_id), "CONFLICT", 409),
            (lambda: self.c.get_task(f"T-none-{self.tag}"), "NOT_FOUND", 404),
            (lambda: self.c.update_task(f"T-none-{self.tag}", status="blocked"), "NOT_FOUND", 404),
            (lambda: self.c.resume_checkpoint(f"CP-none-{self.tag}"), "NOT_FOUND", 404),
        ]:
            with self.assertRaises(GatewayError) as cm:
                call()
            self.assertEqual((cm.exception.code, cm.exception.status), (code, status), str(cm.exception))


if __name__ == "__main__":
    unittest.main()
