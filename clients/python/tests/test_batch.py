"""Batch frames against the real gateway: its connections gather writes for 20 ms, so events published in bursts
reach a subscriber that asked for batch frames (``batch_frames=True``) several to a frame. Each is delivered once,
in order, as over a connection of single frames."""

import unittest

from tests.harness import Errors, Gateway, GatewayTestCase, Recorder, wait_until


class BatchFramesLiveTest(GatewayTestCase):
    @classmethod
    def setUpClass(cls):
        cls.gw = Gateway("--ws.write-delay=20ms", "--ws.heartbeat-interval=250ms", "--ws.idle-timeout=1500ms",
                         name="batch").start()

    @classmethod
    def tearDownClass(cls):
        cls.gw.destroy()

    def burst(self, entity, rounds=5, per_round=100):
        """Publishes rounds x per_round events on entity, per_round to a POST; their seqs."""
        publisher = self.client(self.gw.url)
        seqs = []
        for r in range(rounds):
            seqs += publisher.publish_many([{"topic": f"{entity}:B-{i % 7}", "eventType": "burst",
                                             "data": {"i": r * per_round + i}} for i in range(per_round)])
        return seqs

    def test_a_burst_arrives_in_batch_frames_once_and_in_order(self):
        batched, single, errs = Recorder(), Recorder(), Errors()
        c = self.client(self.gw.url, batch_frames=True, on_error=errs)
        plain = self.client(self.gw.url, on_error=errs)
        c.subscribe(["batch1:*"], batched)
        plain.subscribe(["batch1:*"], single)
        self.assertTrue(c.ws_url.endswith("/ws?batch=true"))
        seqs = self.burst("batch1")
        batched.wait_seq(seqs[-1], timeout=20)
        single.wait_seq(seqs[-1], timeout=20)
        self.assertGreaterEqual(c.stats["batches"], 1, "no batch frame came: the test proves nothing")
        self.assertLess(c.stats["batches"], len(seqs), "batches hold several messages")
        self.assertEqual(batched.seqs, seqs)
        self.assertEqual([e["data"]["i"] for e in batched.events], list(range(len(seqs))))
        self.assertEqual(single.seqs, seqs)
        self.assertEqual(plain.stats["batches"], 0, "a client that did not ask gets single frames")
        self.assertEqual(errs.codes(), [])
        self.assertEqual((c.stats["connections"], c.stats["duplicates_dropped"], c.stats["protocol_errors"]),
                         (1, 0, 0))
        self.assertEqual(c.state, "live")

    def test_replies_replays_and_pings_work_over_a_batching_connection(self):
        # A replay of retained events (since) comes after 'subscribed', possibly in the same batch; pings (every
        # 250 ms, idle timeout 1.5 s) are answered so the connection stays up.
        publisher = self.client(self.gw.url)
        seqs = self.burst("batch2", rounds=2)
        rec = Recorder()
        c = self.client(self.gw.url, batch_frames=True)
        c.subscribe(["batch2:*"], rec, since=seqs[0] - 1)
        rec.wait_seq(seqs[-1], timeout=20)
        more = publisher.publish_many([{"topic": "batch2:Z", "eventType": "x", "data": {}} for _ in range(50)])
        rec.wait_seq(more[-1], timeout=20)
        self.assertEqual(rec.seqs, seqs + more)
        self.assertGreaterEqual(c.stats["batches"], 1)
        pings = c.stats["pings"]
        wait_until(lambda: c.stats["pings"] >= pings + 8, 10, "8 more pings (2 s, beyond the idle timeout)")
        self.assertEqual(c.stats["connections"], 1)


if __name__ == "__main__":
    unittest.main()
