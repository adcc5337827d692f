"""Factories for applications' tests, as discordproxy 1.5.1 shipped them: proto objects and
gRPC errors shaped like the ones the server sends (e.g. aa-freight's tests use them)."""

from __future__ import annotations

import itertools
import json
from typing import Any

import grpc

from discordproxy.discord_api_pb2 import Channel

_unique_ids = itertools.count(1)


def create_discordproxy_channel(**kwargs: Any) -> Channel:
    """A `Channel` (a guild text channel with a fresh id unless given)."""
    kwargs.setdefault("id", next(_unique_ids))
    kwargs.setdefault("type", Channel.Type.GUILD_TEXT)
    return Channel(**kwargs)


def create_rpc_error(**kwargs: Any) -> grpc.RpcError:
    """A `grpc.RpcError` with `code()` and `details()` (default: NOT_FOUND with the JSON details
    of a Discord 404/50001), as a client's stub raises it."""
    code = kwargs.get("code", grpc.StatusCode.NOT_FOUND)
    details = kwargs.get(
        "details",
        json.dumps({"type": "HTTPException", "status": 404, "code": 50001,
                    "text": "User not found"}),
    )
    error = grpc.RpcError()
    error.code = lambda: code  # type: ignore[method-assign]
    error.details = lambda: details  # type: ignore[method-assign]
    return error
