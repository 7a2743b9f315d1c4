"""GatewayClient: subscriptions that survive reconnects, overflows and a missing WebSocket.

Delivery model (PROTOCOL.md section 7). Each Subscription has a position, ``last_seq``: every event of its
patterns up to it was handed to its callback (or announced lost, through ``on_error`` with ``EVENTS_LOST``). An
event with ``seq <= last_seq`` is a duplicate and is dropped, so the callback sees each seq at most once and in
increasing order, whatever path the event came by:

- over the WebSocket. After each (re)connect every subscription is sent again with ``since`` = its position; its
  events are routed to it only once the gateway confirmed it (``subscribed``): what came before is covered by the
  replay that follows the confirmation, and the replay comes before newer live events of the same patterns;
- through an ``overflow`` frame's gap, fetched over REST (``resync``, paged) before the next frame is read, so
  order holds; if that request fails the connection is dropped and the reconnect's ``since`` recovers the gap;
- by polling ``GET /api/events?since=<position>&topics=...`` (paged by ``hasMore``) while the WebSocket cannot be
  opened (refused, 403/404 from a proxy, ...); the client keeps trying the WebSocket with backoff meanwhile and
  goes back to it as soon as it opens.

Threading. One worker thread per client owns the connection: it reads frames, polls, and calls every callback,
one at a time, in delivery order. A slow callback therefore slows reading, and the gateway answers with an
``overflow`` frame (which the client repairs) rather than slowing down. Public methods may be called from any
thread, including from a callback.
"""

import json
import logging
import math
import random as _random
import socket
import struct
import threading
import time
import urllib.parse
import urllib.request
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import websocket

from . import errors
from .domain import DomainApi
from .errors import GatewayError, invalid
from .rest import RestApi, check_positive, check_seq, parse_event
from .topics import any_matcher, check_patterns

log = logging.getLogger("event_gateway")

IDLE, CONNECTING, LIVE, POLLING, RECONNECTING, CLOSED = (
    "idle", "connecting", "live", "polling", "reconnecting", "closed")
STATES = (IDLE, CONNECTING, LIVE, POLLING, RECONNECTING, CLOSED)

Event = Dict[str, Any]
Callback = Callable[[Event], Any]

# Errors after which retrying cannot help: the client closes and reports them.
_FATAL = (errors.UNAUTHORIZED, errors.CREDENTIALS_REVOKED)
# A subscription the gateway refuses for what it is (not for the state of the connection) fails for good.
_SUBSCRIPTION_FATAL = ("WS_INVALID_TOPIC", "WS_SUBSCRIPTION_LIMIT", "WS_FORBIDDEN", "WS_INVALID_MESSAGE",
                       "INVALID_TOPIC", "FORBIDDEN", "INVALID_MESSAGE")
_MAX_SUBSCRIBE_RETRIES = 3


def backoff_delay(attempt: int, initial: float, maximum: float, factor: float,
                  rnd: Callable[[], float] = _random.random) -> float:
    """Exponential backoff with full jitter: uniform in ``[0, min(maximum, initial * factor**(attempt-1)))``."""
    exponent = max(0, attempt - 1)
    if factor > 1:
        exponent = min(exponent, math.ceil(math.log(max(maximum / initial, 1)) / math.log(factor)) + 1)
    cap = min(maximum, initial * factor ** exponent)
    return rnd() * cap


class Subscription:
    """One ``subscribe`` call: its patterns, its callback and its position ``last_seq``."""

    def __init__(self, client: "GatewayClient", sid: int, patterns: Tuple[str, ...], callback: Callback,
                 since: Optional[int]):
        self.id = sid
        self.patterns = patterns
        self.callback = callback
        #: the seq of the last event delivered (or the position it started from); None until the gateway told
        #: the client where "now" is
        self.last_seq: Optional[int] = since
        #: where delivery started: ``since``, or the gateway's head when it first confirmed the subscription
        self.start_seq: Optional[int] = since
        #: events handed to the callback
        self.delivered = 0
        self.cancelled = False
        self.error: Optional[GatewayError] = None
        self._client = client
        self._match = any_matcher(patterns)
        self._conn: Optional["_Connection"] = None   # the connection on which the gateway confirmed it
        self._sent: Optional["_Connection"] = None   # the connection its subscribe went out on
        self._ready = threading.Event()
        self._waiting = False   # a subscribe() call waits for it: a refusal is raised there, not reported
        self._lost_reported_at: Optional[int] = None

    def matches(self, topic: str) -> bool:
        return self._match(topic)

    @property
    def ready(self) -> bool:
        """Whether the gateway confirmed it once (over the WebSocket, or by a first successful poll)."""
        return self._ready.is_set() and self.error is None

    def wait_ready(self, timeout: Optional[float] = None) -> bool:
        """Waits until the subscription is confirmed; False on timeout, GatewayError if it failed."""
        done = self._ready.wait(timeout)
        if self.error is not None:
            raise self.error
        return done

    def cancel(self) -> None:
        """Stops deliveries to this subscription (``unsubscribe``)."""
        self._client.unsubscribe(self)

    def __repr__(self) -> str:
        return f"Subscription({_show(self.patterns)}, last_seq={self.last_seq})"


class _Connection:
    """One open WebSocket and what was asked on it."""

    def __init__(self, ws: websocket.WebSocket, gen: int, info: Dict[str, Any]):
        self.ws = ws
        self.gen = gen
        self.info = info
        self.connection_id = info.get("connectionId")
        self.pending: Dict[str, Optional[Subscription]] = {}   # request id -> subscription (None: unsubscribe)
        self.retries: Dict[int, int] = {}
        self.counter = 0
        self.closed = False

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.gen}-{self.counter}"

    def send(self, message: Mapping[str, Any]) -> None:
        self.ws.send(json.dumps(message, separators=(",", ":"), ensure_ascii=False))

    def abort(self, code: int = 1000, reason: str = "") -> None:
        """Sends a close frame (best effort) and shuts the socket, waking the reader."""
        if self.closed:
            return
        self.closed = True
        sock = self.ws.sock
        try:
            if sock is not None:
                self.ws.send_close(code, reason.encode("utf-8"))
        except Exception:  # noqa: BLE001 - the socket may already be gone; closing is all that matters
            pass
        try:
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class GatewayClient(DomainApi):
    """A client of one Event Gateway.

    ``api_base`` is the gateway's HTTP address, e.g. ``http://127.0.0.1:9090`` (the WebSocket is ``/ws`` under
    it unless ``ws_url`` says otherwise). Nothing is opened until the first ``subscribe`` or ``connect``; REST
    calls (``publish``, ``events``, the domain calls) work without it.

    Options (all keyword-only):

    - ``ws_url``: the WebSocket address (default ``ws[s]://<api_base host>/<path>/ws``), without a ``batch``
      parameter (``batch_frames`` adds it);
    - ``batch_frames`` (False): True asks the gateway for ``batch`` frames (``/ws?batch=true``, PROTOCOL.md
      section 5): it may then pack several messages into one frame, which the client unpacks and handles in
      order, each as if it had come alone. Fewer frames for a busy subscriber; delivery is the same;
    - ``token``: sent as ``Authorization: Bearer <token>`` on every request and on the upgrade; ``headers``: more
      HTTP headers; ``origin``: an ``Origin`` header for the upgrade (none by default, as befits a non-browser
      client; the gateway refuses origins outside ``ws.allowed-origins`` with 403);
    - ``use_websocket`` (True): False polls only; ``fallback_to_polling`` (True): False never polls, it only
      retries the WebSocket;
    - ``poll_interval`` (2.0 s) between polls; ``poll_page_size`` (1000) events per REST page;
    - ``backoff_initial`` (0.25 s), ``backoff_max`` (30 s), ``backoff_factor`` (2): the cap of the delay before
      reconnect attempt n is ``min(backoff_max, backoff_initial * backoff_factor**(n-1))`` and the delay is
      uniform below it (full jitter); a connection live for ``backoff_reset`` (5 s) resets n;
    - ``connect_timeout`` (10 s) for the upgrade and the ``connected`` frame, also the default wait of
      ``subscribe``; ``request_timeout`` (10 s) per REST request; ``heartbeat_timeout`` (default twice the
      gateway's heartbeat interval plus 5 s): silence after which an open WebSocket counts as dead;
    - ``on_state(state, error)``: called on each change of ``state`` (idle, connecting, live, polling,
      reconnecting, closed) with the error that caused it, if any; ``on_error(error)``: called for what the
      application should hear of (``EVENTS_LOST``, ``CALLBACK_FAILED``, ``PROTOCOL_ERROR``, a subscription the
      gateway refused, an unsolicited error frame, a fatal error). Both default to logging (logger
      ``event_gateway``). They run on the worker thread and must not block;
    - ``random``: a function uniform in [0, 1) for the jitter (tests).
    """

    def __init__(self, api_base: str = "http://127.0.0.1:9090", *, ws_url: Optional[str] = None,
                 token: Optional[str] = None, headers: Optional[Mapping[str, str]] = None,
                 origin: Optional[str] = None, batch_frames: bool = False, use_websocket: bool = True,
                 fallback_to_polling: bool = True,
                 poll_interval: float = 2.0, poll_page_size: int = 1000, backoff_initial: float = 0.25,
                 backoff_max: float = 30.0, backoff_factor: float = 2.0, backoff_reset: float = 5.0,
                 connect_timeout: float = 10.0, request_timeout: float = 10.0,
                 heartbeat_timeout: Optional[float] = None,
                 on_state: Optional[Callable[[str, Optional[GatewayError]], Any]] = None,
                 on_error: Optional[Callable[[GatewayError], Any]] = None,
                 random: Optional[Callable[[], float]] = None):
        self.api_base = _check_http_url(api_base)
        if not isinstance(batch_frames, bool):
            raise invalid(f"batch_frames must be True or False, got {batch_frames!r}", option="batch_frames")
        self._batch_frames = batch_frames
        self.ws_url = _check_ws_url(ws_url) if ws_url is not None else _derive_ws_url(self.api_base)
        if batch_frames:
            self.ws_url = _with_query(self.ws_url, "batch=true")
        hdrs: Dict[str, str] = {}
        if headers is not None:
            if not isinstance(headers, Mapping) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
                raise invalid("headers must be a dict of strings", option="headers")
            hdrs.update(headers)
        if token is not None:
            if not isinstance(token, str) or not token or any(c in token for c in "\r\n"):
                raise invalid("token must be a non-empty string on one line", option="token")
            hdrs["Authorization"] = f"Bearer {token}"
        if origin is not None and (not isinstance(origin, str) or "://" not in origin):
            raise invalid(f"origin must look like scheme://host[:port], got {origin!r}", option="origin")
        for name, value in (("use_websocket", use_websocket), ("fallback_to_polling", fallback_to_polling)):
            if not isinstance(value, bool):
                raise invalid(f"{name} must be True or False, got {value!r}", option=name)
        if not isinstance(poll_page_size, int) or isinstance(poll_page_size, bool) or not 1 <= poll_page_size <= 10000:
            raise invalid(f"poll_page_size must be an integer from 1 to 10000, got {poll_page_size!r}",
                          option="poll_page_size")
        self._poll_interval = check_positive(poll_interval, "poll_interval")
        self._backoff = (check_positive(backoff_initial, "backoff_initial"),
                         check_positive(backoff_max, "backoff_max"), check_positive(backoff_factor, "backoff_factor"))
        if self._backoff[1] < self._backoff[0]:
            raise invalid(f"backoff_max ({backoff_max}) must be >= backoff_initial ({backoff_initial})",
                          option="backoff_max")
        if self._backoff[2] < 1:
            raise invalid(f"backoff_factor must be >= 1, got {backoff_factor}", option="backoff_factor")
        self._backoff_reset = check_positive(backoff_reset, "backoff_reset", allow_zero=True)
        self._connect_timeout = check_positive(connect_timeout, "connect_timeout")
        self._heartbeat_timeout = None if heartbeat_timeout is None else check_positive(
            heartbeat_timeout, "heartbeat_timeout")
        for name, fn in (("on_state", on_state), ("on_error", on_error), ("random", random)):
            if fn is not None and not callable(fn):
                raise invalid(f"{name} must be callable", option=name)
        self._origin = origin
        self._ws_headers = [f"{k}: {v}" for k, v in hdrs.items()]
        self._use_websocket = use_websocket
        self._fallback = fallback_to_polling
        self._page_size = poll_page_size
        self._on_state = on_state
        self._on_error = on_error
        self._random = random or _random.random
        self._rest = RestApi(self.api_base, headers=hdrs, timeout=check_positive(request_timeout, "request_timeout"))

        self._lock = threading.RLock()
        self._state_changed = threading.Condition(self._lock)
        self._state = IDLE
        self._up_count = 0
        self._up_state = IDLE
        self._subs: List[Subscription] = []
        self._next_sub = 0
        self._conn: Optional[_Connection] = None
        self._opening: Optional[websocket.WebSocket] = None
        self._gen = 0
        self._worker: Optional[threading.Thread] = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._fatal: Optional[GatewayError] = None
        self._ws_error: Optional[GatewayError] = None     # why the last WebSocket attempt failed
        self._poll_error: Optional[GatewayError] = None   # why the last poll failed
        #: the error behind the current state (why it is not live), if any
        self.last_error: Optional[GatewayError] = None
        #: counters: events delivered, duplicates dropped, connections opened, overflows repaired, batch frames
        #: received (``batches``), ...
        self.stats: Dict[str, int] = {k: 0 for k in (
            "delivered", "duplicates_dropped", "connections", "connect_failures", "overflows", "resynced_events",
            "resync_failures", "polls", "pings", "callback_errors", "protocol_errors", "batches")}

    # -- life ----------------------------------------------------------------------------------------------------

    @property
    def state(self) -> str:
        """idle, connecting, live, polling, reconnecting or closed."""
        return self._state

    @property
    def connection_id(self) -> Optional[str]:
        """The gateway's ``connectionId`` of the live WebSocket, if any."""
        conn = self._conn
        return conn.connection_id if conn is not None else None

    def connect(self, timeout: Optional[float] = None) -> str:
        """Starts the connection and waits until it is live (WebSocket) or polling; answers which.

        Raises GatewayError ``TIMEOUT`` (naming the last failure) when neither happened within ``timeout``
        (default ``connect_timeout``), or the fatal error that closed the client.
        """
        with self._lock:
            seen = self._up_count
            if self._state in (LIVE, POLLING):
                return self._state
        self._start()
        self._await(lambda: self._up_count > seen, timeout, "connect")
        return self._up_state

    def wait_for_state(self, *states: str, timeout: Optional[float] = None) -> bool:
        """Waits until ``state`` is one of ``states``; False on timeout."""
        bad = [s for s in states if s not in STATES]
        if not states or bad:
            raise invalid(f"states must be among {', '.join(STATES)}; got {list(states)!r}")
        with self._lock:
            return self._state_changed.wait_for(lambda: self._state in states, timeout)

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Blocks until the client is closed (True) or ``timeout`` passes (False); raises the fatal error that
        closed it, if one did. Scripts call it to keep running while callbacks do the work."""
        if self._on_worker():
            raise invalid("wait() inside a callback would block the thread that runs the callbacks")
        with self._lock:
            done = self._state_changed.wait_for(lambda: self._state == CLOSED, timeout)
        if self._fatal is not None:
            raise self._fatal
        return done

    def close(self, timeout: float = 5.0) -> None:
        """Closes the WebSocket (close 1000), stops polling and the worker. Idempotent; callable from a callback."""
        with self._lock:
            already = self._stop.is_set()
            self._stop.set()
            self._wake.set()
            conn, opening, worker = self._conn, self._opening, self._worker
        if conn is not None:
            conn.abort(1000, "client closed")
        if opening is not None and opening.sock is not None:
            try:
                opening.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if worker is not None and worker is not threading.current_thread():
            worker.join(timeout)
        if not already:
            closed = GatewayError(errors.CLOSED, "the client was closed")
            with self._lock:
                for sub in self._subs:
                    if not sub._ready.is_set():
                        sub.error = closed
                        sub._ready.set()
            self._set_state(CLOSED, self._fatal)
        self._rest.close()

    def __enter__(self) -> "GatewayClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- subscriptions -------------------------------------------------------------------------------------------

    def subscribe(self, patterns: Sequence[str], callback: Callback, *, since: Optional[int] = None,
                  wait: bool = True, timeout: Optional[float] = None) -> Subscription:
        """Calls ``callback(event)`` for each event on a topic matching one of ``patterns`` (a list, or one
        string), with ``event`` = ``{seq, topic, eventType, data, timestamp}``, each seq once, in increasing order,
        across reconnects, overflows and polling.

        ``since``: also deliver the retained events with a greater seq first (e.g. the ``seq`` of a REST answer,
        or the last seq a previous run processed); without it delivery starts at the gateway's head.
        ``wait`` (True): block until the gateway confirmed the subscription, at most ``timeout`` (default
        ``connect_timeout``); raises the gateway's refusal (``WS_SUBSCRIPTION_LIMIT``, ``WS_FORBIDDEN``...) or
        ``TIMEOUT`` naming the last connection failure (the subscription is then cancelled). With ``wait=False``
        it returns at once and keeps trying in the background (refusals go to ``on_error``).
        """
        pats = check_patterns(patterns)
        if not callable(callback):
            raise invalid("callback must be callable (it receives one event dict)")
        check_seq(since, "since")
        if not isinstance(wait, bool):
            raise invalid(f"wait must be True or False, got {wait!r}")
        if wait and self._on_worker():
            raise invalid("subscribe(wait=True) inside a callback would wait for the thread that runs the callback; "
                          "pass wait=False")
        limit = self._connect_timeout if timeout is None else check_positive(timeout, "timeout")
        with self._lock:
            self._raise_if_closed()
            self._next_sub += 1
            sub = Subscription(self, self._next_sub, pats, callback, since)
            sub._waiting = wait
            self._subs.append(sub)
            conn = self._conn
            if conn is not None and not conn.closed:
                self._send_subscribe(conn, sub)
        self._start()
        self._wake.set()
        if not wait:
            return sub
        ready = sub._ready.wait(limit)
        sub._waiting = False
        if not ready:
            self.unsubscribe(sub)
            raise self._timeout_error(f"subscribe({_show(pats)}) was not confirmed", limit)
        if sub.error is not None:
            raise sub.error
        return sub

    def unsubscribe(self, subscription: Subscription) -> None:
        """Stops deliveries to ``subscription``; the gateway drops the patterns no other subscription uses."""
        if not isinstance(subscription, Subscription) or subscription._client is not self:
            raise invalid("unsubscribe takes a Subscription returned by this client's subscribe")
        with self._lock:
            if subscription not in self._subs:
                return
            self._subs.remove(subscription)
            subscription.cancelled = True
            still = {p for s in self._subs for p in s.patterns}
            gone = [p for p in subscription.patterns if p not in still]
            conn = self._conn
            if conn is not None and not conn.closed and gone and subscription._sent is conn:
                rid = conn.next_id("u")
                conn.pending[rid] = None
                try:
                    conn.send({"type": "unsubscribe", "id": rid, "payload": {"topics": gone}})
                except Exception:  # noqa: BLE001 - a lost connection forgets its subscriptions anyway
                    pass
        if not subscription._ready.is_set():
            subscription.error = GatewayError(errors.CLOSED, "the subscription was cancelled")
            subscription._ready.set()

    @property
    def subscriptions(self) -> List[Subscription]:
        with self._lock:
            return list(self._subs)

    # -- REST: events ----------------------------------------------------------------------------------------------

    def publish(self, topic: str, event_type: str, data: Optional[Mapping[str, Any]] = None,
                idempotency_key: Optional[str] = None) -> int:
        """``POST /api/events``: publishes one event and answers its ``seq`` once it is durable.

        With ``idempotency_key`` a retry (after a timeout, a lost answer, a gateway restart) cannot create a
        duplicate: the gateway answers the original seq. Raises GatewayError: ``WS_INVALID_TOPIC`` /
        ``INVALID_ARGUMENT`` for bad arguments (nothing sent), the gateway's code for a refusal,
        ``CONNECTION_FAILED`` / ``TIMEOUT`` when it did not answer, ``BAD_RESPONSE`` for a malformed answer.
        """
        return self._rest.publish(topic, event_type, data, idempotency_key)

    def publish_many(self, events: Sequence[Mapping[str, Any]]) -> List[int]:
        """``POST /api/events`` with up to 1000 events ``{topic, eventType, data?, idempotencyKey?}``: their seqs."""
        return self._rest.publish_many(events)

    def events(self, since: Optional[int] = None, until: Optional[int] = None,
               topics: Optional[Sequence[str]] = None, limit: Optional[int] = None) -> Dict[str, Any]:
        """One page of ``GET /api/events``: ``{events, headSeq, oldestSeq, hasMore, truncated}``."""
        return self._rest.events(since, until, topics, limit)

    def iter_events(self, since: int = 0, until: Optional[int] = None,
                    topics: Optional[Sequence[str]] = None, page_size: int = 1000) -> Iterator[Event]:
        """Every retained event with ``since < seq <= until`` (default: up to the head), following ``hasMore``."""
        position = check_seq(since, "since", optional=False)
        while True:
            page = self._rest.events(position, until, topics, page_size)
            for ev in page["events"]:
                yield ev
            if not page["hasMore"] or not page["events"]:
                return
            position = page["events"][-1]["seq"]

    def health(self) -> Dict[str, Any]:
        """``GET /health``: ``{status, version, headSeq, uptimeMs}`` (``UNAVAILABLE`` error while the store is down)."""
        return self._rest.call("GET", "/health")

    def status(self) -> Dict[str, Any]:
        """``GET /api/status``: connections, patterns, counters."""
        return self._rest.call("GET", "/api/status")

    # -- the worker ------------------------------------------------------------------------------------------------

    def _start(self) -> None:
        with self._lock:
            self._raise_if_closed()
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="event-gateway-client", daemon=True)
                self._worker.start()

    def _run(self) -> None:
        attempt = 0
        try:
            if not self._use_websocket:
                self._poll_until(None, None)
                return
            while not self._stop.is_set():
                if self._state != POLLING:   # while polling, a WebSocket attempt does not change the state
                    self._set_state(CONNECTING if self._state in (IDLE, CONNECTING) else RECONNECTING,
                                    self.last_error)
                try:
                    conn = self._open()
                except GatewayError as e:
                    if self._stop.is_set():
                        return
                    self.stats["connect_failures"] += 1
                    if e.code in _FATAL:
                        self._die(e)
                        return
                    attempt += 1
                    self.last_error = self._ws_error = e
                    deadline = time.monotonic() + self._delay(attempt)
                    if self._fallback:
                        self._poll_until(deadline, e)
                    else:
                        self._set_state(RECONNECTING, e)
                        self._stop.wait(max(0.0, deadline - time.monotonic()))
                    continue
                opened = time.monotonic()
                error = self._serve(conn)
                if self._stop.is_set():
                    return
                if error.code in _FATAL:
                    self._die(error)
                    return
                self.last_error = self._ws_error = error
                if time.monotonic() - opened >= self._backoff_reset:
                    attempt = 0
                attempt += 1
                self._set_state(RECONNECTING, error)
                self._stop.wait(self._delay(attempt))
        except BaseException as e:  # noqa: BLE001 - a bug here must close the client loudly, not hang it
            log.exception("event-gateway client worker failed")
            self._die(GatewayError(errors.INTERNAL, f"the client's worker failed: {e!r}"))

    def _delay(self, attempt: int) -> float:
        initial, maximum, factor = self._backoff
        return backoff_delay(attempt, initial, maximum, factor, self._random)

    # -- WebSocket -------------------------------------------------------------------------------------------------

    def _open(self) -> _Connection:
        """Upgrade and read ``connected``; GatewayError CONNECTION_FAILED (or UNAUTHORIZED, PROTOCOL_ERROR)."""
        ws = websocket.WebSocket(enable_multithread=True)
        options: Dict[str, Any] = {}
        with self._lock:
            if self._stop.is_set():
                raise GatewayError(errors.CLOSED, "the client was closed")
            self._opening = ws
        try:
            try:
                sock = _direct_socket(self.ws_url, self._connect_timeout)
                if sock is not None:
                    options["socket"] = sock
                ws.connect(self.ws_url, timeout=self._connect_timeout, header=self._ws_headers,
                           origin=self._origin, suppress_origin=self._origin is None, **options)
            except websocket.WebSocketBadStatusException as e:
                status = getattr(e, "status_code", None)
                if status == 401:
                    raise GatewayError(errors.UNAUTHORIZED, f"the gateway refused the WebSocket at {self.ws_url}: "
                                       "HTTP 401 (missing or bad credentials: pass token=...)",
                                       {"status": 401, "url": self.ws_url}, status=401) from None
                raise GatewayError(errors.CONNECTION_FAILED, f"the WebSocket upgrade at {self.ws_url} was answered "
                                   f"HTTP {status}" + _status_hint(status), {"status": status, "url": self.ws_url},
                                   status=status) from None
            except Exception as e:  # noqa: BLE001 - refused, reset, timeout, TLS, or a handshake that is not HTTP
                raise GatewayError(errors.CONNECTION_FAILED, f"cannot open the WebSocket at {self.ws_url}: "
                                   f"{_socket_reason(e)}", {"url": self.ws_url}) from None
            try:
                ws.settimeout(self._connect_timeout)
                first = self._read(ws)
                if first is None:
                    raise GatewayError(errors.CONNECTION_FAILED, f"{self.ws_url} closed before 'connected'",
                                       {"url": self.ws_url})
                if first.get("type") != "connected":
                    raise GatewayError(errors.PROTOCOL_ERROR, f"the first frame from {self.ws_url} is "
                                       f"{first.get('type')!r}, not 'connected'", {"url": self.ws_url})
                info = first.get("payload")
                if not isinstance(info, dict):
                    raise GatewayError(errors.PROTOCOL_ERROR, "'connected' has no payload object")
                interval = info.get("heartbeatIntervalMs")
                interval = interval if isinstance(interval, int) and not isinstance(interval, bool) \
                    and interval > 0 else 30000
                ws.settimeout(self._heartbeat_timeout or interval * 2 / 1000 + 5)
            except GatewayError as e:
                if e.code == errors.PROTOCOL_ERROR:
                    self.stats["protocol_errors"] += 1
                    self._report(e)
                _quiet_close(ws)
                raise
            except Exception:
                _quiet_close(ws)
                raise
        finally:
            with self._lock:
                self._opening = None
        with self._lock:
            self._gen += 1
            return _Connection(ws, self._gen, info)

    def _read(self, ws: websocket.WebSocket) -> Optional[Dict[str, Any]]:
        """The next message as a dict; None when the gateway closed normally. GatewayError otherwise."""
        try:
            opcode, data = ws.recv_data()
        except websocket.WebSocketTimeoutException:
            raise GatewayError(errors.HEARTBEAT_TIMEOUT, f"no frame from the gateway for "
                               f"{ws.gettimeout():g} s; dropping the connection", {"url": self.ws_url}) from None
        except Exception as e:  # noqa: BLE001 - reset, EOF, a broken frame: the connection is gone
            raise GatewayError(errors.CONNECTION_LOST, f"the WebSocket connection was lost: {_socket_reason(e)}",
                               {"url": self.ws_url}) from None
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else 1005
            reason = data[2:].decode("utf-8", errors="replace")
            if code == 4003:
                raise GatewayError(errors.CREDENTIALS_REVOKED, f"the gateway closed the connection 4003 ({reason}): "
                                   "credentials expired or revoked", {"closeCode": code, "reason": reason})
            raise GatewayError(errors.CONNECTION_LOST, f"the gateway closed the connection {code}"
                               + (f" ({reason})" if reason else ""), {"closeCode": code, "reason": reason})
        if opcode != websocket.ABNF.OPCODE_TEXT:
            raise GatewayError(errors.PROTOCOL_ERROR, f"a non-text frame (opcode {opcode}); the protocol sends one "
                               "JSON object per text frame")
        try:
            message = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise GatewayError(errors.PROTOCOL_ERROR, f"a frame that is not JSON: {_clip(data)}",
                               {"frame": _clip(data)}) from None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise GatewayError(errors.PROTOCOL_ERROR, f"a frame that is not an object with a string 'type': "
                               f"{_clip(data)}", {"frame": _clip(data)})
        return message

    def _serve(self, conn: _Connection) -> GatewayError:
        """Runs one open connection until it ends; answers why it ended."""
        with self._lock:
            self._conn = conn
            if self._stop.is_set():
                conn.abort(1000, "client closed")
            for sub in list(self._subs):
                self._send_subscribe(conn, sub)
        self.stats["connections"] += 1
        self.last_error = self._ws_error = self._poll_error = None
        self._set_state(LIVE, None)
        ended: Optional[GatewayError] = None
        try:
            while True:
                message = self._read(conn.ws)
                if message is None:
                    raise GatewayError(errors.CONNECTION_LOST, "the gateway closed the connection")
                self._handle(conn, message)
        except GatewayError as e:
            if e.code == errors.PROTOCOL_ERROR:
                self.stats["protocol_errors"] += 1
                self._report(e)
            ended = e
        except Exception as e:  # noqa: BLE001 - a bug must end this connection visibly, not silently
            log.exception("event-gateway: handling a frame failed")
            ended = GatewayError(errors.INTERNAL, f"handling a frame failed: {e!r}")
        finally:
            with self._lock:
                self._conn = None
                for sub in self._subs:
                    if sub._conn is conn:
                        sub._conn = None
            conn.abort(1002 if ended is not None and ended.code == errors.PROTOCOL_ERROR else 1000)
            _quiet_close(conn.ws)
        assert ended is not None
        return ended

    def _send_subscribe(self, conn: _Connection, sub: Subscription) -> None:
        """Sends ``subscribe`` for ``sub`` on ``conn`` (with ``since`` = its position). Call with the lock held."""
        rid = conn.next_id("s")
        conn.pending[rid] = sub
        sub._sent = conn
        sub._conn = None
        payload: Dict[str, Any] = {"topics": list(sub.patterns)}
        if sub.last_seq is not None:
            payload["since"] = sub.last_seq
        try:
            conn.send({"type": "subscribe", "id": rid, "payload": payload})
        except Exception:  # noqa: BLE001 - the reader sees the loss and the next connection subscribes again
            pass

    def _handle(self, conn: _Connection, message: Dict[str, Any]) -> None:
        kind = message["type"]
        payload = message.get("payload")
        if kind in ("event", "subscribed", "overflow", "error") and not isinstance(payload, dict):
            raise GatewayError(errors.PROTOCOL_ERROR, f"a '{kind}' frame without a payload object")
        if kind == "event":
            try:
                event = parse_event(payload, message.get("timestamp"))
            except ValueError as e:
                raise GatewayError(errors.PROTOCOL_ERROR, f"an event frame {e}") from None
            for sub in self.subscriptions:
                if sub._conn is conn and sub.matches(event["topic"]):
                    self._deliver(sub, event)
        elif kind == "subscribed":
            self._on_subscribed(conn, message.get("id"), payload)
        elif kind == "error":
            self._on_error_frame(conn, message.get("id"), payload)
        elif kind == "overflow":
            self._on_overflow(conn, payload)
        elif kind == "ping":
            self.stats["pings"] += 1
            pong: Dict[str, Any] = {"type": "pong"}
            if isinstance(message.get("id"), str):
                pong["id"] = message["id"]
            try:
                conn.send(pong)
            except Exception as e:  # noqa: BLE001
                raise GatewayError(errors.CONNECTION_LOST, f"cannot answer ping: {_socket_reason(e)}") from None
        elif kind == "batch":
            self._on_batch(conn, message)
        elif kind == "connected":
            raise GatewayError(errors.PROTOCOL_ERROR, "a second 'connected' frame on one connection")
        # unsubscribed, published, pong, auth_expiring and types of newer gateways need nothing from this client

    def _on_batch(self, conn: _Connection, frame: Dict[str, Any]) -> None:
        """A ``batch`` frame (PROTOCOL.md section 5): its messages are handled in order, each exactly as a frame of
        its own. Each is checked when its turn comes, so the messages before a bad one are handled first, as they
        would have been in frames of their own."""
        if not self._batch_frames:
            raise GatewayError(errors.PROTOCOL_ERROR, "a 'batch' frame, which this client did not ask for (it "
                               "connected without batch=true)")
        payload = frame.get("payload")
        messages = payload.get("messages") if isinstance(payload, dict) else None
        if not isinstance(messages, list):
            text = _clip(_dumps(frame))
            raise GatewayError(errors.PROTOCOL_ERROR, f"a batch without a 'payload.messages' array: {text}",
                               {"frame": text})
        self.stats["batches"] += 1
        for index, message in enumerate(messages):
            if conn.closed:
                return   # closed from a callback: the rest would not have been read had they come alone
            if not isinstance(message, dict) or not isinstance(message.get("type"), str):
                text = _clip(_dumps(message))
                raise GatewayError(errors.PROTOCOL_ERROR, f"a batch holding a message that is not an object with a "
                                   f"string 'type' (message {index}): {text}", {"index": index, "message": text})
            if message["type"] in ("connected", "batch"):
                text = _clip(_dumps(message))
                raise GatewayError(errors.PROTOCOL_ERROR, f"'{message['type']}' inside a batch, where it may never "
                                   f"be (message {index}): {text}", {"index": index, "message": text})
            self._handle(conn, message)

    def _on_subscribed(self, conn: _Connection, rid: object, payload: Dict[str, Any]) -> None:
        sub = conn.pending.pop(rid, None) if isinstance(rid, str) else None
        if sub is None or sub.cancelled:
            return
        head = payload.get("headSeq")
        if sub.last_seq is None:
            if not isinstance(head, int) or isinstance(head, bool) or head < 0:
                raise GatewayError(errors.PROTOCOL_ERROR, f"'subscribed' without an integer headSeq: {payload!r}")
            sub.last_seq = sub.start_seq = head
        if payload.get("recovered") is False:
            self._lost(sub, f"the gateway no longer retains every event after seq {sub.last_seq} for "
                       f"{_show(sub.patterns)}: they were purged (the replay that follows has the rest)",
                       {"since": sub.last_seq})
        sub._conn = conn
        sub._ready.set()

    def _on_error_frame(self, conn: _Connection, rid: object, payload: Dict[str, Any]) -> None:
        code = payload.get("code") if isinstance(payload.get("code"), str) else errors.PROTOCOL_ERROR
        message = payload.get("message") if isinstance(payload.get("message"), str) else "(no message)"
        details = payload.get("details") if isinstance(payload.get("details"), dict) else {}
        err = GatewayError(code, message, details, request_id=rid if isinstance(rid, str) else None)
        if not isinstance(rid, str) or rid not in conn.pending:
            self._report(err)
            return
        sub = conn.pending.pop(rid)
        if sub is None or sub.cancelled:
            return  # an unsubscribe's error (WS_NOT_SUBSCRIBED...) changes nothing
        if code in _SUBSCRIPTION_FATAL:
            self._fail(sub, err)
            return
        # WS_INTERNAL_ERROR (a replay cut short: details.lastReplayedSeq), WS_RATE_LIMITED...: ask again from
        # the position, a few times; then drop the connection and let the reconnect's since do it.
        tries = conn.retries.get(sub.id, 0) + 1
        conn.retries[sub.id] = tries
        if tries > _MAX_SUBSCRIBE_RETRIES:
            raise GatewayError(code, f"subscribe {_show(sub.patterns)} failed {tries} times on one connection: "
                               f"{message}", details)
        log.info("event-gateway: subscribe %s answered %s (%s); asking again from seq %s",
                 list(sub.patterns), code, message, sub.last_seq)
        with self._lock:
            if not sub.cancelled:
                self._send_subscribe(conn, sub)

    def _on_overflow(self, conn: _Connection, payload: Dict[str, Any]) -> None:
        first, last = payload.get("firstDroppedSeq"), payload.get("lastDroppedSeq")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (first, last)):
            raise GatewayError(errors.PROTOCOL_ERROR, f"an overflow frame without integer firstDroppedSeq and "
                               f"lastDroppedSeq: {payload!r}")
        since, until = first - 1, last
        resync = payload.get("resync")
        if isinstance(resync, str):
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(resync).query)
            try:
                since = int(query["since"][0]) if "since" in query else since
                until = int(query["until"][0]) if "until" in query else until
            except ValueError:
                raise GatewayError(errors.PROTOCOL_ERROR, f"an overflow's resync is not a request: {resync!r}") \
                    from None
        self.stats["overflows"] += 1
        log.info("event-gateway: overflow, %s events dropped (seq %s..%s); fetching them over REST",
                 payload.get("dropped"), first, last)
        for sub in self.subscriptions:
            if sub._conn is not conn:
                continue   # not confirmed yet: its replay covers the gap
            start = since if sub.last_seq is None else max(since, sub.last_seq)
            try:
                while start < until and not sub.cancelled:
                    page = self._rest.events(start, until, sub.patterns, self._page_size)
                    if page["truncated"]:
                        self._lost(sub, f"events after seq {start} of {_show(sub.patterns)} dropped by an overflow "
                                   "were purged before they could be fetched", {"since": start, "until": until})
                    for ev in page["events"]:
                        if self._deliver(sub, ev):
                            self.stats["resynced_events"] += 1
                    if not page["hasMore"] or not page["events"]:
                        break
                    start = page["events"][-1]["seq"]
            except GatewayError as e:
                self.stats["resync_failures"] += 1
                raise GatewayError(errors.RESYNC_FAILED, f"fetching the events an overflow dropped (seq {first}.."
                                   f"{last}) failed: {e}; reconnecting to recover them with since",
                                   {"firstDroppedSeq": first, "lastDroppedSeq": last, "cause": e.code}) from e

    # -- polling ---------------------------------------------------------------------------------------------------

    def _poll_until(self, deadline: Optional[float], reason: Optional[GatewayError]) -> None:
        """Polls every subscription until ``deadline`` (None: until closed)."""
        while not self._stop.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                return
            self._wake.clear()
            error = self._poll_once()
            if self._stop.is_set():
                return
            self._poll_error = error
            if error is None:
                self._set_state(POLLING, reason)
            elif error.code in _FATAL:
                self._die(error)
                return
            else:
                self.last_error = error
                self._set_state(RECONNECTING if self._use_websocket else POLLING, error)
            wait = self._poll_interval
            if deadline is not None:
                wait = min(wait, deadline - time.monotonic())
            if wait > 0:
                self._wake.wait(wait)

    def _poll_once(self) -> Optional[GatewayError]:
        self.stats["polls"] += 1
        subs = self.subscriptions
        try:
            if not subs:
                self._rest.head_seq()
            for sub in subs:
                if sub.cancelled:
                    continue
                try:
                    self._poll(sub)
                except GatewayError as e:
                    if e.code in _SUBSCRIPTION_FATAL and e.status in (400, 403):
                        self._fail(sub, e)
                        continue
                    raise
        except GatewayError as e:
            return e
        return None

    def _poll(self, sub: Subscription) -> None:
        if sub.last_seq is None:
            sub.last_seq = sub.start_seq = self._rest.head_seq()
        while not sub.cancelled:
            since = sub.last_seq
            page = self._rest.events(since, None, sub.patterns, self._page_size)
            if page["truncated"]:
                self._lost(sub, f"events after seq {since} of {_show(sub.patterns)} were purged before this "
                           "client could read them", {"since": since, "oldestSeq": page.get("oldestSeq")})
            for ev in page["events"]:
                self._deliver(sub, ev)
            if not page["hasMore"] or not page["events"]:
                break
        sub._ready.set()

    # -- delivery and reporting ------------------------------------------------------------------------------------

    def _deliver(self, sub: Subscription, event: Event) -> bool:
        seq = event["seq"]
        if sub.cancelled or (sub.last_seq is not None and seq <= sub.last_seq):
            self.stats["duplicates_dropped"] += 1
            return False
        sub.last_seq = seq
        sub.delivered += 1
        self.stats["delivered"] += 1
        try:
            sub.callback(dict(event))
        except Exception as e:  # noqa: BLE001 - an application bug must not stop delivery to others
            self.stats["callback_errors"] += 1
            err = GatewayError(errors.CALLBACK_FAILED, f"the callback of {sub!r} raised {e!r} on seq {seq}; "
                               "the event counts as delivered", {"seq": seq, "topic": event["topic"]})
            err.__cause__ = e
            self._report(err)
        return True

    def _lost(self, sub: Subscription, message: str, details: Dict[str, Any]) -> None:
        if sub._lost_reported_at == sub.last_seq:
            return
        sub._lost_reported_at = sub.last_seq
        self._report(GatewayError(errors.EVENTS_LOST, message, dict(details, patterns=list(sub.patterns))))

    def _fail(self, sub: Subscription, err: GatewayError) -> None:
        with self._lock:
            if sub in self._subs:
                self._subs.remove(sub)
            sub.cancelled = True
            sub.error = err
        waiting = sub._waiting
        sub._ready.set()
        if not waiting:
            self._report(GatewayError(err.code, f"subscription {_show(sub.patterns)} refused: {err.message}",
                                      err.details, status=err.status, request_id=err.request_id))

    def _die(self, err: GatewayError) -> None:
        self._fatal = err
        self.last_error = err
        self._stop.set()
        self._set_state(CLOSED, err)
        with self._lock:
            for sub in self._subs:
                if not sub._ready.is_set():
                    sub.error = err
                    sub._ready.set()
        self._report(err)

    def _report(self, err: GatewayError) -> None:
        if self._on_error is None:
            log.warning("event-gateway: %s", err)
            return
        try:
            self._on_error(err)
        except Exception:  # noqa: BLE001
            log.exception("event-gateway: on_error raised")

    def _set_state(self, state: str, error: Optional[GatewayError]) -> None:
        with self._lock:
            if self._state == state or (self._state == CLOSED):
                return
            self._state = state
            if state in (LIVE, POLLING):
                self._up_count += 1   # so that a waiter sees a state reached even if it was brief
                self._up_state = state
            self._state_changed.notify_all()
        if self._on_state is None:
            if state == LIVE:
                log.info("event-gateway: live on %s", self.ws_url)
            elif error is not None:
                log.info("event-gateway: %s (%s)", state, error)
            return
        try:
            self._on_state(state, error)
        except Exception:  # noqa: BLE001
            log.exception("event-gateway: on_state raised")

    def _on_worker(self) -> bool:
        return self._worker is not None and threading.current_thread() is self._worker

    def _raise_if_closed(self) -> None:
        if self._fatal is not None:
            raise self._fatal
        if self._stop.is_set():
            raise GatewayError(errors.CLOSED, "the client was closed")

    def _await(self, ready: Callable[[], bool], timeout: Optional[float], what: str) -> str:
        limit = self._connect_timeout if timeout is None else check_positive(timeout, "timeout")
        with self._lock:
            self._state_changed.wait_for(lambda: ready() or self._state == CLOSED, limit)
            if ready():
                return self._state
            state = self._state
        if self._fatal is not None:
            raise self._fatal
        if state == CLOSED:
            raise GatewayError(errors.CLOSED, "the client was closed")
        raise self._timeout_error(what, limit)

    def _timeout_error(self, what: str, limit: float) -> GatewayError:
        ws, poll = self._ws_error, self._poll_error
        last = poll or ws or self.last_error
        causes = []
        if ws is not None and self._use_websocket:
            causes.append(f"WebSocket: {ws}")
        if poll is not None:
            causes.append(f"polling: {poll}")
        if not causes and last is not None:
            causes.append(str(last))
        cause = f"; last failure: {'; '.join(causes)}" if causes else ""
        err = GatewayError(errors.TIMEOUT, f"{what} within {limit:g} s (state {self._state}){cause}",
                           {"state": self._state, "lastError": last.code if last else None,
                            "websocketError": ws.code if ws else None, "pollError": poll.code if poll else None})
        err.__cause__ = last
        return err


def _check_http_url(url: object) -> str:
    if not isinstance(url, str):
        raise invalid(f"api_base must be a string like http://127.0.0.1:9090, got {url!r}", option="api_base")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise invalid(f"api_base must be an http:// or https:// address like http://127.0.0.1:9090, got {url!r}",
                      option="api_base")
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise invalid(f"api_base has a bad port: {url!r}", option="api_base") from None
    return url.rstrip("/")


def _check_ws_url(url: object) -> str:
    if not isinstance(url, str):
        raise invalid(f"ws_url must be a string like ws://127.0.0.1:9090/ws, got {url!r}", option="ws_url")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.hostname or parts.fragment:
        raise invalid(f"ws_url must be a ws:// or wss:// address like ws://127.0.0.1:9090/ws, got {url!r}",
                      option="ws_url")
    try:
        parts.port  # noqa: B018
    except ValueError:
        raise invalid(f"ws_url has a bad port: {url!r}", option="ws_url") from None
    if any(name == "batch" for name, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)):
        raise invalid(f"ws_url must not carry a batch parameter (pass batch_frames=True instead), got {url!r}",
                      option="ws_url")
    return url


def _with_query(url: str, param: str) -> str:
    """``url`` with ``param`` (``name=value``) added to its query."""
    parts = urllib.parse.urlsplit(url)
    query = f"{parts.query}&{param}" if parts.query else param
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _derive_ws_url(api_base: str) -> str:
    parts = urllib.parse.urlsplit(api_base)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return urllib.parse.urlunsplit((scheme, parts.netloc, parts.path.rstrip("/") + "/ws", "", ""))


def _direct_socket(url: str, timeout: float) -> Optional[socket.socket]:
    """For ws:// without a proxy, the TCP connection opened here: websocket-client 1.2 leaves the socket of a
    refused connection unclosed. wss:// and proxied addresses are left to the library."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "ws" or not parts.hostname:
        return None
    proxy = urllib.request.getproxies().get("http")
    if proxy and not urllib.request.proxy_bypass(parts.hostname):
        return None
    sock = socket.create_connection((parts.hostname, parts.port or 80), timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _status_hint(status: object) -> str:
    return {403: " (Origin not in ws.allowed-origins, a Host the gateway refuses, or a proxy's refusal)",
            404: " (no WebSocket at this path: a proxy that does not pass upgrades?)",
            503: " (server.max-connections reached)"}.get(status, "")  # type: ignore[arg-type]


def _socket_reason(e: BaseException) -> str:
    if isinstance(e, ConnectionRefusedError):
        return "connection refused (is the gateway running?)"
    if isinstance(e, (socket.timeout, websocket.WebSocketTimeoutException)):
        return "timed out"
    text = str(e)
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def _quiet_close(ws: websocket.WebSocket) -> None:
    try:
        ws.shutdown()
    except Exception:  # noqa: BLE001
        pass


def _show(patterns: Sequence[str], limit: int = 4) -> str:
    shown = ", ".join(repr(p) for p in patterns[:limit])
    more = f", ... ({len(patterns)} patterns)" if len(patterns) > limit else ""
    return f"[{shown}{more}]"


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _clip(data: bytes, limit: int = 120) -> str:
    text = data[:limit].decode("utf-8", errors="replace")
    return repr(text + ("..." if len(data) > limit else ""))
