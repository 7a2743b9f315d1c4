"""Test fixtures: the real gateway as a process, a TCP relay that can refuse WebSocket upgrades, and small fake
servers that answer what a broken gateway or proxy would.

The gateway is started with ``scripts/gateway`` (which builds what is missing first), or with the command in
``$EVENT_GATEWAY_SERVER`` (for example a gateway built elsewhere), and stopped with SIGKILL on its process group.
"""

import atexit
import base64
import hashlib
import http.server
import json
import os
import re
import select
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from typing import Any, Callable, Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT_ROOT = os.path.dirname(HERE)
REPO_ROOT = os.path.dirname(os.path.dirname(CLIENT_ROOT))
READY = re.compile(r"^Event Gateway ready on (http://\S+)$")
# Generous: scripts/gateway builds the server first when its sources are newer than the jar.
START_TIMEOUT = float(os.environ.get("EVENT_GATEWAY_START_TIMEOUT", "300"))

if CLIENT_ROOT not in sys.path:
    sys.path.insert(0, CLIENT_ROOT)


def wait_until(condition: Callable[[], Any], timeout: float, what: str, interval: float = 0.01) -> Any:
    """Polls ``condition`` until it is truthy; AssertionError naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


try:  # loaded before any fork: the child only makes the call
    import ctypes
    _prctl = ctypes.CDLL("libc.so.6", use_errno=True).prctl
except Exception:  # noqa: BLE001 - not Linux: atexit still stops the gateway on a normal exit
    _prctl = None


def _die_with_parent() -> None:
    # The gateway must not outlive a test run that is killed: PR_SET_PDEATHSIG (1) makes it get SIGKILL when
    # the thread that started it ends (gateways are started from the main thread).
    if _prctl is not None:
        _prctl(1, int(signal.SIGKILL))


class Gateway:
    """One gateway process on a SQLite file of its own; ``kill`` and ``start`` again keep port and file."""

    _all: List["Gateway"] = []

    def __init__(self, *flags: str, name: str = "gateway"):
        self.flags = list(flags)
        self.name = name
        self.dir = tempfile.mkdtemp(prefix=f"eg-{name}-")
        self.db = os.path.join(self.dir, "gateway.db")
        self.port = 0
        self.url: Optional[str] = None
        self.proc: Optional[subprocess.Popen] = None
        self.log: List[str] = []
        self._ready = threading.Event()
        Gateway._all.append(self)

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/ws"  # type: ignore[union-attr]

    def command(self) -> List[str]:
        base = os.environ.get("EVENT_GATEWAY_SERVER") or os.path.join(REPO_ROOT, "scripts", "gateway")
        return [base, f"--server.port={self.port}", f"--store.url=r2dbc:sqlite:{self.db}", *self.flags]

    def start(self) -> "Gateway":
        assert self.proc is None, "already running"
        self._ready.clear()
        self.log.append(f"--- start {' '.join(self.command())}")
        self.proc = subprocess.Popen(self.command(), cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, start_new_session=True,
                                     preexec_fn=_die_with_parent)
        self._pump_thread = threading.Thread(target=self._pump, args=(self.proc,), daemon=True,
                                             name=f"{self.name}-log")
        self._pump_thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._ready.wait(0.05):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                code = self.proc.poll()
                self.kill()
                raise RuntimeError(f"{self.name} did not start (exit {code}); its output:\n" + self.tail())
        return self

    def _pump(self, proc: subprocess.Popen) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip("\n")
            self.log.append(line)
            m = READY.match(line)
            if m and proc is self.proc:
                self.url = m.group(1)
                self.port = int(self.url.rsplit(":", 1)[1])
                self._ready.set()

    def kill(self) -> None:
        """SIGKILL to the process group this harness started: no shutdown, as in a crash."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(10)
        self._pump_thread.join(5)
        if proc.stdout is not None:
            proc.stdout.close()

    def restart(self) -> None:
        self.kill()
        self.start()

    def destroy(self) -> None:
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def tail(self, n: int = 40) -> str:
        return "\n".join(self.log[-n:])

    @classmethod
    def destroy_all(cls) -> None:
        for g in list(cls._all):
            g.destroy()
        cls._all.clear()


atexit.register(Gateway.destroy_all)

_shared: Dict[str, Gateway] = {}
_shared_lock = threading.Lock()


def shared_gateway() -> Gateway:
    """The gateway most tests share, started once per run. Its heartbeat is fast (250 ms, idle timeout 1.5 s) so
    that every test also checks that the client answers the gateway's pings: one that did not would be closed
    4001 within 1.5 s."""
    with _shared_lock:
        g = _shared.get("main")
        if g is None:
            g = Gateway("--ws.heartbeat-interval=250ms", "--ws.idle-timeout=1500ms", name="main").start()
            _shared["main"] = g
        return g


# ---------------------------------------------------------------------------------------------------------------
# A relay in front of the gateway, like a reverse proxy: it forwards every connection byte for byte, except that
# in "refuse" mode it answers WebSocket upgrades itself (as a proxy without WebSocket support does).


class Relay:
    def __init__(self, upstream_port: int, refuse_status: int = 404):
        self.upstream_port = upstream_port
        self.refuse_status = refuse_status
        self.refuse_upgrades = False
        self.upgrades_refused = 0
        self.upgrades_forwarded = 0
        self._socks: List[socket.socket] = []
        self._lock = threading.Lock()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self.port = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._closed = False
        threading.Thread(target=self._accept, daemon=True, name="relay").start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        head = b""
        try:
            client.settimeout(10)
            while b"\r\n\r\n" not in head:
                chunk = client.recv(65536)
                if not chunk:
                    client.close()
                    return
                head += chunk
            client.settimeout(None)
            upgrade = re.search(rb"^upgrade:\s*websocket", head.split(b"\r\n\r\n")[0], re.I | re.M) is not None
            if upgrade and self.refuse_upgrades:
                with self._lock:
                    self.upgrades_refused += 1
                body = b"<html><body>WebSocket not supported by this proxy</body></html>"
                client.sendall(b"HTTP/1.1 %d Refused\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
                               b"Connection: close\r\n\r\n%s" % (self.refuse_status, len(body), body))
                client.close()
                return
            if upgrade:
                with self._lock:
                    self.upgrades_forwarded += 1
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=10)
            upstream.settimeout(None)
            upstream.sendall(head)
        except OSError:
            client.close()
            return
        with self._lock:
            self._socks += [client, upstream]
        self._pipe(client, upstream)

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        socks = [a, b]
        try:
            while True:
                readable, _, _ = select.select(socks, [], [], 1.0)
                if self._closed:
                    return
                for s in readable:
                    data = s.recv(65536)
                    if not data:
                        return
                    (b if s is a else a).sendall(data)
        except OSError:
            pass
        finally:
            for s in socks:
                try:
                    s.close()
                except OSError:
                    pass
            with self._lock:
                for s in socks:
                    if s in self._socks:
                        self._socks.remove(s)

    def drop_connections(self) -> None:
        """Cuts every open connection (as a proxy restart would)."""
        with self._lock:
            socks = list(self._socks)
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self._closed = True
        self._server.close()
        self.drop_connections()


# ---------------------------------------------------------------------------------------------------------------
# A plain HTTP server whose answers a test chooses: handler(method, path, headers, body) -> (status, headers, body).

Answer = Tuple[int, Dict[str, str], bytes]


class FakeHttp:
    def __init__(self, handler: Callable[[str, str, Dict[str, str], bytes], Answer]):
        self.requests: List[Tuple[str, str, Dict[str, str], bytes]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                outer.requests.append((self.command, self.path, headers, body))
                status, extra, payload = handler(self.command, self.path, headers, body)
                if status == 0:   # hang up without an answer
                    self.close_connection = True
                    return
                self.send_response(status)
                for k, v in extra.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _any

            def log_message(self, *args: Any) -> None:
                pass

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass   # a client hanging up mid-request is what some tests do

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True, name="fake-http").start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def json_answer(status: int, body: Any) -> Answer:
    return status, {"Content-Type": "application/json"}, json.dumps(body).encode()


# ---------------------------------------------------------------------------------------------------------------
# A WebSocket server that completes the handshake and then runs a test's script on the raw socket.

_WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def ws_frame(payload: bytes, opcode: int = 1) -> bytes:
    n = len(payload)
    if n < 126:
        header = bytes([0x80 | opcode, n])
    elif n < 65536:
        header = bytes([0x80 | opcode, 126]) + n.to_bytes(2, "big")
    else:
        header = bytes([0x80 | opcode, 127]) + n.to_bytes(8, "big")
    return header + payload


def ws_text(obj: Any) -> bytes:
    return ws_frame(obj if isinstance(obj, bytes) else json.dumps(obj).encode())


class FakeWs:
    """Accepts upgrades on /ws; ``script(sock)`` then runs per connection (sock in blocking mode)."""

    def __init__(self, script: Callable[[socket.socket], None], status: int = 101):
        self.connections = 0
        self.heads: List[bytes] = []
        self._status = status
        self._script = script
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(16)
        self.port = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._socks: List[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True, name="fake-ws").start()

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._server.accept()
            except OSError:
                return
            self._socks.append(sock)
            threading.Thread(target=self._handle, args=(sock,), daemon=True).start()

    def _handle(self, sock: socket.socket) -> None:
        try:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                head += chunk
            self.connections += 1
            self.heads.append(head)
            if self._status != 101:
                sock.sendall(b"HTTP/1.1 %d Nope\r\nContent-Length: 0\r\nConnection: close\r\n\r\n" % self._status)
                return
            found = re.search(rb"sec-websocket-key:\s*(\S+)", head, re.I)
            if found is None:   # not an upgrade (a REST request): this server only speaks WebSocket
                sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            key = found.group(1)
            accept = base64.b64encode(hashlib.sha1(key + _WS_GUID).digest())
            sock.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
            self._script(sock)
        except OSError:
            pass
        finally:
            try:
                sock.close()
            except OSError:
                pass

    def close(self) -> None:
        self._server.close()
        for s in self._socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def connected_frame(heartbeat_ms: int = 30000) -> bytes:
    return ws_text({"type": "connected", "timestamp": "2026-01-01T00:00:00.000Z",
                    "payload": {"connectionId": "c-fake", "serverVersion": "fake", "headSeq": 0,
                                "heartbeatIntervalMs": heartbeat_ms, "idleTimeoutMs": 60000,
                                "maxSubscriptions": 50, "bufferSize": 1000}})


# ---------------------------------------------------------------------------------------------------------------


class Recorder:
    """A callback that records events, with waits on what it has seen."""

    def __init__(self) -> None:
        self.events: List[Dict[str, Any]] = []
        self._cond = threading.Condition()

    def __call__(self, event: Dict[str, Any]) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    @property
    def seqs(self) -> List[int]:
        with self._cond:
            return [e["seq"] for e in self.events]

    def wait_for(self, predicate: Callable[[List[Dict[str, Any]]], bool], timeout: float, what: str) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: predicate(self.events), timeout):
                raise AssertionError(f"timed out after {timeout:g} s waiting for {what}; got seqs "
                                     f"{[e['seq'] for e in self.events][-20:]} (last 20)")

    def wait_seq(self, seq: int, timeout: float = 10.0) -> None:
        self.wait_for(lambda evs: any(e["seq"] >= seq for e in evs), timeout, f"seq {seq}")

    def wait_count(self, n: int, timeout: float = 10.0) -> None:
        self.wait_for(lambda evs: len(evs) >= n, timeout, f"{n} events")


class States:
    """An on_state callback that records the states and their errors."""

    def __init__(self) -> None:
        self.seen: List[Tuple[str, Any]] = []
        self._cond = threading.Condition()

    def __call__(self, state: str, error: Any) -> None:
        with self._cond:
            self.seen.append((state, error))
            self._cond.notify_all()

    def names(self) -> List[str]:
        with self._cond:
            return [s for s, _ in self.seen]

    def wait_for(self, state: str, timeout: float = 10.0, after: int = 0) -> Any:
        with self._cond:
            ok = self._cond.wait_for(lambda: any(s == state for s, _ in self.seen[after:]), timeout)
            if not ok:
                raise AssertionError(f"state {state!r} not reached in {timeout:g} s; states: {self.seen}")
            return next(e for s, e in self.seen[after:] if s == state)


class Errors:
    """An on_error callback that records errors."""

    def __init__(self) -> None:
        self.errors: List[Any] = []
        self._cond = threading.Condition()

    def __call__(self, error: Any) -> None:
        with self._cond:
            self.errors.append(error)
            self._cond.notify_all()

    def codes(self) -> List[str]:
        with self._cond:
            return [e.code for e in self.errors]

    def wait_code(self, code: str, timeout: float = 10.0) -> Any:
        with self._cond:
            if not self._cond.wait_for(lambda: any(e.code == code for e in self.errors), timeout):
                raise AssertionError(f"no {code} error within {timeout:g} s; errors: {self.errors}")
            return next(e for e in self.errors if e.code == code)


class GatewayTestCase(unittest.TestCase):
    """Closes every client a test made, even when it fails."""

    def client(self, *args: Any, **kwargs: Any):
        from event_gateway import GatewayClient
        c = GatewayClient(*args, **kwargs)
        self.addCleanup(c.close)
        return c


def read_client_frame(sock: socket.socket, timeout: float = 5.0) -> Tuple[int, bytes]:
    """One (masked) frame from a client: (opcode, payload)."""
    sock.settimeout(timeout)

    def exactly(n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise EOFError("the client closed the connection")
            data += chunk
        return data

    b0, b1 = exactly(2)
    n = b1 & 0x7F
    if n == 126:
        n = int.from_bytes(exactly(2), "big")
    elif n == 127:
        n = int.from_bytes(exactly(8), "big")
    mask = exactly(4) if b1 & 0x80 else b"\0\0\0\0"
    data = bytes(c ^ mask[i % 4] for i, c in enumerate(exactly(n)))
    return b0 & 0x0F, data


def drain(sock: socket.socket) -> None:
    """Reads until the client closes (keeps a fake connection open as long as the client wants it)."""
    sock.settimeout(None)
    try:
        while sock.recv(4096):
            pass
    except OSError:
        pass
