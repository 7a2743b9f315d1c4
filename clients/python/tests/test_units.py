"""Pieces that need no gateway: patterns, backoff, argument checks, event parsing."""

import unittest

from tests import harness  # noqa: F401 - puts the package on sys.path

from event_gateway import GatewayClient, GatewayError, backoff_delay, is_pattern, is_topic, matches
from event_gateway.rest import check_page, parse_event


class TopicsTest(unittest.TestCase):
    def test_topics_of_section_2(self):
        for t in ["stream:Stream-A", "task:TASK-123", "agent:agent-ta", "bot:BOT-002", "a:b", "x.y_z-1:a:b/c@d",
                  "e:" + "i" * 192, "e" * 64 + ":x"]:
            self.assertTrue(is_topic(t), t)
        for t in ["", "task", "task:", ":x", "Task:x", "1task:x", "task:*", "task:a b", "task:a*b", "e" * 65 + ":x",
                  "e:" + "i" * 193, None, 5, "task:é"]:
            self.assertFalse(is_topic(t), repr(t))

    def test_patterns_of_section_2(self):
        for p in ["*", "task:TASK-123", "task:*", "stream:Stream-*", "e:" + "p" * 192 + "*"]:
            self.assertTrue(is_pattern(p), p)
        for p in ["ta*", "*task", "task:*:x", "task:A*B", "", "task:**", "Task:*", "task*", ":*", None]:
            self.assertFalse(is_pattern(p), repr(p))

    def test_matching_is_by_entity_and_prefix_and_case_sensitive(self):
        self.assertTrue(matches("*", "bot:B"))
        self.assertTrue(matches("task:*", "task:T-1"))
        self.assertFalse(matches("task:*", "tasks:T-1"))
        self.assertTrue(matches("stream:Stream-*", "stream:Stream-A"))
        self.assertTrue(matches("stream:Stream-*", "stream:Stream-"))
        self.assertFalse(matches("stream:Stream-*", "stream:stream-A"))
        self.assertTrue(matches("task:T-1", "task:T-1"))
        self.assertFalse(matches("task:T-1", "task:T-10"))


class BackoffTest(unittest.TestCase):
    def test_full_jitter_below_an_exponential_cap_bounded_by_the_maximum(self):
        top = lambda: 0.999999  # noqa: E731
        caps = [backoff_delay(n, 0.25, 30.0, 2.0, top) for n in range(1, 12)]
        self.assertAlmostEqual(caps[0], 0.25, places=4)
        self.assertAlmostEqual(caps[1], 0.5, places=4)
        self.assertAlmostEqual(caps[2], 1.0, places=4)
        self.assertAlmostEqual(caps[-1], 30.0, places=3)
        self.assertEqual(caps, sorted(caps))
        self.assertEqual(backoff_delay(5, 0.25, 30.0, 2.0, lambda: 0.0), 0.0)
        self.assertAlmostEqual(backoff_delay(4, 0.25, 30.0, 2.0, lambda: 0.5), 1.0)

    def test_huge_attempt_counts_do_not_overflow(self):
        self.assertAlmostEqual(backoff_delay(10 ** 6, 0.25, 30.0, 2.0, lambda: 0.999999), 30.0, places=3)
        self.assertAlmostEqual(backoff_delay(10 ** 6, 1.0, 1.0, 1.0, lambda: 0.5), 0.5)

    def test_jitter_spreads_delays(self):
        import random
        r = random.Random(7)
        delays = [backoff_delay(3, 0.25, 30.0, 2.0, r.random) for _ in range(500)]
        self.assertTrue(all(0 <= d < 1.0 for d in delays))
        self.assertGreater(max(delays) - min(delays), 0.8)


class ArgumentsTest(unittest.TestCase):
    def assertCode(self, code, fn, *args, **kwargs):
        with self.assertRaises(GatewayError) as cm:
            fn(*args, **kwargs)
        self.assertEqual(cm.exception.code, code, str(cm.exception))
        return cm.exception

    def test_bad_options(self):
        for kwargs in [dict(api_base="127.0.0.1:9090"), dict(api_base="ftp://x"), dict(api_base="http://"),
                       dict(api_base="http://h:99999"), dict(api_base="http://h/?q=1"), dict(api_base=None),
                       dict(ws_url="http://h/ws"), dict(backoff_initial=0), dict(backoff_initial=-1),
                       dict(backoff_max=0.1, backoff_initial=1), dict(backoff_factor=0.5),
                       dict(poll_interval=float("nan")), dict(poll_page_size=0), dict(poll_page_size=10001),
                       dict(connect_timeout="1"), dict(token=""), dict(token="a\nb"), dict(headers={"a": 1}),
                       dict(origin="evil"), dict(use_websocket="yes"), dict(on_state=5), dict(batch_frames="yes"),
                       dict(batch_frames=1), dict(ws_url="ws://h/ws?batch=true"),
                       dict(ws_url="ws://h/ws?batch=false", batch_frames=True), dict(ws_url="ws://h/ws?x=1&batch")]:
            with self.subTest(kwargs=kwargs):
                kwargs.setdefault("api_base", "http://127.0.0.1:9090")
                e = self.assertCode("INVALID_ARGUMENT", GatewayClient, **kwargs)
                self.assertTrue(e.message)

    def test_ws_url_is_derived_from_api_base(self):
        self.assertEqual(GatewayClient("http://127.0.0.1:9090").ws_url, "ws://127.0.0.1:9090/ws")
        self.assertEqual(GatewayClient("https://gw.example/prefix/").ws_url, "wss://gw.example/prefix/ws")
        self.assertEqual(GatewayClient("https://gw.example/prefix/").api_base, "https://gw.example/prefix")

    def test_batch_frames_asks_for_them_in_the_ws_url(self):
        self.assertEqual(GatewayClient("http://127.0.0.1:9090", batch_frames=True).ws_url,
                         "ws://127.0.0.1:9090/ws?batch=true")
        self.assertEqual(GatewayClient("https://gw.example/prefix/", batch_frames=True).ws_url,
                         "wss://gw.example/prefix/ws?batch=true")
        self.assertEqual(GatewayClient(ws_url="ws://h:1/ws", batch_frames=True).ws_url, "ws://h:1/ws?batch=true")
        self.assertEqual(GatewayClient(ws_url="ws://h:1/ws?tenant=a", batch_frames=True).ws_url,
                         "ws://h:1/ws?tenant=a&batch=true")
        self.assertEqual(GatewayClient(ws_url="ws://h:1/ws?tenant=a").ws_url, "ws://h:1/ws?tenant=a")
        self.assertEqual(GatewayClient(ws_url="ws://h:1/ws?batches=1").ws_url, "ws://h:1/ws?batches=1")

    def test_subscribe_and_publish_check_their_arguments_before_sending(self):
        c = GatewayClient("http://127.0.0.1:1")   # nothing listens there: a check that passed would fail later
        self.addCleanup(c.close)
        e = self.assertCode("WS_INVALID_TOPIC", c.subscribe, ["task:*:x"], print)
        self.assertEqual(e.details, {"topic": "task:*:x"})
        self.assertCode("WS_INVALID_TOPIC", c.subscribe, ["task:*", "ta*"], print)
        self.assertCode("INVALID_ARGUMENT", c.subscribe, [], print)
        self.assertCode("INVALID_ARGUMENT", c.subscribe, [5], print)
        self.assertCode("INVALID_ARGUMENT", c.subscribe, {"task:*"}, print)
        self.assertCode("INVALID_ARGUMENT", c.subscribe, ["task:*"], "not callable")
        self.assertCode("INVALID_ARGUMENT", c.subscribe, ["task:*"], print, since=-1)
        self.assertCode("INVALID_ARGUMENT", c.subscribe, ["task:*"], print, since=True)
        self.assertCode("WS_SUBSCRIPTION_LIMIT", c.subscribe, [f"t:{i}" for i in range(51)], print)
        self.assertCode("WS_INVALID_TOPIC", c.publish, "task:*", "x")
        self.assertCode("WS_INVALID_TOPIC", c.publish, "nocolon", "x")
        self.assertCode("INVALID_ARGUMENT", c.publish, "task:T", "")
        self.assertCode("INVALID_ARGUMENT", c.publish, "task:T", "a\nb")
        self.assertCode("INVALID_ARGUMENT", c.publish, "task:T", "x" * 129)
        self.assertCode("INVALID_ARGUMENT", c.publish, "task:T", "x", [1, 2])
        self.assertCode("INVALID_ARGUMENT", c.publish, "task:T", "x", {"v": float("nan")})
        self.assertCode("INVALID_ARGUMENT", c.publish, "task:T", "x", {"v": object()})
        self.assertCode("INVALID_ARGUMENT", c.publish, "task:T", "x", {}, "")
        self.assertCode("INVALID_ARGUMENT", c.publish, "task:T", "x", {}, "k" * 129)
        self.assertCode("INVALID_ARGUMENT", c.publish_many, [])
        self.assertCode("INVALID_ARGUMENT", c.publish_many, [{"topic": "a:b", "eventType": "x"}] * 1001)
        self.assertCode("INVALID_ARGUMENT", c.publish_many, [{"topic": "a:b", "eventType": "x", "extra": 1}])
        self.assertCode("INVALID_ARGUMENT", c.events, since=-1)
        self.assertCode("INVALID_ARGUMENT", c.events, limit=0)
        self.assertCode("WS_INVALID_TOPIC", c.events, topics=["*x"])
        self.assertEqual(c.state, "idle", "a refused call must not start the connection")

    def test_closed_client_refuses_work(self):
        c = GatewayClient("http://127.0.0.1:1")
        c.close()
        c.close()  # idempotent
        self.assertEqual(c.state, "closed")
        self.assertCode("CLOSED", c.subscribe, ["task:*"], print)
        self.assertCode("CLOSED", c.connect, timeout=1)

    def test_unsubscribe_takes_a_subscription(self):
        c = GatewayClient("http://127.0.0.1:1")
        self.addCleanup(c.close)
        self.assertCode("INVALID_ARGUMENT", c.unsubscribe, "task:*")


class ParsingTest(unittest.TestCase):
    def test_event_payloads(self):
        ev = parse_event({"seq": 3, "topic": "a:b", "eventType": "x", "data": {"k": 1}}, "2026-01-01T00:00:00Z")
        self.assertEqual(ev, {"seq": 3, "topic": "a:b", "eventType": "x", "data": {"k": 1},
                              "timestamp": "2026-01-01T00:00:00Z"})
        self.assertEqual(parse_event({"seq": 0, "topic": "a:b", "eventType": "x"})["data"], {})
        for bad in [[], {"topic": "a:b", "eventType": "x"}, {"seq": -1, "topic": "a:b", "eventType": "x"},
                    {"seq": True, "topic": "a:b", "eventType": "x"}, {"seq": "1", "topic": "a:b", "eventType": "x"},
                    {"seq": 1, "eventType": "x"}, {"seq": 1, "topic": "a:b", "eventType": 3},
                    {"seq": 1, "topic": "a:b", "eventType": "x", "data": [1]}]:
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                parse_event(bad)

    def test_pages(self):
        ok = {"events": [{"seq": 1, "topic": "a:b", "eventType": "x", "data": {}, "timestamp": "t"}],
              "headSeq": 1, "oldestSeq": 1, "hasMore": False, "truncated": False}
        self.assertEqual(check_page(ok, "u")["events"][0]["seq"], 1)
        for broken in [dict(ok, events=None), dict(ok, headSeq="1"), dict(ok, hasMore=None),
                       dict(ok, truncated="no"), dict(ok, events=[{"seq": 2, "topic": "a:b", "eventType": "x"},
                                                                   {"seq": 2, "topic": "a:b", "eventType": "x"}])]:
            with self.subTest(broken=broken), self.assertRaises(GatewayError) as cm:
                check_page(broken, "u")
            self.assertEqual(cm.exception.code, "BAD_RESPONSE")


if __name__ == "__main__":
    unittest.main()
