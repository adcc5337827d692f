"""Reads a `google.rpc.RetryInfo` from a gRPC error's `grpc-status-details-bin` trailer.

The trailer is a serialized `google.rpc.Status` (code, message, repeated `google.protobuf.Any`
details). The two messages needed, `Status` and `RetryInfo`, are declared here with protobuf's own
descriptor machinery in a private descriptor pool (under the private package
`discordproxy._rpc`, so nothing clashes with googleapis-common-protos when an application has it
too) and parsed by protobuf itself: no googleapis-common-protos dependency and no hand-written
wire reader. Their field numbers and types are those of google/rpc/status.proto and
google/rpc/error_details.proto; the wire format does not carry message names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, duration_pb2, message_factory

__all__ = ["RETRY_INFO_TYPE_URL", "STATUS_DETAILS_KEY", "retry_after_from_metadata"]

STATUS_DETAILS_KEY = "grpc-status-details-bin"
RETRY_INFO_TYPE_URL = "type.googleapis.com/google.rpc.RetryInfo"

_F = descriptor_pb2.FieldDescriptorProto


def _build() -> tuple[Any, Any]:
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(any_pb2.DESCRIPTOR.serialized_pb)
    pool.AddSerializedFile(duration_pb2.DESCRIPTOR.serialized_pb)
    file = descriptor_pb2.FileDescriptorProto(
        name="discordproxy/_rpc.proto",
        package="discordproxy._rpc",
        syntax="proto3",
        dependency=["google/protobuf/any.proto", "google/protobuf/duration.proto"],
    )
    status = file.message_type.add(name="Status")
    status.field.add(name="code", number=1, type=_F.TYPE_INT32, label=_F.LABEL_OPTIONAL)
    status.field.add(name="message", number=2, type=_F.TYPE_STRING, label=_F.LABEL_OPTIONAL)
    status.field.add(
        name="details",
        number=3,
        type=_F.TYPE_MESSAGE,
        label=_F.LABEL_REPEATED,
        type_name=".google.protobuf.Any",
    )
    retry = file.message_type.add(name="RetryInfo")
    retry.field.add(
        name="retry_delay",
        number=1,
        type=_F.TYPE_MESSAGE,
        label=_F.LABEL_OPTIONAL,
        type_name=".google.protobuf.Duration",
    )
    pool.Add(file)
    return (
        message_factory.GetMessageClass(pool.FindMessageTypeByName("discordproxy._rpc.Status")),
        message_factory.GetMessageClass(pool.FindMessageTypeByName("discordproxy._rpc.RetryInfo")),
    )


_Status, _RetryInfo = _build()


def retry_after(status_details: bytes) -> float | None:
    """The `RetryInfo.retry_delay` in seconds from a serialized `google.rpc.Status`, if any."""
    try:
        status = _Status.FromString(status_details)
        for detail in status.details:
            if detail.type_url != RETRY_INFO_TYPE_URL:
                continue
            info = _RetryInfo.FromString(detail.value)
            if not info.HasField("retry_delay"):
                continue
            delay = info.retry_delay
            return max(0.0, float(delay.seconds) + float(delay.nanos) / 1e9)
    except Exception:  # a malformed trailer is not the application's problem
        return None
    return None


def retry_after_from_metadata(metadata: Iterable[Any] | None) -> float | None:
    """The retry delay from trailing metadata (pairs or `grpc.aio.Metadata`), if sent."""
    if not metadata:
        return None
    for item in metadata:
        try:
            key, value = item[0], item[1]
        except (TypeError, IndexError):
            continue
        if key == STATUS_DETAILS_KEY and isinstance(value, bytes):
            return retry_after(value)
    return None
