"""Event Gateway client for Python: subscriptions that resume without loss or duplicates, REST publishing and
the orchestration domain's calls. See README.md and docs/PROTOCOL.md of the gateway."""

from .client import (CLOSED, CONNECTING, IDLE, LIVE, POLLING, RECONNECTING, STATES, GatewayClient, Subscription,
                     backoff_delay)
from .errors import GatewayError
from .topics import is_pattern, is_topic, matches

__version__ = "1.0.0"
PROTOCOL_VERSION = 1

__all__ = ["GatewayClient", "GatewayError", "Subscription", "backoff_delay", "is_pattern", "is_topic", "matches",
           "STATES", "IDLE", "CONNECTING", "LIVE", "POLLING", "RECONNECTING", "CLOSED", "__version__",
           "PROTOCOL_VERSION"]
