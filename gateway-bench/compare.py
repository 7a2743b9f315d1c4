"""scripts/bench-compare: one bench scenario under two or more gateway configurations, alternated in one session
(A B B A A B ... so that a slow minute of the shared machine hits every variant alike), with the medians and the
ratio of each variant to the first. For issue 7's figures (the cost of auth and of metrics) and any "with X against
without X" question.

    scripts/bench-compare --preset metrics --runs 3 -- fanout --subscribers 1000 --rate 100 --seconds 15 --warmup 10
    scripts/bench-compare --preset auth --runs 3 -- fanout --subscribers 1000 --rate 100 --seconds 15 --warmup 10
    scripts/bench-compare --variant 'delay 0=--ws.write-delay=0ms' --variant 'delay 5=--ws.write-delay=5ms' -- fanout ...

A variant is NAME=GATEWAY_FLAGS (flags for the gateway, split on spaces). Presets:
  metrics  metrics.enabled=false (first, the baseline) against true
  auth     auth.mode=none (baseline) against api-key and jwt (HS256), every connection authenticated with a
           credential whose grant covers every topic (made here, in a temporary directory)
  cost     everything off (baseline), then metrics alone, API keys alone, JWTs alone: issue 7's figure in one
           session
Each run is `scripts/bench SCENARIO ... --json FILE -- FLAGS`; the figures are those of the run's steady rows.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import secrets
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256(secret, claims):
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps(claims).encode())
    signature = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{b64url(signature)}"


def preset(name, work):
    """[(name, gateway flags, bench flags)]; the first is the baseline."""
    if name == "metrics":
        return [("metrics off", ["--metrics.enabled=false"], []), ("metrics on", ["--metrics.enabled=true"], [])]
    if name in ("auth", "cost"):
        key = "egw_" + b64url(secrets.token_bytes(32))
        keys = os.path.join(work, "keys.json")
        with open(keys, "w") as f:
            json.dump({"keys": [{"name": "bench", "sha256": hashlib.sha256(key.encode()).hexdigest(),
                                 "subscribe": ["*"], "publish": ["*"], "admin": True}]}, f)
        # Text: the gateway reads the secret file as UTF-8 and signs with those bytes.
        secret = secrets.token_hex(32).encode()
        secret_file = os.path.join(work, "jwt.secret")
        with open(secret_file, "wb") as f:
            f.write(secret)
        token = hs256(secret, {"sub": "bench", "exp": int(time.time()) + 24 * 3600, "subscribe": ["*"],
                               "publish": ["*"], "admin": True})
        auth = [("auth off", ["--auth.mode=none"], []),
                ("api key", ["--auth.mode=api-key", f"--auth.api-keys-file={keys}"], [f"--token={key}"]),
                ("jwt HS256", ["--auth.mode=jwt", f"--auth.jwt.secret-file={secret_file}"], [f"--token={token}"])]
        if name == "auth":
            return auth
        # cost: everything off, then each of metrics, API keys and JWTs on alone.
        off = ["--metrics.enabled=false"]
        return [("all off", off + auth[0][1], []), ("metrics on", ["--metrics.enabled=true"] + auth[0][1], [])] + [
            (n, off + g, b) for n, g, b in auth[1:]]
    raise SystemExit(f"unknown preset '{name}': known are metrics, auth, cost")


def steady(report):
    rows = [r for r in report.get("rows", []) if r.get("steady")] or report.get("rows", [])
    if not rows:
        return None
    n = len(rows)
    return {"deliveries": sum(r.get("deliveriesPerSecond", 0) for r in rows) / n,
            "p50": statistics.median(r.get("p50Ms", 0) for r in rows),
            "p99": max(r.get("p99Ms", 0) for r in rows),
            "gatewayCpu": statistics.median(r.get("gatewayCpu", -1) for r in rows),
            "otherCpu": max(r.get("otherCpu", -1) for r in rows)}


def main():
    p = argparse.ArgumentParser(prog="scripts/bench-compare", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--preset", help="metrics or auth")
    p.add_argument("--variant", action="append", default=[], help="NAME=GATEWAY_FLAGS (repeatable)")
    p.add_argument("--runs", type=int, default=3, help="runs per variant (default 3)")
    p.add_argument("--out", help="a directory for every run's JSON and output (default: a temporary one)")
    p.add_argument("bench", nargs=argparse.REMAINDER, help="-- SCENARIO [bench options]")
    args = p.parse_args()
    bench = args.bench[1:] if args.bench[:1] == ["--"] else args.bench
    if not bench:
        p.error("give the scenario and its options after --")
    if "--" in bench:
        p.error("gateway flags go in the variants, not after the scenario")
    if args.runs < 1:
        p.error("--runs must be at least 1")
    work = args.out or tempfile.mkdtemp(prefix="bench-compare-")
    os.makedirs(work, exist_ok=True)
    variants = preset(args.preset, work) if args.preset else []
    for v in args.variant:
        name, _, flags = v.partition("=")
        if not name or not flags:
            p.error(f"a variant is NAME=GATEWAY_FLAGS, got '{v}'")
        variants.append((name, shlex.split(flags), []))
    if len(variants) < 2:
        p.error("give --preset or at least two --variant")

    # A B C, C B A, A B C ...: each variant runs first as often as last.
    order = []
    for run in range(args.runs):
        order += variants if run % 2 == 0 else list(reversed(variants))
    results = {name: [] for name, _, _ in variants}
    failures = 0
    for i, (name, gateway_flags, bench_flags) in enumerate(order, 1):
        out = os.path.join(work, f"run-{i:02d}.json")
        load = os.getloadavg()[0]
        command = [os.path.join(ROOT, "scripts", "bench")] + bench + bench_flags + ["--json", out, "--"] + gateway_flags
        with open(os.path.join(work, f"run-{i:02d}.log"), "w") as log:
            code = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT).returncode
        figures = None
        if os.path.exists(out):
            with open(out) as f:
                report = json.load(f)
            figures = steady(report)
        if figures is None:
            failures += 1
            print(f"run {i:2} {name:12} failed (exit {code}); see {work}/run-{i:02d}.log", flush=True)
            continue
        figures["load"] = load
        figures["exit"] = code
        results[name].append(figures)
        print(f"run {i:2} {name:12} load {load:5.2f}  {figures['deliveries']:>10,.0f} deliveries/s  p50"
              f" {figures['p50']:8.1f} ms  p99 {figures['p99']:8.1f} ms  gateway CPU {figures['gatewayCpu']:.2f}"
              f"  other CPU {figures['otherCpu']:.2f}  exit {code}", flush=True)

    base = None
    print(f"\n{' '.join(shlex.quote(a) for a in ['scripts/bench-compare'] + sys.argv[1:])}\n")
    print("| variant | runs | deliveries/s (median; runs) | ratio | p99 ms (median; runs) | ratio | p50 ms (median)"
          " | gateway CPU, cores (median) | gateway CPU per delivery, µs (median) | load average before the runs |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, _, _ in variants:
        rs = results[name]
        if not rs:
            print(f"| {name} | 0 | - | - | - | - | - | - | - | - |")
            continue
        d = statistics.median(r["deliveries"] for r in rs)
        p99 = statistics.median(r["p99"] for r in rs)
        if base is None:
            base = (d, p99)
        runs_d = ", ".join(f"{r['deliveries']:,.0f}" for r in rs)
        runs_p99 = ", ".join(f"{r['p99']:,.1f}" for r in rs)
        p50 = statistics.median(r["p50"] for r in rs)
        cpu = statistics.median(r["gatewayCpu"] for r in rs)
        per = statistics.median(r["gatewayCpu"] / r["deliveries"] * 1e6 if r["deliveries"] > 0 else 0 for r in rs)
        loads = f"{min(r['load'] for r in rs):.2f} to {max(r['load'] for r in rs):.2f}"
        print(f"| {name} | {len(rs)} | {d:,.0f} ({runs_d}) | {d / base[0]:.3f} | {p99:,.1f} ({runs_p99}) |"
              f" {p99 / base[1]:.2f} | {p50:.1f} | {cpu:.2f} | {per:.2f} | {loads} |")
    print(f"\nEvery run's report: {work}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
