"""Subscribe, receive, publish against the real gateway (shared by these tests; each uses its own entity)."""

import datetime
import threading
import unittest
import uuid

from tests.harness import Errors, GatewayTestCase, Recorder, States, shared_gateway, wait_until

from event_gateway import GatewayError


def entity() -> str:
    return "e" + uuid.uuid4().hex[:10]


class LiveTest(GatewayTestCase):
    @classmethod
    def setUpClass(cls):
        cls.gw = shared_gateway()

    def test_an_event_published_over_rest_reaches_the_callback(self):
        ent = entity()
        rec = Recorder()
        c = self.client(self.gw.url)
        sub = c.subscribe([f"{ent}:*"], rec)
        self.assertEqual(c.state, "live")
        self.assertTrue(sub.ready)
        other = c.publish(f"other{ent}:X", "noise", {"n": 1})
        seq = c.publish(f"{ent}:T-1", "task.progress", {"percent": 50})
        self.assertGreater(seq, other)
        rec.wait_seq(seq)
        self.assertEqual(len(rec.events), 1, "the event on another entity must not be delivered")
        ev = rec.events[0]
        self.assertEqual({k: ev[k] for k in ("seq", "topic", "eventType", "data")},
                         {"seq": seq, "topic": f"{ent}:T-1", "eventType": "task.progress", "data": {"percent": 50}})
        stamp = datetime.datetime.fromisoformat(ev["timestamp"].replace("Z", "+00:00"))
        self.assertLess(abs((datetime.datetime.now(datetime.timezone.utc) - stamp).total_seconds()), 60)
        self.assertEqual(sub.last_seq, seq)

    def test_since_replays_retained_events_then_live_ones_in_order(self):
        ent = entity()
        c = self.client(self.gw.url)
        first = c.publish(f"{ent}:A", "x", {"i": 0})
        before = [c.publish(f"{ent}:A", "x", {"i": i}) for i in range(1, 6)]
        rec = Recorder()
        c.subscribe([f"{ent}:A"], rec, since=first)
        rec.wait_seq(before[-1])
        after = [c.publish(f"{ent}:A", "x", {"i": i}) for i in range(6, 9)]
        rec.wait_seq(after[-1])
        self.assertEqual(rec.seqs, before + after)
        self.assertEqual([e["data"]["i"] for e in rec.events], list(range(1, 9)))

    def test_without_since_delivery_starts_at_the_head(self):
        ent = entity()
        c = self.client(self.gw.url)
        old = c.publish(f"{ent}:A", "old")
        rec = Recorder()
        sub = c.subscribe([f"{ent}:*"], rec)
        self.assertGreaterEqual(sub.last_seq, old)
        new = c.publish(f"{ent}:A", "new")
        rec.wait_seq(new)
        self.assertEqual(rec.seqs, [new])

    def test_overlapping_subscriptions_each_get_each_event_once_and_unsubscribe_stops_one(self):
        ent = entity()
        c = self.client(self.gw.url)
        wide, narrow, marker = Recorder(), Recorder(), Recorder()
        c.subscribe([f"{ent}:*", "*"], wide)          # two patterns matching the same events: still once
        sub_narrow = c.subscribe(f"{ent}:T-1", narrow)
        c.subscribe([f"m{ent}:*"], marker)
        s1 = c.publish(f"{ent}:T-1", "x")
        s2 = c.publish(f"{ent}:T-2", "x")
        narrow.wait_seq(s1)
        wide.wait_for(lambda evs: {s1, s2} <= {e["seq"] for e in evs}, 10, "both events")
        sub_narrow.cancel()
        self.assertTrue(sub_narrow.cancelled)
        s3 = c.publish(f"{ent}:T-1", "after-cancel")
        m = c.publish(f"m{ent}:M", "marker")
        marker.wait_seq(m)        # the connection delivers in seq order: s3 came before the marker
        wide.wait_seq(s3)
        self.assertEqual(narrow.seqs, [s1])
        mine = [s for s in wide.seqs if s in (s1, s2, s3)]
        self.assertEqual(mine, [s1, s2, s3])
        self.assertEqual(len(wide.seqs), len(set(wide.seqs)), "no duplicates")
        self.assertEqual(wide.seqs, sorted(wide.seqs))

    def test_the_gateway_refuses_a_subscription_over_its_pattern_limit(self):
        ent = entity()
        c = self.client(self.gw.url)
        c.subscribe([f"{ent}:a{i}" for i in range(30)], Recorder())
        with self.assertRaises(GatewayError) as cm:
            c.subscribe([f"{ent}:b{i}" for i in range(30)], Recorder())
        self.assertEqual(cm.exception.code, "WS_SUBSCRIPTION_LIMIT")
        self.assertIsNotNone(cm.exception.request_id)
        self.assertEqual(len(c.subscriptions), 1, "the refused subscription is not kept")
        self.assertEqual(c.state, "live", "a refusal does not close the connection")

    def test_a_publish_retried_with_its_idempotency_key_is_one_event(self):
        ent = entity()
        c = self.client(self.gw.url)
        key = f"orch-{ent}"
        a = c.publish(f"{ent}:T", "task.created", {"v": 1}, idempotency_key=key)
        b = c.publish(f"{ent}:T", "task.created", {"v": 1}, idempotency_key=key)
        self.assertEqual(a, b)
        self.assertEqual([e["seq"] for e in c.iter_events(0, topics=[f"{ent}:*"])], [a])

    def test_the_gateways_pings_are_answered(self):
        # The shared gateway pings every 250 ms and closes a connection silent for 1.5 s.
        ent = entity()
        rec = Recorder()
        c = self.client(self.gw.url)
        c.subscribe([f"{ent}:*"], rec)
        first_id = c.connection_id
        wait_until(lambda: c.stats["pings"] >= 10, 10, "10 pings (2.5 s, beyond the idle timeout)")
        self.assertEqual(c.stats["connections"], 1, "the connection was closed and reopened")
        self.assertEqual(c.connection_id, first_id)
        seq = c.publish(f"{ent}:A", "x")
        rec.wait_seq(seq)

    def test_a_failing_callback_is_reported_and_delivery_goes_on(self):
        ent = entity()
        errs = Errors()
        got = []

        def callback(ev):
            got.append(ev["seq"])
            if ev["data"].get("boom"):
                raise RuntimeError("application bug")

        c = self.client(self.gw.url, on_error=errs)
        c.subscribe([f"{ent}:*"], callback)
        s1 = c.publish(f"{ent}:A", "x", {"boom": True})
        s2 = c.publish(f"{ent}:A", "x")
        wait_until(lambda: s2 in got, 10, "the event after the failing one")
        self.assertEqual(got, [s1, s2])
        err = errs.wait_code("CALLBACK_FAILED")
        self.assertEqual(err.details["seq"], s1)
        self.assertIsInstance(err.__cause__, RuntimeError)

    def test_close_from_inside_a_callback(self):
        ent = entity()
        c = self.client(self.gw.url)
        closed = threading.Event()

        def callback(ev):
            c.close()
            closed.set()

        c.subscribe([f"{ent}:*"], callback)
        c.publish(f"{ent}:A", "x")
        self.assertTrue(closed.wait(10))
        self.assertTrue(c.wait(5))
        self.assertEqual(c.state, "closed")

    def test_subscribing_from_inside_a_callback(self):
        ent = entity()
        c = self.client(self.gw.url)
        later, outcome = Recorder(), []

        def callback(ev):
            try:
                c.subscribe([f"{ent}:late"], later)           # would wait for this very thread
            except GatewayError as e:
                outcome.append(e.code)
            outcome.append(c.subscribe([f"{ent}:late"], later, wait=False))

        c.subscribe([f"{ent}:first"], callback)
        c.publish(f"{ent}:first", "x")
        wait_until(lambda: len(outcome) == 2 and outcome[1].ready, 10, "the second subscription")
        self.assertEqual(outcome[0], "INVALID_ARGUMENT")
        seq = c.publish(f"{ent}:late", "y")
        later.wait_seq(seq)
        self.assertEqual(later.seqs, [seq])

    def test_a_closed_client_refuses_rest_calls_too(self):
        c = self.client(self.gw.url)
        c.publish("closed:A", "x")
        c.close()
        with self.assertRaises(GatewayError) as cm:
            c.publish("closed:A", "x")
        self.assertEqual(cm.exception.code, "CLOSED")

    def test_connect_reports_live_and_states_are_announced(self):
        states = States()
        c = self.client(self.gw.url, on_state=states)
        self.assertEqual(c.connect(timeout=10), "live")
        self.assertEqual(states.names()[:2], ["connecting", "live"])
        c.close()
        self.assertEqual(states.names()[-1], "closed")
        self.assertFalse(c.wait_for_state("live", timeout=0.01))

    def test_rest_events_pages_and_batches(self):
        ent = entity()
        c = self.client(self.gw.url)
        seqs = c.publish_many([{"topic": f"{ent}:T-{i}", "eventType": "x", "data": {"i": i}} for i in range(25)])
        self.assertEqual(len(seqs), 25)
        self.assertEqual(seqs, sorted(seqs))
        page = c.events(since=seqs[0] - 1, topics=[f"{ent}:*"], limit=10)
        self.assertTrue(page["hasMore"])
        self.assertEqual([e["seq"] for e in page["events"]], seqs[:10])
        self.assertEqual([e["seq"] for e in c.iter_events(seqs[0] - 1, topics=[f"{ent}:*"], page_size=7)], seqs)
        self.assertEqual([e["data"]["i"] for e in c.iter_events(seqs[4], until=seqs[9], topics=[f"{ent}:*"])],
                         [5, 6, 7, 8, 9])

    def test_the_gateways_rest_errors_carry_its_code_status_and_details(self):
        c = self.client(self.gw.url)
        with self.assertRaises(GatewayError) as cm:
            c.events(limit=20000)
        e = cm.exception
        self.assertEqual((e.code, e.status), ("BAD_REQUEST", 400))
        self.assertEqual(e.details.get("parameter"), "limit")
        self.assertIn("limit", e.message)

    def test_health_and_status(self):
        c = self.client(self.gw.url)
        self.assertEqual(c.health()["status"], "ok")
        c.connect()
        status = c.status()
        self.assertGreaterEqual(status["connections"]["active"], 1)


if __name__ == "__main__":
    unittest.main()
