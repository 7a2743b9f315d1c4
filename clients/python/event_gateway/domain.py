"""The orchestration domain's REST calls, PROTOCOL.md section 8 (tasks, streams, checkpoints, agents).

Each call answers the gateway's JSON as it is: a single resource wrapped with the log head, e.g.
``{"task": {...}, "seq": 1052}``, a list as ``{"tasks": [...], "seq": 1052}``. ``seq`` is what to pass as
``since`` to ``subscribe`` to miss nothing after the read. Arguments are snake_case; the wire is camelCase.
"""

import datetime
import re
from typing import Any, Dict, Mapping, Optional

from .errors import invalid
from .rest import RestApi, quote

TASK_STATUSES = ("pending", "in_progress", "blocked", "completed", "failed", "cancelled")
ACTIVITY_KINDS = ("started", "heartbeat", "completed")
_TRIGGER = re.compile(r"[a-z_]{1,64}")
_UNSET: Any = object()


def _text(value: object, name: str, *, optional: bool = False) -> Optional[str]:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        raise invalid(f"{name} must be a non-empty string, got {value!r}", field=name)
    return value


def _int(value: object, name: str, *, optional: bool = False) -> Optional[int]:
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise invalid(f"{name} must be an integer, got {value!r}", field=name)
    return value


def _status(value: object, name: str = "status") -> str:
    if value not in TASK_STATUSES:
        raise invalid(f"{name} must be one of {', '.join(TASK_STATUSES)}; got {value!r}", field=name)
    return value  # type: ignore[return-value]


def _object(value: object, name: str) -> Optional[Dict[str, Any]]:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise invalid(f"{name} must be a dict (a JSON object), got {type(value).__name__}", field=name)
    return dict(value)


def _timestamp(value: object, name: str) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise invalid(f"{name} must be timezone-aware (e.g. datetime.now(timezone.utc))", field=name)
        utc = value.astimezone(datetime.timezone.utc)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if isinstance(value, str) and value:
        return value
    raise invalid(f"{name} must be an ISO-8601 string or an aware datetime, got {value!r}", field=name)


def _body(**fields: Any) -> Dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class DomainApi:
    """Mixed into GatewayClient; needs ``self._rest``, a RestApi."""

    _rest: RestApi

    # -- tasks -------------------------------------------------------------------------------------------------

    def create_task(self, title: str, *, id: Optional[str] = None, status: Optional[str] = None,  # noqa: A002
                    stream_id: Optional[str] = None, assigned_agent: Optional[str] = None,
                    metadata: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """``POST /api/tasks``: ``{"task": {...}, "seq": n}``; the gateway emits ``task.created``."""
        body = _body(id=_text(id, "id", optional=True), title=_text(title, "title"),
                     status=None if status is None else _status(status),
                     streamId=_text(stream_id, "stream_id", optional=True),
                     assignedAgent=_text(assigned_agent, "assigned_agent", optional=True),
                     metadata=_object(metadata, "metadata"))
        return self._rest.call("POST", "/api/tasks", body=body)

    def update_task(self, task_id: str, *, title: Any = _UNSET, status: Any = _UNSET,
                    assigned_agent: Any = _UNSET, stream_id: Any = _UNSET, progress: Any = _UNSET,
                    metadata: Any = _UNSET) -> Dict[str, Any]:
        """``PATCH /api/tasks/{id}`` with the fields given (``None`` sends ``null``, to clear a field).

        Emits ``task.updated``, and on a status change ``task.status_changed`` and the stream events.
        """
        path = f"/api/tasks/{quote(task_id, 'task_id')}"
        body: Dict[str, Any] = {}
        if title is not _UNSET:
            body["title"] = _text(title, "title")
        if status is not _UNSET:
            body["status"] = _status(status)
        if assigned_agent is not _UNSET:
            body["assignedAgent"] = _text(assigned_agent, "assigned_agent", optional=True)
        if stream_id is not _UNSET:
            body["streamId"] = _text(stream_id, "stream_id", optional=True)
        if progress is not _UNSET:
            if progress is not None and (isinstance(progress, bool) or not isinstance(progress, (int, float))):
                raise invalid(f"progress must be a number, got {progress!r}", field="progress")
            body["progress"] = progress
        if metadata is not _UNSET:
            body["metadata"] = _object(metadata, "metadata")
        if not body:
            raise invalid("update_task needs at least one of title, status, assigned_agent, stream_id, progress, "
                          "metadata")
        return self._rest.call("PATCH", path, body=body)

    def get_task(self, task_id: str) -> Dict[str, Any]:
        """``GET /api/tasks/{id}``: ``{"task": {...}, "seq": n}``; ``NOT_FOUND`` when there is none."""
        return self._rest.call("GET", f"/api/tasks/{quote(task_id, 'task_id')}")

    def list_tasks(self, *, status: Optional[str] = None, stream_id: Optional[str] = None,
                   assigned_agent: Optional[str] = None) -> Dict[str, Any]:
        """``GET /api/tasks``: ``{"tasks": [...], "seq": n}``, filtered by what is given."""
        params = _body(status=None if status is None else _status(status),
                       streamId=_text(stream_id, "stream_id", optional=True),
                       assignedAgent=_text(assigned_agent, "assigned_agent", optional=True))
        return self._rest.call("GET", "/api/tasks", params=params)

    # -- streams -----------------------------------------------------------------------------------------------

    def create_stream(self, stream_id: str, stream_name: str) -> Dict[str, Any]:
        """``POST /api/streams``: ``{"stream": {...}, "seq": n}``."""
        body = {"streamId": _text(stream_id, "stream_id"), "streamName": _text(stream_name, "stream_name")}
        return self._rest.call("POST", "/api/streams", body=body)

    def list_streams(self) -> Dict[str, Any]:
        """``GET /api/streams``: every stream's progress with its ``taskList``."""
        return self._rest.call("GET", "/api/streams")

    def get_stream(self, stream_id: str) -> Dict[str, Any]:
        """``GET /api/streams/{id}``: ``{"stream": {...}, "seq": n}``."""
        return self._rest.call("GET", f"/api/streams/{quote(stream_id, 'stream_id')}")

    # -- checkpoints -------------------------------------------------------------------------------------------

    def create_checkpoint(self, task_id: str, trigger: str, *, execution_phase: Optional[str] = None,
                          execution_step: Optional[int] = None, draft: Any = None,
                          expires_at: Any = None) -> Dict[str, Any]:
        """``POST /api/tasks/{id}/checkpoints``: ``{"checkpoint": {...}, "seq": n}``; emits ``checkpoint.created``.

        ``trigger`` is a word of ``[a-z_]`` (``manual``, ``auto_phase``, ``error``...); ``expires_at`` an
        ISO-8601 string or an aware datetime.
        """
        if not isinstance(trigger, str) or not _TRIGGER.fullmatch(trigger):
            raise invalid(f"trigger must be 1 to 64 characters of [a-z_] (manual, auto_phase, error, ...), "
                          f"got {trigger!r}", field="trigger")
        body = _body(trigger=trigger, executionPhase=_text(execution_phase, "execution_phase", optional=True),
                     executionStep=_int(execution_step, "execution_step", optional=True), draft=draft,
                     expiresAt=_timestamp(expires_at, "expires_at"))
        return self._rest.call("POST", f"/api/tasks/{quote(task_id, 'task_id')}/checkpoints", body=body)

    def resume_checkpoint(self, checkpoint_id: str) -> Dict[str, Any]:
        """``POST /api/checkpoints/{id}/resume``: ``{"checkpoint": {...}, "seq": n}``; emits ``checkpoint.resumed``."""
        return self._rest.call("POST", f"/api/checkpoints/{quote(checkpoint_id, 'checkpoint_id')}/resume", body={})

    def list_checkpoints(self, *, task_id: Optional[str] = None) -> Dict[str, Any]:
        """``GET /api/checkpoints``: ``{"checkpoints": [...], "seq": n}``, of one task when ``task_id`` is given."""
        return self._rest.call("GET", "/api/checkpoints",
                               params=_body(taskId=_text(task_id, "task_id", optional=True)))

    # -- agents ------------------------------------------------------------------------------------------------

    def agent_activity(self, agent_id: str, kind: str, *, stream_id: Optional[str] = None,
                       task_id: Optional[str] = None, phase: Optional[str] = None,
                       activity_description: Optional[str] = None) -> Dict[str, Any]:
        """``POST /api/agents/{agentId}/activity``; emits ``agent.started`` / ``.heartbeat`` / ``.completed``."""
        if kind not in ACTIVITY_KINDS:
            raise invalid(f"kind must be one of {', '.join(ACTIVITY_KINDS)}; got {kind!r}", field="kind")
        body = _body(kind=kind, streamId=_text(stream_id, "stream_id", optional=True),
                     taskId=_text(task_id, "task_id", optional=True), phase=_text(phase, "phase", optional=True),
                     activityDescription=_text(activity_description, "activity_description", optional=True))
        return self._rest.call("POST", f"/api/agents/{quote(agent_id, 'agent_id')}/activity", body=body)

    def handoff(self, task_id: str, from_agent: str, to_agent: str, chain_position: int, chain_length: int,
                handoff_context: str, *, work_product_id: Optional[str] = None) -> Dict[str, Any]:
        """``POST /api/handoffs``: ``{"handoff": {...}, "seq": n}``; emits ``agent.handoff`` on both agents' topics."""
        body = _body(taskId=_text(task_id, "task_id"), fromAgent=_text(from_agent, "from_agent"),
                     toAgent=_text(to_agent, "to_agent"), chainPosition=_int(chain_position, "chain_position"),
                     chainLength=_int(chain_length, "chain_length"))
        if not isinstance(handoff_context, str):
            raise invalid(f"handoff_context must be a string, got {handoff_context!r}", field="handoff_context")
        body["handoffContext"] = handoff_context
        if work_product_id is not None:
            body["workProductId"] = _text(work_product_id, "work_product_id")
        return self._rest.call("POST", "/api/handoffs", body=body)
