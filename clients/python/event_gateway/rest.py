"""The REST side of the protocol (PROTOCOL.md section 8) over ``requests``: one call, its error mapping, and the
checks that an answer has the shape the protocol promises."""

import json
import math
import threading
import urllib.parse
from typing import Any, Dict, List, Mapping, Optional, Sequence

import requests

from . import errors
from .errors import GatewayError, invalid
from .topics import check_patterns, check_topic

_MISSING = object()
MAX_BATCH = 1000          # POST /api/events takes at most 1000 events (section 10.7)
MAX_LIMIT = 10000         # GET /api/events limit (section 8)
_SNIPPET = 200


def parse_event(payload: object, timestamp: object = None) -> Dict[str, Any]:
    """An event as the application sees it: ``{seq, topic, eventType, data, timestamp}`` (plus any newer fields).

    ``payload`` is an ``event`` frame's payload (``timestamp`` then comes from the envelope) or an entry of
    ``GET /api/events``. Raises ValueError naming what is wrong; callers turn it into their own error code.
    """
    if not isinstance(payload, dict):
        raise ValueError(f"an event must be a JSON object, got {_kind(payload)}")
    seq = payload.get("seq")
    if not _is_int(seq) or seq < 0:
        raise ValueError(f"an event needs an integer 'seq' >= 0, got {seq!r}")
    for key in ("topic", "eventType"):
        if not isinstance(payload.get(key), str):
            raise ValueError(f"event {seq}: '{key}' must be a string, got {payload.get(key)!r}")
    data = payload.get("data")
    if data is None:
        data = {}
    elif not isinstance(data, dict):
        raise ValueError(f"event {seq}: 'data' must be a JSON object, got {_kind(data)}")
    event = {"seq": seq, "topic": payload["topic"], "eventType": payload["eventType"], "data": data,
             "timestamp": payload.get("timestamp", timestamp)}
    for key, value in payload.items():
        event.setdefault(key, value)
    return event


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), type(value).__name__)


def check_event_type(event_type: object) -> str:
    if not isinstance(event_type, str) or not 1 <= len(event_type) <= 128 or any(
            ord(c) < 0x20 or ord(c) == 0x7F for c in event_type):
        raise invalid(f"event_type must be a string of 1 to 128 characters without control characters, "
                      f"got {event_type!r}", field="eventType")
    return event_type


def check_key(key: object) -> str:
    if not isinstance(key, str) or not 1 <= len(key) <= 128:
        raise invalid(f"idempotency_key must be a string of 1 to 128 characters, got {key!r}",
                      field="idempotencyKey")
    return key


def check_seq(value: object, name: str, *, optional: bool = True) -> Optional[int]:
    if value is None and optional:
        return None
    if not _is_int(value) or value < 0:  # type: ignore[operator]
        raise invalid(f"{name} must be an integer >= 0, got {value!r}", field=name)
    return value  # type: ignore[return-value]


def check_positive(value: object, name: str, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or math.isinf(value) \
            or value < 0 or (value == 0 and not allow_zero):
        raise invalid(f"{name} must be a {'non-negative' if allow_zero else 'positive'} number, got {value!r}",
                      option=name)
    return float(value)


class RestApi:
    """Plain REST calls against ``api_base``. Thread-safe: one ``requests.Session`` per thread."""

    def __init__(self, api_base: str, *, headers: Mapping[str, str], timeout: float):
        self.base = api_base
        self._headers = dict(headers)
        self._timeout = timeout
        self._local = threading.local()
        self._sessions: List[requests.Session] = []
        self.closed = False
        self._lock = threading.Lock()

    def _session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = requests.Session()
            s.headers.update(self._headers)
            self._local.session = s
            with self._lock:
                self._sessions.append(s)
        return s

    def close(self) -> None:
        """Closes the pooled connections of every thread; later calls raise CLOSED."""
        self.closed = True
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for s in sessions:
            s.close()
        self._local = threading.local()

    def call(self, method: str, path: str, *, params: Optional[Mapping[str, Any]] = None,
             body: Any = _MISSING) -> Dict[str, Any]:
        """One request; the answer's JSON object, or GatewayError.

        The gateway's error body ``{"error": {code, message, details}}`` becomes GatewayError(code, ...) with the
        HTTP status; anything else that is not a JSON object is ``BAD_RESPONSE``; no answer is
        ``CONNECTION_FAILED`` or ``TIMEOUT``.
        """
        if self.closed:
            raise GatewayError(errors.CLOSED, "the client was closed")
        url = self.base + path
        shown = f"{method} {url}"
        headers = {"Accept": "application/json"}
        data = None
        if body is not _MISSING:
            try:
                data = json.dumps(body, allow_nan=False, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            except (TypeError, ValueError) as e:
                raise invalid(f"the request body cannot be sent as JSON: {e}") from None
            headers["Content-Type"] = "application/json"
        clean = None
        if params:
            clean = {k: v for k, v in params.items() if v is not None}
        try:
            resp = self._session().request(method, url, params=clean, data=data, headers=headers,
                                           timeout=self._timeout, allow_redirects=False)
        except requests.exceptions.Timeout as e:
            raise GatewayError(errors.TIMEOUT, f"{shown}: no answer within {self._timeout:g} s",
                               {"url": url}) from e
        except requests.exceptions.RequestException as e:
            raise GatewayError(errors.CONNECTION_FAILED, f"{shown}: {_reason(e)}", {"url": url}) from e
        return _answer(shown, url, resp)

    # -- events ------------------------------------------------------------------------------------------------

    def publish(self, topic: str, event_type: str, data: Optional[Mapping[str, Any]] = None,
                idempotency_key: Optional[str] = None) -> int:
        event = _event_body(topic, event_type, data, idempotency_key)
        answer = self.call("POST", "/api/events", body=event)
        seq = answer.get("seq")
        if not _is_int(seq):
            raise _bad("POST", self.base + "/api/events", f"the answer has no integer 'seq': {_show(answer)}")
        return seq

    def publish_many(self, events: Sequence[Mapping[str, Any]]) -> List[int]:
        if not isinstance(events, (list, tuple)) or not events:
            raise invalid("events must be a non-empty list of {topic, eventType, data?, idempotencyKey?} objects")
        if len(events) > MAX_BATCH:
            raise invalid(f"{len(events)} events in one request; the gateway takes at most {MAX_BATCH}",
                          count=len(events))
        body = []
        for i, e in enumerate(events):
            if not isinstance(e, Mapping):
                raise invalid(f"events[{i}] must be an object, got {type(e).__name__}", index=i)
            unknown = set(e) - {"topic", "eventType", "data", "idempotencyKey"}
            if unknown:
                raise invalid(f"events[{i}] has unknown fields {sorted(unknown)}", index=i)
            body.append(_event_body(e.get("topic"), e.get("eventType"), e.get("data"), e.get("idempotencyKey")))
        answer = self.call("POST", "/api/events", body=body)
        seqs = answer.get("seqs")
        if not isinstance(seqs, list) or len(seqs) != len(body) or not all(_is_int(s) for s in seqs):
            raise _bad("POST", self.base + "/api/events",
                       f"the answer has no list of {len(body)} integer 'seqs': {_show(answer)}")
        return seqs

    def events(self, since: Optional[int] = None, until: Optional[int] = None,
               topics: Optional[Sequence[str]] = None, limit: Optional[int] = None) -> Dict[str, Any]:
        """One page of ``GET /api/events``, checked: ``{events, headSeq, oldestSeq, hasMore, truncated}``."""
        check_seq(since, "since")
        check_seq(until, "until")
        if limit is not None and (not _is_int(limit) or limit < 1):
            raise invalid(f"limit must be an integer >= 1, got {limit!r}", field="limit")
        params: Dict[str, Any] = {"since": since, "until": until, "limit": limit}
        if topics is not None:
            params["topics"] = ",".join(check_patterns(topics))
        answer = self.call("GET", "/api/events", params=params)
        return check_page(answer, self.base + "/api/events")

    def head_seq(self) -> int:
        """The log's head, from ``GET /api/events?limit=1``."""
        return self.events(limit=1)["headSeq"]


def check_page(answer: Dict[str, Any], url: str) -> Dict[str, Any]:
    events = answer.get("events")
    if not isinstance(events, list):
        raise _bad("GET", url, f"the answer has no 'events' array: {_show(answer)}")
    for key in ("headSeq",):
        if not _is_int(answer.get(key)):
            raise _bad("GET", url, f"the answer has no integer '{key}': {_show(answer)}")
    for key in ("hasMore", "truncated"):
        if not isinstance(answer.get(key), bool):
            raise _bad("GET", url, f"the answer has no boolean '{key}': {_show(answer)}")
    parsed = []
    last = -1
    for e in events:
        try:
            ev = parse_event(e)
        except ValueError as err:
            raise _bad("GET", url, str(err)) from None
        if ev["seq"] <= last:
            raise _bad("GET", url, f"events are not in increasing seq: {ev['seq']} after {last}")
        last = ev["seq"]
        parsed.append(ev)
    out = dict(answer)
    out["events"] = parsed
    return out


def _event_body(topic: object, event_type: object, data: object, key: object) -> Dict[str, Any]:
    body: Dict[str, Any] = {"topic": check_topic(topic), "eventType": check_event_type(event_type)}
    if data is None:
        body["data"] = {}
    elif isinstance(data, Mapping):
        body["data"] = dict(data)
    else:
        raise invalid(f"data must be a dict (a JSON object), got {type(data).__name__}", field="data")
    if key is not None:
        body["idempotencyKey"] = check_key(key)
    return body


def _answer(shown: str, url: str, resp: requests.Response) -> Dict[str, Any]:
    status = resp.status_code
    raw = resp.content or b""
    try:
        body: Any = json.loads(raw.decode("utf-8")) if raw else _MISSING
    except (UnicodeDecodeError, ValueError):
        body = _MISSING
    if status >= 400:
        err = body.get("error") if isinstance(body, dict) else None
        if isinstance(err, dict) and isinstance(err.get("code"), str):
            message = err.get("message") if isinstance(err.get("message"), str) else ""
            raise GatewayError(err["code"], message or f"{shown} answered HTTP {status}",
                               err.get("details") if isinstance(err.get("details"), dict) else {}, status=status)
        code = errors.UNAUTHORIZED if status == 401 else errors.BAD_RESPONSE
        raise GatewayError(code, f"{shown} answered HTTP {status} {resp.reason or ''}".rstrip()
                           + f" without the protocol's JSON error body: {_snippet(raw)}",
                           {"status": status, "url": url, "body": _snippet(raw)}, status=status)
    if not 200 <= status < 300:
        where = resp.headers.get("Location")
        raise GatewayError(errors.BAD_RESPONSE, f"{shown} answered HTTP {status}"
                           + (f" (to {where})" if where else "") + "; the gateway never redirects",
                           {"status": status, "url": url}, status=status)
    if not isinstance(body, dict):
        what = "an empty body" if body is _MISSING and not raw else (
            "a body that is not JSON" if body is _MISSING else f"JSON that is {_kind(body)}, not an object")
        raise GatewayError(errors.BAD_RESPONSE, f"{shown} answered HTTP {status} with {what}: {_snippet(raw)}",
                           {"status": status, "url": url, "body": _snippet(raw)}, status=status)
    return body


def _bad(method: str, url: str, what: str) -> GatewayError:
    return GatewayError(errors.BAD_RESPONSE, f"{method} {url}: {what}", {"url": url})


def _snippet(raw: bytes) -> str:
    text = raw[:_SNIPPET].decode("utf-8", errors="replace")
    return repr(text + ("..." if len(raw) > _SNIPPET else ""))


def _show(answer: object) -> str:
    text = json.dumps(answer)
    return text if len(text) <= _SNIPPET else text[:_SNIPPET] + "..."


def _reason(e: Exception) -> str:
    # requests wraps urllib3 wraps socket errors; the innermost is the readable one ("Connection refused").
    seen = e
    for _ in range(6):
        inner = seen.args[0] if seen.args and isinstance(seen.args[0], Exception) else None
        inner = inner or getattr(seen, "reason", None) or seen.__cause__ or seen.__context__
        if not isinstance(inner, Exception):
            break
        seen = inner
    text = str(seen)
    if "Connection refused" in text or isinstance(seen, ConnectionRefusedError):
        return "connection refused (is the gateway running?)"
    return text or type(seen).__name__


def quote(segment: object, name: str) -> str:
    """A path segment: a non-empty string, percent-encoded."""
    if not isinstance(segment, str) or not segment:
        raise invalid(f"{name} must be a non-empty string, got {segment!r}", field=name)
    return urllib.parse.quote(segment, safe="")
