"""One Python-client consumer for scripts/bench-clients (see run.py), the same as consume.mjs: subscribes to
PATTERN after SINCE, reports when subscribed, every event that ends a pause of PAUSE_MS or more, and a summary once
COUNT events arrived (0: never), as JSON lines on stdout."""
import json
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python"))
from event_gateway import GatewayClient  # noqa: E402


def main():
    url, pattern, count, since = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    pause_ms = int(sys.argv[5]) if len(sys.argv) > 5 else 300
    s = {"received": 0, "duplicates": 0, "gaps": 0, "last": -1, "firstAtMs": 0, "lastAtMs": 0}
    done = threading.Event()
    lock = threading.Lock()

    def out(obj):
        with lock:
            sys.stdout.write(json.dumps(obj) + "\n")
            sys.stdout.flush()

    def summary():
        return {"kind": "done", "received": s["received"], "firstAtMs": s["firstAtMs"], "lastAtMs": s["lastAtMs"],
                "duplicates": s["duplicates"], "gaps": s["gaps"], "lastSeq": s["last"]}

    def on_event(e):
        now = int(time.time() * 1000)
        seq = e["seq"]
        if s["last"] >= 0 and seq <= s["last"]:
            s["duplicates"] += 1
            return
        if s["last"] >= 0 and seq != s["last"] + 1:
            s["gaps"] += seq - s["last"] - 1
        if s["received"] > 0 and now - s["lastAtMs"] >= pause_ms:
            out({"kind": "resumed", "seq": seq, "atMs": now, "pauseMs": now - s["lastAtMs"]})
        if s["received"] == 0:
            s["firstAtMs"] = now
        s["received"] += 1
        s["last"] = seq
        s["lastAtMs"] = now
        if count and s["received"] == count:
            done.set()

    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with GatewayClient(url) as client:
        client.subscribe([pattern], on_event, since=since)
        out({"kind": "ready", "atMs": int(time.time() * 1000)})
        done.wait()
        out(summary())


if __name__ == "__main__":
    main()
