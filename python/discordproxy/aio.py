"""The asyncio client: `AsyncDiscordClient`, the same surface as `DiscordClient` over `grpc.aio`.

    async with AsyncDiscordClient("127.0.0.1:50051", api_key=KEY) as client:
        message = await client.create_channel_message(channel_id, "Hello")
        async for event in client.stream_events(["MESSAGE_CREATE"]):
            ...

One `grpc.aio` channel per client: created on the first call inside the running event loop,
reused by every call, closed by `aclose()` (or `close()`) or at the end of an `async with` block;
a later call opens a new one. A `grpc.aio` channel belongs to its event loop: used from another
loop, the client opens a new channel there.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import grpc
import grpc.aio
from google.protobuf.message import Message as _Message

from ._base import AsyncServerStream, ChannelOptions, ClientConfig, Metadata
from ._events import AsyncEventStream, OnReconnect, _Resume
from ._methods import AsyncDiscordApiMethods
from .discord_api_pb2 import (
    Channel,
    Embed,
    GetGuildChannelsRequest,
    GetGuildChannelsResponse,
    Message,
    SendChannelMessageRequest,
    SendChannelMessageResponse,
    SendDirectMessageRequest,
    SendDirectMessageResponse,
)
from .discord_api_pb2_grpc import DiscordApiStub
from .exceptions import to_discord_proxy_exception

if TYPE_CHECKING:
    from .discord_api_pb2_grpc import DiscordApiAsyncStub

__all__ = ["AsyncDiscordClient", "AsyncEventStream", "AsyncServerStream"]

_R = TypeVar("_R", bound=_Message)


class AsyncDiscordClient(AsyncDiscordApiMethods):
    """Asyncio client for interacting with Discord (see `discordproxy.client.DiscordClient`).

    Raises:
        DiscordProxyHttpError: HTTP error from the Discord API
        DiscordProxyGrpcError: gRPC error from the gRPC protocol
    """

    def __init__(
        self,
        target: str | None = None,
        options: ChannelOptions | None = None,
        timeout: float | None = None,
        *,
        root_certificates: bytes | None = None,
        private_key: bytes | None = None,
        certificate_chain: bytes | None = None,
        tls: bool | None = None,
        api_key: str | None = None,
        metadata: Metadata | None = None,
    ) -> None:
        """Same arguments as `DiscordClient`."""
        self._config = ClientConfig(
            target,
            options,
            timeout,
            root_certificates=root_certificates,
            private_key=private_key,
            certificate_chain=certificate_chain,
            tls=tls,
            api_key=api_key,
            metadata=metadata,
        )
        self._channel: grpc.aio.Channel | None = None
        self._stub_instance: DiscordApiAsyncStub | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # Streams on the channel: `aclose()` ends them (their iteration stops) before it closes
        # the channel, instead of their readers getting `CancelledError`.
        self._streams: weakref.WeakSet[AsyncServerStream[Any] | AsyncEventStream] = (
            weakref.WeakSet()
        )

    @property
    def target(self) -> str:
        """Return configured target for this client."""
        return self._config.target

    @property
    def timeout(self) -> float | None:
        """Return configured timeout for this client."""
        return self._config.timeout

    @property
    def options(self) -> ChannelOptions | None:
        """Return configured options for this client."""
        return self._config.options

    # -- the channel ------------------------------------------------------------------------

    @property
    def channel(self) -> grpc.aio.Channel:
        """The client's `grpc.aio` channel (opened on first use, in the running loop)."""
        return self._open()[0]

    @property
    def stub(self) -> DiscordApiAsyncStub:
        """The raw generated stub on the client's channel (no error conversion, no API key)."""
        return self._open()[1]

    def _open(self) -> tuple[grpc.aio.Channel, DiscordApiAsyncStub]:
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if self._channel is not None and loop is not None and self._loop is not loop:
            # The channel belongs to another (maybe closed) loop: open one in this loop.
            self._channel = None
            self._stub_instance = None
        if self._channel is None or self._stub_instance is None:
            self._channel = self._config.aio_channel()
            self._stub_instance = DiscordApiStub(self._channel)
            self._loop = loop
        return self._channel, self._stub_instance

    async def aclose(self, grace: float | None = None) -> None:
        """Closes the channel (idempotent); calls in progress are cancelled, or get `grace`
        seconds to finish. A later call opens a new channel."""
        for stream in list(self._streams):
            stream.close()
        channel, self._channel, self._stub_instance = self._channel, None, None
        if channel is not None:
            try:
                current: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
            except RuntimeError:
                current = None
            if self._loop is None or self._loop is current:
                await channel.close(grace)

    async def close(self, grace: float | None = None) -> None:
        """The same as `aclose()`."""
        await self.aclose(grace)

    async def __aenter__(self) -> AsyncDiscordClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- calls ------------------------------------------------------------------------------

    def _callable(self, rpc: str) -> Callable[..., Any]:
        return getattr(self._open()[1], rpc)  # type: ignore[no-any-return]

    async def _unary(
        self,
        rpc: str,
        request: _Message,
        response_type: type[_R],
        timeout: float | None,
        metadata: Metadata | None,
    ) -> _R:
        method = self._callable(rpc)
        try:
            response = await method(
                request,
                timeout=self._config.call_timeout(timeout),
                metadata=self._config.call_metadata(metadata),
            )
        except grpc.RpcError as ex:
            raise to_discord_proxy_exception(ex) from ex
        return response  # type: ignore[no-any-return]

    def _server_stream(
        self,
        rpc: str,
        request: _Message,
        response_type: type[_R],
        timeout: float | None,
        metadata: Metadata | None,
    ) -> AsyncServerStream[_R]:
        method = self._callable(rpc)
        call = method(request, timeout=timeout, metadata=self._config.call_metadata(metadata))
        stream: AsyncServerStream[_R] = AsyncServerStream(call)
        self._streams.add(stream)
        return stream

    # -- 1.5.1's methods --------------------------------------------------------------------

    async def get_guild_channels(
        self,
        guild_id: int,
        *,
        timeout: float | None = None,
        metadata: Metadata | None = None,
    ) -> Sequence[Channel]:
        """Get all channels of a guild (the whole response: `get_guild_channels_rpc`)."""
        response = await self._unary(
            "GetGuildChannels",
            GetGuildChannelsRequest(guild_id=guild_id),
            GetGuildChannelsResponse,
            timeout,
            metadata,
        )
        return response.channels

    async def create_channel_message(
        self,
        channel_id: int,
        content: str = "",
        embed: Embed | None = None,
        *,
        timeout: float | None = None,
        metadata: Metadata | None = None,
    ) -> Message:
        """Create new message in a channel (every field: `send_channel_message`)."""
        if not content and not embed:
            raise ValueError("Either content or embed need to be specified.")
        response = await self._unary(
            "SendChannelMessage",
            SendChannelMessageRequest(content=content, channel_id=channel_id, embed=embed),
            SendChannelMessageResponse,
            timeout,
            metadata,
        )
        return response.message

    async def create_direct_message(
        self,
        user_id: int,
        content: str = "",
        embed: Embed | None = None,
        *,
        timeout: float | None = None,
        metadata: Metadata | None = None,
    ) -> Message:
        """Create new direct message (every field: `send_direct_message`)."""
        if not content and not embed:
            raise ValueError("Either content or embed need to be specified.")
        response = await self._unary(
            "SendDirectMessage",
            SendDirectMessageRequest(content=content, user_id=user_id, embed=embed),
            SendDirectMessageResponse,
            timeout,
            metadata,
        )
        return response.message

    # -- events -----------------------------------------------------------------------------

    def stream_events(
        self,
        event_names: Sequence[str] | None = None,
        guild_ids: Sequence[int] | None = None,
        *,
        resume_after: int | None = None,
        epoch: str | None = None,
        on_reconnect: OnReconnect | None = None,
        reconnect: bool = True,
        max_attempts: int | None = None,
        backoff: float = 0.25,
        max_backoff: float = 30.0,
        metadata: Metadata | None = None,
    ) -> AsyncEventStream:
        """Gateway events as an async iterator that reconnects (see
        `DiscordClient.stream_events`; `on_reconnect` may also be a coroutine function).

        The stream opens at the first iteration; `stream = await client.stream_events(...)`
        (or `async with client.stream_events(...) as stream:`) opens it first, so that events
        caused afterwards are not missed. Closing the client ends it."""
        state = _Resume(
            event_names,
            guild_ids,
            resume_after=resume_after,
            epoch=epoch,
            on_reconnect=on_reconnect,
            reconnect=reconnect,
            max_attempts=max_attempts,
            backoff=backoff,
            max_backoff=max_backoff,
        )
        call_metadata = self._config.call_metadata(metadata)

        def open_call(request: Any) -> Any:
            return self._callable("StreamEvents")(request, metadata=call_metadata)

        events = AsyncEventStream(open_call, state)
        self._streams.add(events)
        return events
