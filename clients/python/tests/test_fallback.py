"""Polling GET /api/events when the WebSocket cannot be opened, and back to the WebSocket when it can.

The refusals are real: a relay in front of the real gateway that answers upgrades 404 (a reverse proxy without
WebSocket support) and can be switched to pass them; the gateway's own 403 for an Origin outside
ws.allowed-origins; a WebSocket address where nothing listens."""

import unittest
import uuid

from tests.harness import GatewayTestCase, Recorder, Relay, States, free_port, shared_gateway, wait_until

from event_gateway import GatewayError


def entity() -> str:
    return "f" + uuid.uuid4().hex[:10]


class FallbackTest(GatewayTestCase):
    @classmethod
    def setUpClass(cls):
        cls.gw = shared_gateway()

    def publish(self, ent, n, start=0):
        pub = self.client(self.gw.url)
        return [pub.publish(f"{ent}:T-{i}", "x", {"i": i}) for i in range(start, start + n)]

    def test_polls_while_a_proxy_refuses_the_websocket_and_returns_to_it(self):
        relay = Relay(self.gw.port)
        relay.refuse_upgrades = True
        self.addCleanup(relay.close)
        states, rec = States(), Recorder()
        ent = entity()
        c = self.client(relay.url, poll_interval=0.1, backoff_initial=0.2, backoff_max=0.4, on_state=states)
        sub = c.subscribe([f"{ent}:*"], rec)     # confirmed by the first successful poll
        self.assertEqual(c.state, "polling")
        why = states.wait_for("polling")
        self.assertEqual((why.code, why.status), ("CONNECTION_FAILED", 404))
        a = self.publish(ent, 5)
        rec.wait_seq(a[-1])

        relay.refuse_upgrades = False                 # the proxy learns WebSockets: the client goes back
        mark = len(states.seen)
        states.wait_for("live", 10, after=mark)
        b = self.publish(ent, 5, start=5)
        rec.wait_seq(b[-1])
        self.assertEqual(c.state, "live")

        relay.refuse_upgrades = True                  # and forgets them, cutting the open connection
        mark = len(states.seen)
        relay.drop_connections()
        states.wait_for("polling", 10, after=mark)
        d = self.publish(ent, 5, start=10)
        rec.wait_seq(d[-1])

        self.assertEqual(rec.seqs, a + b + d, "every event once, in order, across both switches")
        self.assertEqual([e["data"]["i"] for e in rec.events], list(range(15)))
        self.assertGreaterEqual(relay.upgrades_refused, 2, "it kept trying the WebSocket while polling")
        self.assertGreaterEqual(relay.upgrades_forwarded, 1)
        self.assertGreater(c.stats["polls"], 0)
        self.assertEqual(sub.last_seq, d[-1])

    def test_polls_when_the_gateway_refuses_the_origin(self):
        # The gateway lets a WebSocket be opened only from its own origin unless ws.allowed-origins says more.
        states, rec = States(), Recorder()
        ent = entity()
        c = self.client(self.gw.url, origin="http://intruder.example", poll_interval=0.1, on_state=states)
        c.subscribe([f"{ent}:*"], rec)
        why = states.wait_for("polling")
        self.assertEqual(why.status, 403)
        self.assertIn("HTTP 403", why.message)
        a = self.publish(ent, 3)
        rec.wait_seq(a[-1])
        self.assertEqual(rec.seqs, a)
        self.assertNotIn("live", states.names())

    def test_polls_when_nothing_listens_at_the_websocket_address(self):
        states, rec = States(), Recorder()
        ent = entity()
        c = self.client(self.gw.url, ws_url=f"ws://127.0.0.1:{free_port()}/ws", poll_interval=0.1,
                        on_state=states)
        c.subscribe([f"{ent}:*"], rec)
        why = states.wait_for("polling")
        self.assertEqual(why.code, "CONNECTION_FAILED")
        self.assertIn("connection refused", why.message)
        a = self.publish(ent, 3)
        rec.wait_seq(a[-1])
        self.assertEqual(rec.seqs, a)

    def test_polling_only_resumes_from_since_and_follows_has_more(self):
        ent = entity()
        before = self.publish(ent, 10)
        rec = Recorder()
        c = self.client(self.gw.url, use_websocket=False, poll_interval=0.1, poll_page_size=3)
        c.subscribe([f"{ent}:*"], rec, since=before[1])
        rec.wait_seq(before[-1])
        self.assertEqual(c.state, "polling")
        after = self.publish(ent, 4, start=10)
        rec.wait_seq(after[-1])
        self.assertEqual(rec.seqs, before[2:] + after)
        self.assertEqual(c.stats["connections"] + c.stats["connect_failures"], 0, "never tried the WebSocket")

    def test_without_fallback_it_only_retries_the_websocket_with_backoff(self):
        states = States()
        c = self.client(self.gw.url, ws_url=f"ws://127.0.0.1:{free_port()}/ws", fallback_to_polling=False,
                        backoff_initial=0.05, backoff_max=0.1, on_state=states)
        with self.assertRaises(GatewayError) as cm:
            c.subscribe(["task:*"], Recorder(), timeout=1.0)
        e = cm.exception
        self.assertEqual(e.code, "TIMEOUT")
        self.assertIn("CONNECTION_FAILED", e.message)
        self.assertEqual(e.details["lastError"], "CONNECTION_FAILED")
        self.assertEqual(c.subscriptions, [], "a subscription that timed out is cancelled")
        wait_until(lambda: c.stats["connect_failures"] >= 3, 5, "three attempts")
        self.assertEqual(c.stats["polls"], 0)
        self.assertNotIn("polling", states.names())


if __name__ == "__main__":
    unittest.main()
