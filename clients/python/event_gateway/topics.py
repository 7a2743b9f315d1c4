"""Topics and patterns (PROTOCOL.md section 2), checked here the way the gateway checks them, so that a wrong
pattern fails at the call with the gateway's own code instead of somewhere on the connection thread."""

import re
from typing import Callable, Iterable, List, Sequence, Tuple

from .errors import GatewayError, invalid

_ENTITY = re.compile(r"[a-z][a-z0-9_.-]{0,63}")
_ID = re.compile(r"[A-Za-z0-9._:/@-]{1,192}")
_PREFIX = re.compile(r"[A-Za-z0-9._:/@-]{0,192}")

MAX_PATTERNS = 50  # ws.max-subscriptions default; the gateway has the last word (WS_SUBSCRIPTION_LIMIT)


def is_topic(value: object) -> bool:
    """Whether ``value`` is a concrete topic ``entity:id``."""
    if not isinstance(value, str) or ":" not in value:
        return False
    entity, ident = value.split(":", 1)
    return bool(_ENTITY.fullmatch(entity) and _ID.fullmatch(ident))


def is_pattern(value: object) -> bool:
    """Whether ``value`` is a pattern: ``*``, a concrete topic, or ``entity:prefix*``."""
    if value == "*":
        return True
    if not isinstance(value, str):
        return False
    if value.endswith("*") and ":" in value:
        entity, prefix = value[:-1].split(":", 1)
        return bool(_ENTITY.fullmatch(entity) and _PREFIX.fullmatch(prefix))
    return is_topic(value)


def matcher(pattern: str) -> Callable[[str], bool]:
    """A function telling whether a topic matches ``pattern`` (which must be valid)."""
    if pattern == "*":
        return lambda topic: True
    if pattern.endswith("*"):
        prefix = pattern[:-1]
        return lambda topic: topic.startswith(prefix)
    return lambda topic: topic == pattern


def matches(pattern: str, topic: str) -> bool:
    """Whether ``topic`` matches ``pattern``."""
    return matcher(pattern)(topic)


def check_topic(topic: object) -> str:
    """``topic`` if it is a concrete topic, else GatewayError ``WS_INVALID_TOPIC``."""
    if not is_topic(topic):
        hint = " (publish to a concrete topic, not a pattern)" if isinstance(topic, str) and "*" in topic else ""
        raise GatewayError("WS_INVALID_TOPIC", f"invalid topic {topic!r}: expected entity:id as in PROTOCOL.md "
                           f"section 2{hint}", {"topic": topic if isinstance(topic, str) else repr(topic)})
    return topic  # type: ignore[return-value]


def check_patterns(patterns: object) -> Tuple[str, ...]:
    """The patterns as a tuple without repeats; a single string is one pattern.

    Raises GatewayError ``INVALID_ARGUMENT`` for something that is not a non-empty list of strings and
    ``WS_INVALID_TOPIC`` for a string that is not a pattern.
    """
    if isinstance(patterns, str):
        items: Sequence[object] = [patterns]
    elif isinstance(patterns, (list, tuple)):
        items = patterns
    else:
        raise invalid(f"patterns must be a list of pattern strings, got {type(patterns).__name__}")
    if not items:
        raise invalid("patterns must not be empty")
    out: List[str] = []
    for p in items:
        if not isinstance(p, str):
            raise invalid(f"each pattern must be a string, got {type(p).__name__} {p!r}")
        if not is_pattern(p):
            raise GatewayError("WS_INVALID_TOPIC", f"invalid pattern {p!r}: expected '*', entity:id or "
                               "entity:prefix* as in PROTOCOL.md section 2", {"topic": p})
        if p not in out:
            out.append(p)
    if len(out) > MAX_PATTERNS:
        raise GatewayError("WS_SUBSCRIPTION_LIMIT", f"{len(out)} patterns in one subscription; the gateway allows "
                           f"{MAX_PATTERNS} per connection by default", {"count": len(out)})
    return tuple(out)


def any_matcher(patterns: Iterable[str]) -> Callable[[str], bool]:
    """A function telling whether a topic matches any of ``patterns``."""
    ms = [matcher(p) for p in patterns]
    return lambda topic: any(m(topic) for m in ms)
