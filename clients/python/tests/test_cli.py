"""The tail and publish commands, the README's example as written, and the packaging."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import tomllib
import unittest
import uuid

from tests.harness import CLIENT_ROOT, GatewayTestCase, shared_gateway

PYTHON = sys.executable


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = CLIENT_ROOT + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    e.pop("EVENT_GATEWAY_URL", None)
    return e


def run(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "event_gateway", *args], env=env(), capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


class LineReader:
    """Reads a pipe's lines on a thread; waits for one that matches."""

    def __init__(self, pipe):
        self.lines = []
        self._cond = threading.Condition()
        threading.Thread(target=self._read, args=(pipe,), daemon=True).start()

    def _read(self, pipe):
        for line in pipe:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()

    def wait_for(self, pattern: str, timeout: float = 15) -> str:
        with self._cond:
            ok = self._cond.wait_for(lambda: any(re.search(pattern, l) for l in self.lines), timeout)
            if not ok:
                raise AssertionError(f"no line matching {pattern!r} within {timeout} s; lines: {self.lines}")
            return next(l for l in self.lines if re.search(pattern, l))


class CliTest(GatewayTestCase):
    @classmethod
    def setUpClass(cls):
        cls.gw = shared_gateway()

    def setUp(self):
        self.ent = "c" + uuid.uuid4().hex[:10]
        self.pub = self.client(self.gw.url)

    def test_tail_since_prints_one_json_line_per_event(self):
        first = self.pub.publish(f"{self.ent}:T-0", "x")
        seqs = [self.pub.publish(f"{self.ent}:T-{i}", "task.progress", {"percent": i * 10}) for i in range(1, 4)]
        done = run("tail", f"{self.ent}:*", "--url", self.gw.url, "--since", str(first), "--count", "3")
        self.assertEqual(done.returncode, 0, done.stderr)
        events = [json.loads(line) for line in done.stdout.splitlines()]
        self.assertEqual([e["seq"] for e in events], seqs)
        self.assertEqual(events[0]["topic"], f"{self.ent}:T-1")
        self.assertEqual(events[0]["eventType"], "task.progress")
        self.assertEqual(events[2]["data"], {"percent": 30})
        self.assertIsInstance(events[0]["timestamp"], str)
        self.assertIn("live on ws://", done.stderr)
        self.assertIn(f"following {self.ent}:* after seq {first}", done.stderr)

    def test_tail_follows_live_events(self):
        proc = subprocess.Popen([PYTHON, "-m", "event_gateway", "tail", f"{self.ent}:*", "--url", self.gw.url,
                                 "--count", "2"], env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, stdin=subprocess.DEVNULL)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        err = LineReader(proc.stderr)
        start = int(err.wait_for(r"following .* after seq \d+").rsplit(" ", 1)[1])
        seqs = [self.pub.publish(f"{self.ent}:A", "x", {"n": n}) for n in range(2)]
        out, _ = proc.communicate(timeout=15)
        self.assertEqual(proc.returncode, 0)
        self.assertEqual([json.loads(l)["seq"] for l in out.splitlines()], seqs)
        self.assertLess(start, seqs[0])

    def test_tail_polling_only(self):
        first = self.pub.publish(f"{self.ent}:A", "x")
        second = self.pub.publish(f"{self.ent}:A", "y")
        done = run("tail", f"{self.ent}:*", "--url", self.gw.url, "--since", str(first), "--count", "1",
                   "--no-websocket", "--poll-interval", "0.1")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(json.loads(done.stdout)["seq"], second)
        self.assertIn("polling", done.stderr)
        self.assertNotIn("live on", done.stderr)

    def test_tail_stops_quietly_when_its_reader_goes_away(self):
        first = self.pub.publish(f"{self.ent}:A", "x")
        self.pub.publish(f"{self.ent}:A", "x")
        proc = subprocess.Popen([PYTHON, "-m", "event_gateway", "tail", f"{self.ent}:*", "--url", self.gw.url,
                                 "--since", str(first - 1), "-q"], env=env(), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        self.assertEqual(json.loads(proc.stdout.readline())["seq"], first)
        proc.stdout.close()          # like `| head -n 1`
        self.pub.publish(f"{self.ent}:A", "x")   # the next write finds the pipe closed
        proc.wait(15)
        stderr = proc.stderr.read()
        proc.stderr.close()
        self.assertEqual(proc.returncode, 0, stderr)
        self.assertNotIn("Traceback", stderr)

    def test_tail_rejects_bad_arguments_clearly(self):
        done = run("tail", "task:*:x", "--url", self.gw.url)
        self.assertEqual(done.returncode, 2)
        self.assertIn("WS_INVALID_TOPIC", done.stderr)
        self.assertIn("task:*:x", done.stderr)
        self.assertNotIn("Traceback", done.stderr)
        done = run("tail", "task:*", "--url", "localhost:9090")
        self.assertEqual(done.returncode, 2)
        self.assertIn("api_base must be an http:// or https:// address", done.stderr)
        done = run("tail", "task:*", "--count", "0")
        self.assertEqual(done.returncode, 2)
        done = run("tail")
        self.assertEqual(done.returncode, 2)
        self.assertIn("PATTERN", done.stderr)

    def test_tail_exits_when_the_gateway_refuses_the_subscription(self):
        done = run("tail", *[f"{self.ent}:p{i}" for i in range(50)], "t:a", "--url", self.gw.url)
        self.assertEqual(done.returncode, 2)
        self.assertIn("WS_SUBSCRIPTION_LIMIT", done.stderr)

    def test_publish(self):
        done = run("publish", f"{self.ent}:T-1", "task.progress", '{"percent": 50}', "--url", self.gw.url,
                   "--idempotency-key", f"k-{self.ent}")
        self.assertEqual(done.returncode, 0, done.stderr)
        seq = int(done.stdout)
        again = run("publish", f"{self.ent}:T-1", "task.progress", '{"percent": 50}', "--url", self.gw.url,
                    "--idempotency-key", f"k-{self.ent}")
        self.assertEqual(int(again.stdout), seq)
        [event] = self.pub.iter_events(seq - 1, until=seq)
        self.assertEqual((event["topic"], event["data"]), (f"{self.ent}:T-1", {"percent": 50}))
        bad = run("publish", f"{self.ent}:T-1", "x", "{not json", "--url", self.gw.url)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("DATA is not JSON", bad.stderr)
        down = run("publish", "a:b", "x", "--url", "http://127.0.0.1:1")
        self.assertEqual(down.returncode, 1)
        self.assertIn("connection refused", down.stderr)

    def test_the_readme_example_works_as_written(self):
        with open(os.path.join(CLIENT_ROOT, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        code = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
        lines = [l for l in code.splitlines() if l.strip()]
        self.assertLessEqual(len(lines), 10, "the README promises ten lines")
        self.assertIn('"http://127.0.0.1:9090"', code)
        code = code.replace('"http://127.0.0.1:9090"', repr(self.gw.url))
        done = subprocess.run([PYTHON, "-c", code], env=env(), capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertRegex(done.stdout, r"^\d+ task:TASK-123 task\.progress \{'percent': 50\}\n$")


class PackagingTest(unittest.TestCase):
    def test_pyproject_declares_the_dependencies_and_the_command(self):
        with open(os.path.join(CLIENT_ROOT, "pyproject.toml"), "rb") as f:
            meta = tomllib.load(f)["project"]
        import event_gateway
        self.assertEqual(meta["version"], event_gateway.__version__)
        deps = " ".join(meta["dependencies"])
        self.assertIn("websocket-client", deps)
        self.assertIn("requests", deps)
        self.assertEqual(meta["scripts"]["event-gateway"], "event_gateway.cli:main")

    def test_pip_installs_the_package_and_its_command(self):
        # An offline install from a copy (setuptools writes build files next to the sources).
        work = tempfile.mkdtemp(prefix="eg-pip-")
        self.addCleanup(shutil.rmtree, work, True)
        src = os.path.join(work, "src")
        shutil.copytree(CLIENT_ROOT, src, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.egg-info",
                                                                         "build"))
        target = os.path.join(work, "site")
        done = subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                               "--no-build-isolation", "--disable-pip-version-check", "--target", target, src],
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        script = os.path.join(target, "bin", "event-gateway")
        self.assertTrue(os.path.exists(script), os.listdir(target))
        e = dict(os.environ, PYTHONPATH=target)
        version = subprocess.run([PYTHON, script, "--version"], env=e, capture_output=True, text=True, timeout=30)
        self.assertEqual(version.stdout.strip(), "event-gateway 1.0.0", version.stderr)
        [info] = [d for d in os.listdir(target) if d.endswith(".dist-info")]
        with open(os.path.join(target, info, "METADATA"), encoding="utf-8") as f:
            requires = [l for l in f.read().splitlines() if l.startswith("Requires-Dist:")]
        self.assertEqual(sorted(requires), ["Requires-Dist: requests (>=2.28)",
                                            "Requires-Dist: websocket-client (>=1.2.3)"])


if __name__ == "__main__":
    unittest.main()
