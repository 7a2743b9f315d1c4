"""Overflow: a gateway whose per-connection buffer is 8 events and whose connections gather writes for 200 ms, so a
burst of a few hundred events overflows every subscriber's buffer. The client fetches what the overflow frame says
it lost over REST and delivers everything once, in order."""

import unittest

from tests.harness import FakeHttp, Gateway, GatewayTestCase, Recorder, json_answer


class OverflowTest(GatewayTestCase):
    @classmethod
    def setUpClass(cls):
        cls.gw = Gateway("--ws.buffer-size=8", "--ws.write-delay=200ms", name="overflow").start()

    @classmethod
    def tearDownClass(cls):
        cls.gw.destroy()

    def burst(self, entity, n=300, other=None):
        """Publishes n events on entity (and one on `other` every 10) in batches; their seqs."""
        events = []
        for i in range(n):
            events.append({"topic": f"{entity}:B-{i % 7}", "eventType": "burst", "data": {"i": i}})
            if other and i % 10 == 0:
                events.append({"topic": f"{other}:C", "eventType": "calm", "data": {"i": i}})
        publisher = self.client(self.gw.url)
        seqs = []
        for start in range(0, len(events), 1000):
            seqs += publisher.publish_many(events[start:start + 1000])
        mine = [s for s, e in zip(seqs, events) if e["topic"].startswith(entity + ":")]
        theirs = [s for s, e in zip(seqs, events) if other and e["topic"].startswith(other + ":")]
        return mine, theirs

    def test_events_an_overflow_dropped_are_fetched_and_delivered_once_in_order(self):
        rec, calm = Recorder(), Recorder()
        c = self.client(self.gw.url)
        c.subscribe(["burst1:*"], rec)
        c.subscribe(["calm1:*"], calm)
        mine, theirs = self.burst("burst1", 300, other="calm1")
        rec.wait_seq(mine[-1], timeout=20)
        calm.wait_seq(theirs[-1], timeout=20)
        self.assertGreaterEqual(c.stats["overflows"], 1, "the gateway did not overflow: the test proves nothing")
        self.assertGreater(c.stats["resynced_events"], 0)
        self.assertEqual(rec.seqs, mine)
        self.assertEqual(calm.seqs, theirs)
        self.assertEqual([e["data"]["i"] for e in rec.events], list(range(300)))
        self.assertEqual(c.stats["connections"], 1, "repaired without reconnecting")

    def test_a_failed_resync_is_recovered_by_reconnecting_with_since(self):
        # The REST side answers 503 (as while the store is down), the WebSocket is the real gateway's: the resync
        # fails, the client drops the connection and its reconnect's since brings the gap back as a replay.
        unavailable = FakeHttp(lambda *_: json_answer(503, {"error": {"code": "UNAVAILABLE", "message": "store down",
                                                                      "details": {}}}))
        self.addCleanup(unavailable.close)
        rec = Recorder()
        c = self.client(unavailable.url, ws_url=self.gw.ws_url, backoff_initial=0.05, backoff_max=0.2)
        c.subscribe(["burst2:*"], rec)
        mine, _ = self.burst("burst2", 300)
        rec.wait_seq(mine[-1], timeout=20)
        self.assertGreaterEqual(c.stats["resync_failures"], 1)
        self.assertGreaterEqual(c.stats["connections"], 2)
        self.assertEqual(rec.seqs, mine)
        self.assertTrue(any(path.startswith("/api/events?") for _, path, _, _ in unavailable.requests))
        self.assertEqual(c.last_error, None, "live again")


if __name__ == "__main__":
    unittest.main()
