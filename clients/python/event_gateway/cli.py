"""The ``event-gateway`` command: ``tail`` prints events as JSON lines, ``publish`` publishes one event.

    python3 -m event_gateway tail 'task:*' --url http://127.0.0.1:9090 [--since N] [--count N]
    python3 -m event_gateway publish task:T-1 task.progress '{"percent": 50}' [--idempotency-key K]

The gateway address comes from ``--url``, else ``$EVENT_GATEWAY_URL``, else http://127.0.0.1:9090; a bearer token,
when the gateway wants one, from ``$EVENT_GATEWAY_TOKEN`` (not a flag: flags show in process lists).
"""

import argparse
import json
import os
import signal
import sys
import threading
from typing import List, Optional, TextIO

from . import __version__
from .client import LIVE, POLLING, GatewayClient
from .errors import GatewayError

DEFAULT_URL = "http://127.0.0.1:9090"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="event-gateway", description="Event Gateway command-line client.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def common(c: argparse.ArgumentParser) -> None:
        c.add_argument("--url", default=os.environ.get("EVENT_GATEWAY_URL") or DEFAULT_URL,
                       help="the gateway's HTTP address (default $EVENT_GATEWAY_URL or %(default)s)")
        c.add_argument("--timeout", type=float, default=10.0, metavar="S",
                       help="connect and request timeout in seconds (default %(default)s)")

    tail = sub.add_parser("tail", help="print each event of the patterns as one JSON line",
                          description="Prints every event on a topic matching one of PATTERNs as one JSON line "
                                      "({seq, topic, eventType, data, timestamp}), live, resuming without loss "
                                      "or duplicates across reconnects; polls REST while the WebSocket is "
                                      "unavailable. Connection notices go to stderr.")
    tail.add_argument("patterns", nargs="+", metavar="PATTERN", help="'*', entity:id or entity:prefix*")
    common(tail)
    tail.add_argument("--since", type=int, metavar="N",
                      help="first print the retained events with seq > N (default: start at the head)")
    tail.add_argument("--count", type=int, metavar="N", help="exit after N events")
    tail.add_argument("--poll-interval", type=float, default=2.0, metavar="S",
                      help="seconds between polls while the WebSocket is unavailable (default %(default)s)")
    tail.add_argument("--no-websocket", action="store_true", help="poll GET /api/events only")
    tail.add_argument("-q", "--quiet", action="store_true", help="no connection notices on stderr")

    pub = sub.add_parser("publish", help="publish one event; prints its seq",
                         description="Publishes one event over REST and prints its seq once it is durable.")
    pub.add_argument("topic", help="a concrete topic, entity:id")
    pub.add_argument("event_type", metavar="EVENT_TYPE")
    pub.add_argument("data", nargs="?", default="{}", help="a JSON object (default {})")
    common(pub)
    pub.add_argument("--idempotency-key", metavar="K", help="makes a retry safe: the same key is published once")
    return p


def main(argv: Optional[List[str]] = None, stdout: Optional[TextIO] = None, stderr: Optional[TextIO] = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = _parser().parse_args(argv)
    try:
        if args.command == "tail":
            return _tail(args, out, err)
        return _publish(args, out)
    except GatewayError as e:
        print(f"event-gateway: {e}", file=err)
        return EXIT_USAGE if e.code in ("INVALID_ARGUMENT", "WS_INVALID_TOPIC", "WS_SUBSCRIPTION_LIMIT") \
            else EXIT_FAILED


def _publish(args: argparse.Namespace, out: TextIO) -> int:
    try:
        data = json.loads(args.data)
    except ValueError as e:
        raise GatewayError("INVALID_ARGUMENT", f"DATA is not JSON: {e}") from None
    if not isinstance(data, dict):
        raise GatewayError("INVALID_ARGUMENT", f"DATA must be a JSON object, got {args.data!r}")
    client = GatewayClient(args.url, token=os.environ.get("EVENT_GATEWAY_TOKEN") or None,
                           request_timeout=args.timeout)
    try:
        print(client.publish(args.topic, args.event_type, data, args.idempotency_key), file=out, flush=True)
    finally:
        client.close()
    return EXIT_OK


def _tail(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.count is not None and args.count < 1:
        raise GatewayError("INVALID_ARGUMENT", f"--count must be at least 1, got {args.count}")
    if args.since is not None and args.since < 0:
        raise GatewayError("INVALID_ARGUMENT", f"--since must be >= 0, got {args.since}")
    done = threading.Event()
    terminated: List[bool] = []
    failure: List[BaseException] = []
    printed = [0]

    announced = threading.Lock()   # held once the start position was announced

    def announce() -> None:
        if announced.acquire(blocking=False) and not args.quiet:
            print(f"event-gateway: following {' '.join(sub.patterns)} after seq {sub.start_seq}", file=err,
                  flush=True)

    def on_event(event: dict) -> None:
        if done.is_set():
            return
        announce()
        try:
            out.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n")
            out.flush()
        except (BrokenPipeError, ValueError) as e:   # the reader went away (tail ... | head), or stdout closed
            failure.append(e)
            done.set()
            return
        printed[0] += 1
        if args.count is not None and printed[0] >= args.count:
            done.set()

    def on_state(state: str, error: Optional[GatewayError]) -> None:
        if args.quiet:
            return
        if state == LIVE:
            print(f"event-gateway: live on {client.ws_url}", file=err, flush=True)
        elif state == POLLING:
            why = f" ({error})" if error is not None else ""
            print(f"event-gateway: polling {client.api_base}/api/events{why}", file=err, flush=True)
        elif error is not None:
            print(f"event-gateway: {state}: {error}", file=err, flush=True)

    def on_error(error: GatewayError) -> None:
        print(f"event-gateway: {error}", file=err, flush=True)

    client = GatewayClient(args.url, token=os.environ.get("EVENT_GATEWAY_TOKEN") or None,
                           use_websocket=not args.no_websocket, poll_interval=args.poll_interval,
                           connect_timeout=args.timeout, request_timeout=args.timeout,
                           on_state=on_state, on_error=on_error)
    previous = signal.getsignal(signal.SIGTERM)
    if threading.current_thread() is threading.main_thread():
        def on_term(*_: object) -> None:
            terminated.append(True)
            done.set()
        signal.signal(signal.SIGTERM, on_term)
    try:
        sub = client.subscribe(args.patterns, on_event, since=args.since, wait=False)
        while not done.wait(0.1):
            if sub.error is not None:     # refused by the gateway (reported by on_error already)
                return EXIT_FAILED
            if client.state == "closed":
                client.wait(0)            # raises the fatal error that closed it
                return EXIT_FAILED
            if sub.ready:
                announce()
        if failure and isinstance(failure[0], BrokenPipeError):
            _silence_stdout()
        return EXIT_TERMINATED if terminated else EXIT_OK
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    finally:
        client.close()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, previous)


def _silence_stdout() -> None:
    # After EPIPE, Python would complain again when flushing stdout at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
