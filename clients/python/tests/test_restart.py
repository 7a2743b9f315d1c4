"""A gateway killed (SIGKILL) and restarted on the same port and database during a steady publish: the subscriber
sees every event exactly once, in order."""

import sys
import threading
import time
import unittest

from tests.harness import Gateway, GatewayTestCase, Recorder, States, wait_until

from event_gateway import GatewayError


class RestartTest(GatewayTestCase):
    def test_kill_and_restart_during_a_steady_publish(self):
        gw = Gateway(name="restart").start()
        self.addCleanup(gw.destroy)
        states = States()
        rec = Recorder()
        c = self.client(gw.url, backoff_initial=0.05, backoff_max=0.5, poll_interval=0.2, on_state=states)
        c.subscribe(["load:*"], rec)
        publisher = self.client(gw.url, request_timeout=2.0)

        acked = {}            # index -> seq, once the gateway acknowledged it
        failures = []
        stop = threading.Event()

        def publish_steadily():
            i = 0
            while not stop.is_set():
                while True:   # the same event, with the same key, until it is acknowledged
                    try:
                        acked[i] = publisher.publish("load:P", "load.tick", {"i": i}, idempotency_key=f"load-{i}")
                        break
                    except GatewayError as e:
                        if e.code not in ("CONNECTION_FAILED", "TIMEOUT"):
                            failures.append(e)
                            return
                        time.sleep(0.02)
                i += 1
                time.sleep(0.004)

        thread = threading.Thread(target=publish_steadily, daemon=True)
        thread.start()
        self.addCleanup(stop.set)
        rec.wait_count(100, timeout=20)

        gw.kill()
        at_kill = len(acked)
        states.wait_for("reconnecting", 10)
        gw.start()
        restarted = time.monotonic()
        live_again = len(states.seen)
        states.wait_for("live", 30, after=live_again)
        resumed_after = time.monotonic() - restarted
        wait_until(lambda: len(acked) >= at_kill + 100 or failures, 30, "100 acknowledged events after the restart")
        stop.set()
        thread.join(10)
        self.assertEqual(failures, [])

        last = max(acked.values())
        rec.wait_seq(last, timeout=20)
        seqs = rec.seqs
        self.assertEqual(seqs, sorted(set(seqs)), "each seq once, in increasing order")
        self.assertEqual(seqs, sorted(acked.values()), "exactly the acknowledged events")
        self.assertEqual([e["data"]["i"] for e in rec.events], list(range(len(acked))),
                         "every published index once: a retry after the kill did not duplicate its event")
        logged = [e["seq"] for e in c.iter_events(0, topics=["load:*"])]
        self.assertEqual(seqs, logged, "the client saw exactly what the gateway's log holds")
        self.assertGreaterEqual(c.stats["connections"], 2)
        print(f"\n  restart: {len(seqs)} events, {at_kill} before the kill; the client was live again "
              f"{resumed_after * 1000:.0f} ms after the restarted gateway was ready", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
