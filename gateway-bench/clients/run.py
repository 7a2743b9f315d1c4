"""scripts/bench-clients: what one client of each kind can consume, and how long after a gateway restart it
delivers again (issue 6's figures). Started by scripts/bench-clients, which builds what is missing and passes the
gateway's start command in $GATEWAY_COMMAND and the Java client's class path in $CLIENT_CLASSPATH.

Throughput: the gateway's log is filled with --events events on topics bench:B-0..9 (REST batches of 1000), then
each consumer, alone, subscribes to bench:* with since=0 and takes them all: the replay, as fast as the client
reads. The rate is events / (last arrival - first arrival), measured in the consumer. The bare `ws` reader
(raw.mjs) is the baseline of the same run: what the gateway and the transport give without a client library.

Restart: every client subscribes to live:* while a publisher posts one event every --interval ms; the gateway is
killed (SIGKILL), stays down --downtime s, and is started again on the same port and database. The delay is from
the restarted gateway's first /health answer to the first event each client delivers after the pause; the
publisher's first acknowledged event after the restart is shown too, as the earliest a delivery could happen.
Every consumer checks each seq once and in order: duplicates and gaps are reported and must be 0.

Everything is on 127.0.0.1, bounded in count and time, and every process it starts is stopped at the end.
"""
import argparse
import http.client
import json
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
KINDS = ("raw", "js", "python", "java")


def now_ms():
    return int(time.time() * 1000)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gateway:
    """The gateway under test, on a fixed port and SQLite file so that a restart resumes the same log."""

    def __init__(self, port, db, log_path):
        self.port, self.db, self.log_path, self.proc = port, db, log_path, None

    def start(self):
        command = shlex.split(os.environ["GATEWAY_COMMAND"]) + [
            f"--server.port={self.port}", f"--store.url=r2dbc:sqlite:{self.db}", "--ws.rate-limit=0"]
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"the gateway exited with {self.proc.returncode}; its log: {self.log_path}")
            if self.healthy():
                return now_ms()
            time.sleep(0.02)
        sys.exit(f"the gateway did not answer /health within 60 s; its log: {self.log_path}")

    def healthy(self):
        try:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
            c.request("GET", "/health")
            ok = c.getresponse().status == 200
            c.close()
            return ok
        except OSError:
            return False

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


def post(port, path, body, conn=None):
    """POSTs JSON; returns (status, answer, connection) and reuses the connection when it can."""
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        r = c.getresponse()
        return r.status, json.loads(r.read() or b"null"), c
    except (OSError, http.client.HTTPException, ValueError):
        c.close()
        return None, None, None


def fill(port, events):
    pad = "x" * 150
    conn = None
    for start in range(0, events, 1000):
        batch = [{"topic": f"bench:B-{i % 10}", "eventType": "bench.fill", "data": {"i": i, "pad": pad}}
                 for i in range(start, min(events, start + 1000))]
        status, answer, conn = post(port, "/api/events", batch, conn)
        if status != 202:
            sys.exit(f"filling the log failed: {status} {answer}")


LOGS = {"dir": tempfile.gettempdir(), "n": 0}


def consumer(kind, url, pattern, count, since):
    commands = {
        "raw": ["node", os.path.join(HERE, "raw.mjs")],
        "js": ["node", os.path.join(HERE, "consume.mjs")],
        "python": ["/usr/bin/python3", os.path.join(HERE, "consume.py")],
        # The client logs through Reactor's Loggers, whose console fallback writes INFO to stdout (read here as
        # JSON lines); java.util.logging writes it to stderr, kept in the run's directory.
        "java": ["java", "-Xmx512m", "-Dreactor.netty.ioWorkerCount=2", "-Dreactor.logging.fallback=JDK",
                 "-cp", os.environ["CLIENT_CLASSPATH"], os.path.join(HERE, "Consume.java")],
    }
    LOGS["n"] += 1
    err = os.path.join(LOGS["dir"], f"{kind}-{LOGS['n']}.err")
    with open(err, "w") as stderr:
        proc = subprocess.Popen(commands[kind] + [url, pattern, str(count), str(since)], stdout=subprocess.PIPE,
                                stderr=stderr, text=True, cwd=ROOT)
    proc.err_path = err
    return proc


def tail(path, chars=500):
    with open(path) as f:
        return f.read()[-chars:]


class Lines:
    """Reads a consumer's JSON lines on a thread, so that several consumers can be followed at once."""

    def __init__(self, proc):
        self.proc, self.items, self.cond = proc, [], threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                item = json.loads(line)
            except ValueError:
                continue
            with self.cond:
                self.items.append(item)
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait_for(self, predicate, timeout):
        deadline = time.time() + timeout
        with self.cond:
            while True:
                found = [i for i in self.items if predicate(i)]
                if found:
                    return found[0]
                left = deadline - time.time()
                if left <= 0 or (self.proc.poll() is not None and not found):
                    return None
                self.cond.wait(min(left, 0.2))


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def throughput(gw, url, kinds, events, runs):
    results = {k: [] for k in kinds}
    # Run 0 warms the gateway's replay path up (JIT) with the baseline reader; it is not counted.
    for run in range(0, runs + 1):
        for kind in (["raw"] if run == 0 else kinds):
            proc = consumer(kind, url, "bench:*", events, 0)
            lines = Lines(proc)
            done = lines.wait_for(lambda i: i.get("kind") == "done", 300)
            stop(proc)
            if done is None:
                err = tail(proc.err_path)
                sys.exit(f"the {kind} consumer did not take {events} events (exit status {proc.returncode},"
                         f" at most 300 s): {err}")
            seconds = max(1, done["lastAtMs"] - done["firstAtMs"]) / 1000
            rate = done["received"] / seconds
            if run == 0:
                print(f"  warm-up  {rate:10,.0f} events/s (not counted)", flush=True)
                continue
            results[kind].append({"rate": rate, "duplicates": done["duplicates"], "gaps": done["gaps"]})
            print(f"  run {run} {kind:6} {rate:10,.0f} events/s  ({done['received']:,} in {seconds:.2f} s,"
                  f" {done['duplicates']} duplicates, {done['gaps']} gaps)", flush=True)
    return results


def restart(gw, url, kinds, runs, downtime, interval):
    results = {k: [] for k in kinds}
    publisher_first = []
    for run in range(1, runs + 1):
        procs = {k: consumer(k, url, "live:*", 0, 0) for k in kinds}
        lines = {k: Lines(p) for k, p in procs.items()}
        for k in kinds:
            if lines[k].wait_for(lambda i: i.get("kind") == "ready", 60) is None:
                sys.exit(f"the {k} consumer did not subscribe within 60 s")
        acks = []
        stopping = threading.Event()

        def publish():
            conn, n = None, 0
            while not stopping.is_set():
                n += 1
                status, _, conn = post(gw.port, "/api/events",
                                       {"topic": "live:L-1", "eventType": "live.tick", "data": {"n": n}}, conn)
                if status == 202:
                    acks.append(now_ms())
                time.sleep(interval / 1000)

        publisher = threading.Thread(target=publish, daemon=True)
        publisher.start()
        time.sleep(3)
        killed = now_ms()
        gw.kill()
        time.sleep(downtime)
        ready = gw.start()
        resumed = {}
        for k in kinds:
            item = lines[k].wait_for(lambda i: i.get("kind") == "resumed" and i["atMs"] > killed, 60)
            resumed[k] = item
        time.sleep(1)
        stopping.set()
        publisher.join()
        first_ack = next((a for a in acks if a > ready), None)
        publisher_first.append(first_ack - ready if first_ack else None)
        row = []
        for k in kinds:
            stop(procs[k])
            done = lines[k].wait_for(lambda i: i.get("kind") == "done", 15) or {}
            item = resumed[k]
            delay = item["atMs"] - ready if item else None
            if item is None:
                print(f"  the {k} consumer did not resume; its stderr ({procs[k].err_path}) ends with:\n"
                      + tail(procs[k].err_path), flush=True)
            results[k].append({"delayMs": delay, "duplicates": done.get("duplicates"), "gaps": done.get("gaps"),
                               "received": done.get("received")})
            row.append(f"{k} {delay if delay is not None else 'none'} ms"
                       f" (dup {done.get('duplicates')}, gaps {done.get('gaps')})")
        print(f"  run {run}: down {downtime:.1f} s; publisher's first ack after"
              f" {publisher_first[-1]} ms; resumed: " + "; ".join(row), flush=True)
    return results, publisher_first


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main():
    p = argparse.ArgumentParser(prog="scripts/bench-clients", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", type=int, default=100_000, help="events each consumer takes (default 100000)")
    p.add_argument("--runs", type=int, default=3, help="runs of each measurement (default 3)")
    p.add_argument("--downtime", type=float, default=2.0, help="seconds the gateway stays down (default 2)")
    p.add_argument("--interval", type=int, default=20, help="ms between live events (default 20)")
    p.add_argument("--clients", default=",".join(KINDS), help="which of raw,js,python,java (default all)")
    p.add_argument("--skip-restart", action="store_true", help="measure the throughput only")
    p.add_argument("--json", help="also write the results to this file")
    args = p.parse_args()
    kinds = [k for k in args.clients.split(",") if k]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or args.events < 1 or args.runs < 1 or args.downtime < 0 or args.interval < 1:
        p.error(f"unknown clients {unknown}" if unknown else "--events, --runs and --interval must be positive")

    work = tempfile.mkdtemp(prefix="bench-clients-")
    LOGS["dir"] = work
    gw = Gateway(free_port(), os.path.join(work, "gateway.db"), os.path.join(work, "gateway.log"))
    url = f"http://127.0.0.1:{gw.port}"
    try:
        gw.start()
        print(f"load average {os.getloadavg()[0]:.2f}; gateway on {url}, log {gw.log_path}", flush=True)
        fill(gw.port, args.events)
        print(f"throughput: each consumer alone takes {args.events:,} retained events (since=0)", flush=True)
        rates = throughput(gw, url, kinds, args.events, args.runs)
        out = {"loadAverage": os.getloadavg()[0], "events": args.events, "throughput": rates}
        restart_kinds = [k for k in kinds if k != "raw"]
        if not args.skip_restart and restart_kinds:
            print(f"restart: one event every {args.interval} ms, gateway killed and down {args.downtime} s",
                  flush=True)
            delays, first = restart(gw, url, restart_kinds, args.runs, args.downtime, args.interval)
            out["restart"] = delays
            out["publisherFirstAckMs"] = first
        print(f"\nload average at the end {os.getloadavg()[0]:.2f}\n")
        base = median([r["rate"] for r in rates.get("raw", [])])
        print("| client | events/s (median; runs) | ratio to raw ws | restart to resumed delivery, ms (median;"
              " runs) | duplicates / gaps |")
        print("|---|---|---|---|---|")
        for k in kinds:
            rs = [r["rate"] for r in rates[k]]
            ratio = f"{median(rs) / base:.2f}" if base else "-"
            ds = [d["delayMs"] for d in out.get("restart", {}).get(k, [])]
            delay = f"{median(ds):,.0f} ({', '.join(str(d) for d in ds)})" if ds else "-"
            bad = sum((r["duplicates"] or 0) for r in rates[k]) + sum(
                (d["duplicates"] or 0) for d in out.get("restart", {}).get(k, []))
            gaps = sum((r["gaps"] or 0) for r in rates[k]) + sum(
                (d["gaps"] or 0) for d in out.get("restart", {}).get(k, []))
            print(f"| {k} | {median(rs):,.0f} ({', '.join(f'{r:,.0f}' for r in rs)}) | {ratio} | {delay} |"
                  f" {bad} / {gaps} |")
        if args.json:
            with open(args.json, "w") as f:
                json.dump(out, f, indent=2)
        failed = any((r["duplicates"] or r["gaps"]) for k in kinds for r in rates[k]) or any(
            (d["duplicates"] or d["gaps"] or d["delayMs"] is None) for k in out.get("restart", {})
            for d in out["restart"][k])
        return 3 if failed else 0
    finally:
        gw.stop()


if __name__ == "__main__":
    sys.exit(main())
