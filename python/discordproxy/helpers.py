"""Helpers for client apps."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import grpc

__all__ = ["GrpcErrorDetails", "parse_error_details"]


class GrpcErrorDetails(NamedTuple):
    """The details of a gRPC error, as `parse_error_details` reads them.

    `type` is ``"HTTPException"`` for an error of the Discord API (then `status` is its HTTP status,
    `code` its JSON error code and `text` its message), else ``"Other"`` with the details as `text`.
    """

    type: str
    status: int | None
    code: int | None
    text: str


def parse_error_details(grpc_error: grpc.RpcError) -> GrpcErrorDetails:
    """Helper for parsing the details of a gRPC error exception into a named tuple.
    Recognizes a Discord error encoded as JSON
    """
    details: Any = grpc_error.details()
    if details is None:
        details = ""
    try:
        data = json.loads(details)
    except (ValueError, TypeError):
        data = {"text": details}
    if not isinstance(data, dict):  # valid JSON, but not a Discord error object
        data = {"text": details}
    return GrpcErrorDetails(
        type=data.get("type", "Other"),
        status=data.get("status", None),
        code=data.get("code", None),
        text=data.get("text", ""),
    )
