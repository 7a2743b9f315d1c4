"""The one exception type of the client, carrying the protocol's error code."""

from typing import Any, Dict, Optional

# Codes the client itself produces (the gateway's own codes, PROTOCOL.md sections 5 and 10.7, pass through as
# they are: WS_INVALID_TOPIC, WS_SUBSCRIPTION_LIMIT, BAD_REQUEST, NOT_FOUND, CONFLICT, ...).
INVALID_ARGUMENT = "INVALID_ARGUMENT"      # a wrong argument or option; raised before anything is sent
CONNECTION_FAILED = "CONNECTION_FAILED"    # the gateway could not be reached, or refused the WebSocket upgrade
CONNECTION_LOST = "CONNECTION_LOST"        # an open WebSocket closed
BAD_RESPONSE = "BAD_RESPONSE"              # an HTTP answer that is not what PROTOCOL.md section 8 says
PROTOCOL_ERROR = "PROTOCOL_ERROR"          # a WebSocket frame that PROTOCOL.md does not allow
TIMEOUT = "TIMEOUT"                        # no answer in time
HEARTBEAT_TIMEOUT = "HEARTBEAT_TIMEOUT"    # the gateway went silent on an open WebSocket
RESYNC_FAILED = "RESYNC_FAILED"            # the REST request for an overflow's gap failed (recovered by reconnecting)
EVENTS_LOST = "EVENTS_LOST"                # the gateway no longer retains events a subscription had not seen
CALLBACK_FAILED = "CALLBACK_FAILED"        # an application callback raised; the event still counts as delivered
CREDENTIALS_REVOKED = "CREDENTIALS_REVOKED"  # close 4003: the client does not reconnect without new credentials
UNAUTHORIZED = "UNAUTHORIZED"              # HTTP 401: missing or bad credentials; the client does not retry
CLOSED = "CLOSED"                          # the client was closed
INTERNAL = "CLIENT_INTERNAL_ERROR"         # a bug in this client; reported, never swallowed


class GatewayError(Exception):
    """An error from the gateway or from talking to it.

    ``code`` is the protocol's code when the gateway answered one (``WS_INVALID_TOPIC``, ``BAD_REQUEST``,
    ``NOT_FOUND``, ...), else one of the client's own codes listed in this module. ``details`` is always a dict
    (the protocol's ``details``, or what the client knows: ``status``, ``url``, ``body``...). ``status`` is the
    HTTP status when there was one, ``request_id`` the WebSocket request ``id`` the error answers.
    """

    def __init__(self, code: str, message: str, details: Optional[Dict[str, Any]] = None, *,
                 status: Optional[int] = None, request_id: Optional[str] = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details: Dict[str, Any] = dict(details) if isinstance(details, dict) else {}
        self.status = status
        self.request_id = request_id

    def __repr__(self) -> str:
        extra = f", status={self.status}" if self.status is not None else ""
        return f"GatewayError({self.code!r}, {self.message!r}, {self.details!r}{extra})"

    def __reduce__(self):
        return (_rebuild, (self.code, self.message, self.details, self.status, self.request_id))


def _rebuild(code, message, details, status, request_id):
    return GatewayError(code, message, details, status=status, request_id=request_id)


def invalid(message: str, **details: Any) -> GatewayError:
    """An INVALID_ARGUMENT error (raised before anything goes on the wire)."""
    return GatewayError(INVALID_ARGUMENT, message, details)
