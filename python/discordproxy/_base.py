"""Pieces shared by the blocking and the asyncio client (private)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Sequence
from types import TracebackType
from typing import Any, Generic, TypeVar

import grpc
import grpc.aio
from google.protobuf.message import Message

from .exceptions import to_discord_proxy_exception

__all__ = [
    "DEFAULT_TARGET",
    "AsyncServerStream",
    "ChannelOptions",
    "ClientConfig",
    "Metadata",
    "ServerStream",
    "request",
]

#: gRPC metadata: (key, value) pairs; values of keys ending in "-bin" are bytes.
Metadata = Sequence[tuple[str, str | bytes]]
#: gRPC channel options: (name, value) pairs, e.g. ("grpc.max_receive_message_length", 2**25).
ChannelOptions = Sequence[tuple[str, Any]]

DEFAULT_TARGET = "localhost:50051"

_M = TypeVar("_M", bound=Message)
_T = TypeVar("_T")


def request(cls: type[_M], /, **fields: object) -> _M:
    """`cls(**fields)` without the fields that are None (= not set).

    A plain string for a repeated field is refused: protobuf would take it as a sequence of
    one-character strings. A value protobuf refuses (wrong type, out of range) raises its
    `TypeError` or `ValueError` with the message and field named (`GetGuildRequest.guild_id:
    …`) and the type given, never the value (it may be a token).
    """
    values = {name: value for name, value in fields.items() if value is not None}
    for name, value in values.items():
        if isinstance(value, (str, bytes)):
            descriptor = cls.DESCRIPTOR.fields_by_name.get(name)
            if descriptor is not None and _is_repeated(descriptor):
                raise TypeError(
                    f"{cls.__name__}.{name} is a repeated field: pass a list, not {value!r}"
                )
    try:
        return cls(**values)
    except (TypeError, ValueError) as error:
        for name, value in values.items():
            try:
                cls(**{name: value})
            except (TypeError, ValueError) as field_error:
                raise type(error)(
                    f"{cls.__name__}.{name}: {field_error} (a {type(value).__name__} was given)"
                ) from None
        raise


def _is_repeated(descriptor: Any) -> bool:
    repeated = getattr(descriptor, "is_repeated", None)
    if repeated is not None:
        return bool(repeated)
    return bool(descriptor.label == descriptor.LABEL_REPEATED)


class ClientConfig:
    """The settings of a client: target, channel options, timeout, TLS and metadata."""

    def __init__(
        self,
        target: str | None,
        options: ChannelOptions | None,
        timeout: float | None,
        *,
        root_certificates: bytes | None,
        private_key: bytes | None,
        certificate_chain: bytes | None,
        tls: bool | None,
        api_key: str | None,
        metadata: Metadata | None,
    ) -> None:
        self.target = str(target) if target else DEFAULT_TARGET
        self.options = options
        self.timeout = timeout
        for name, value in (
            ("root_certificates", root_certificates),
            ("private_key", private_key),
            ("certificate_chain", certificate_chain),
        ):
            if value is not None and not isinstance(value, bytes):
                raise TypeError(f"{name} must be bytes (PEM), not {type(value).__name__}")
        if (private_key is None) != (certificate_chain is None):
            raise ValueError("private_key and certificate_chain must be given together")
        uses_certificates = any(
            v is not None for v in (root_certificates, private_key, certificate_chain)
        )
        if tls is False and uses_certificates:
            raise ValueError("tls=False contradicts root_certificates/private_key/certificate_chain")
        self.tls = bool(tls) or uses_certificates
        self._root_certificates = root_certificates
        self._private_key = private_key
        self._certificate_chain = certificate_chain
        extra: list[tuple[str, str | bytes]] = list(metadata or ())
        if api_key is not None:
            if isinstance(api_key, str):
                api_key = api_key.strip()  # e.g. read from a file with its newline
            if not isinstance(api_key, str) or not api_key:
                raise ValueError("api_key must be a non-empty string")
            if any(not (0x20 <= ord(c) < 0x7F) for c in api_key):
                raise ValueError("api_key may contain printable ASCII characters only")
            extra = [(k, v) for k, v in extra if k.lower() != "authorization"]
            extra.append(("authorization", f"Bearer {api_key}"))
        self.metadata: tuple[tuple[str, str | bytes], ...] = tuple(
            (k.lower(), v) for k, v in extra
        )

    def call_timeout(self, timeout: float | None) -> float | None:
        """A call's timeout: its own, else the client's (0 or None: no timeout, as in 1.5.1)."""
        if timeout is not None:
            return timeout
        return self.timeout or None

    def call_metadata(self, metadata: Metadata | None) -> tuple[tuple[str, str | bytes], ...] | None:
        """The client's metadata plus the call's (a key the call sets replaces the client's)."""
        if not metadata:
            return self.metadata or None
        own = [(k.lower(), v) for k, v in metadata]
        keys = {k for k, _ in own}
        merged = [(k, v) for k, v in self.metadata if k not in keys] + own
        return tuple(merged) or None

    def credentials(self) -> grpc.ChannelCredentials:
        return grpc.ssl_channel_credentials(
            root_certificates=self._root_certificates,
            private_key=self._private_key,
            certificate_chain=self._certificate_chain,
        )

    def sync_channel(self) -> grpc.Channel:
        if self.tls:
            return grpc.secure_channel(self.target, self.credentials(), self.options)
        return grpc.insecure_channel(self.target, self.options)

    def aio_channel(self) -> grpc.aio.Channel:
        if self.tls:
            return grpc.aio.secure_channel(self.target, self.credentials(), self.options)
        return grpc.aio.insecure_channel(self.target, self.options)


class ServerStream(Iterator[_T], Generic[_T]):
    """The messages of a server-streaming call, as an iterator.

    Errors come as `discordproxy.exceptions` errors. `cancel()` (or `close()`, or leaving a
    `with` block) ends the call; the iteration then stops.
    """

    def __init__(self, call: Any) -> None:
        self._call = call
        self._cancelled = False

    def __iter__(self) -> ServerStream[_T]:
        return self

    def __next__(self) -> _T:
        try:
            return next(self._call)  # type: ignore[no-any-return]
        except grpc.RpcError as ex:
            if self._cancelled and ex.code() is grpc.StatusCode.CANCELLED:
                raise StopIteration from None
            raise to_discord_proxy_exception(ex) from ex

    def cancel(self) -> None:
        """Ends the call (the iteration then stops)."""
        self._cancelled = True
        self._call.cancel()

    close = cancel

    def initial_metadata(self) -> tuple[tuple[str, str | bytes], ...]:
        """The server's initial metadata (waits for it)."""
        return tuple((m[0], m[1]) for m in (self._call.initial_metadata() or ()))

    def __enter__(self) -> ServerStream[_T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cancel()


class AsyncServerStream(AsyncIterator[_T], Generic[_T]):
    """The messages of a server-streaming call, as an async iterator.

    Errors come as `discordproxy.exceptions` errors. `cancel()` (or `aclose()`, or leaving an
    `async with` block) ends the call; the iteration then stops.
    """

    def __init__(self, call: Any) -> None:
        self._call = call
        self._cancelled = False

    def __aiter__(self) -> AsyncServerStream[_T]:
        return self

    async def __anext__(self) -> _T:
        if self._cancelled:
            raise StopAsyncIteration
        try:
            message = await self._call.read()
        except asyncio.CancelledError:
            if self._cancelled:
                raise StopAsyncIteration from None
            raise
        except grpc.RpcError as ex:
            if self._cancelled and ex.code() is grpc.StatusCode.CANCELLED:
                raise StopAsyncIteration from None
            raise to_discord_proxy_exception(ex) from ex
        if message is grpc.aio.EOF:
            raise StopAsyncIteration
        return message  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """Ends the call (the iteration then stops)."""
        self._cancelled = True
        self._call.cancel()

    close = cancel

    async def aclose(self) -> None:
        self.cancel()

    async def initial_metadata(self) -> tuple[tuple[str, str | bytes], ...]:
        """The server's initial metadata (waits for it)."""
        metadata = await self._call.initial_metadata()
        return tuple((m[0], m[1]) for m in (metadata or ()))

    async def __aenter__(self) -> AsyncServerStream[_T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cancel()
