"""Client API for external apps using discordproxy.

`DiscordClient` keeps the API of discordproxy 1.5.1 (`get_guild_channels`,
`create_channel_message`, `create_direct_message`, the properties `target`, `timeout` and
`options`, the same exceptions) and adds a typed method for every RPC of the server (see
`discordproxy._methods` for the naming rule), TLS, API keys, and `stream_events`, an event
stream that reconnects.

One gRPC channel (one HTTP/2 connection) per client: created on the first call, reused by every
call, closed by `close()` or at the end of a `with` block (a later call opens a new one).
A client is safe to share between threads; in a child process after `fork()` it opens a new
channel of its own (gRPC channels do not survive a fork).
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, TypeVar

import grpc
from google.protobuf.message import Message as _Message

from ._base import ChannelOptions, ClientConfig, Metadata, ServerStream
from ._events import EventStream, OnReconnect, _Resume
from ._methods import DiscordApiMethods
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

__all__ = ["DiscordClient", "EventStream", "ServerStream"]

_R = TypeVar("_R", bound=_Message)


class DiscordClient(DiscordApiMethods):
    """Client for interacting with Discord.

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
        """
        Args:
            target: The address of the Discord Proxy gRPC server.
                Default is: "localhost:50051"
            options: An optional list of key-value pairs to configure the gRPC channel.
            timeout: Default timeout for gRPC method invocations in seconds.
                If not specified the timeout is about 30 minutes.
            root_certificates: PEM CA certificate(s) to trust for the server's certificate
                (TLS); None with TLS: the system's default roots.
            private_key: PEM private key of the client certificate (mutual TLS; with
                `certificate_chain`).
            certificate_chain: PEM client certificate chain (mutual TLS; with `private_key`).
            tls: Connect over TLS. Default: TLS when a certificate or key is given, else plain
                text (as 1.5.1).
            api_key: Key for a server with `--api-keys-file`, sent as
                `authorization: Bearer <key>` on every call (with and without TLS).
            metadata: gRPC metadata pairs sent on every call.
        """
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
        self._lock = threading.Lock()
        self._channel: grpc.Channel | None = None
        self._stub_instance: DiscordApiStub | None = None
        self._pid = 0
        # Streams on the channel: `close()` ends them (their iteration stops) before it closes
        # the channel, instead of their readers getting a CANCELLED error.
        self._streams: weakref.WeakSet[ServerStream[Any] | EventStream] = weakref.WeakSet()

    # -- 1.5.1's properties -----------------------------------------------------------------

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
    def channel(self) -> grpc.Channel:
        """The client's gRPC channel (opened on first use)."""
        return self._open()[0]

    @property
    def stub(self) -> DiscordApiStub:
        """The raw generated stub on the client's channel (no error conversion, no API key)."""
        return self._open()[1]

    def _open(self) -> tuple[grpc.Channel, DiscordApiStub]:
        with self._lock:
            if self._channel is not None and self._pid != os.getpid():
                # Inherited through fork(): unusable here, and closing it could disturb the
                # parent's connection; let it go and open our own.
                self._channel = None
                self._stub_instance = None
            if self._channel is None or self._stub_instance is None:
                self._channel = self._config.sync_channel()
                self._stub_instance = DiscordApiStub(self._channel)
                self._pid = os.getpid()
            return self._channel, self._stub_instance

    def close(self) -> None:
        """Closes the channel (idempotent). Calls in progress are cancelled; a later call opens a
        new channel."""
        for stream in list(self._streams):
            stream.close()
        with self._lock:
            channel, self._channel, self._stub_instance = self._channel, None, None
            mine = self._pid == os.getpid()
        if channel is not None and mine:
            channel.close()

    def __enter__(self) -> DiscordClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- calls ------------------------------------------------------------------------------

    def _callable(self, rpc: str) -> Callable[..., Any]:
        return getattr(self._open()[1], rpc)  # type: ignore[no-any-return]

    def _unary(
        self,
        rpc: str,
        request: _Message,
        response_type: type[_R],
        timeout: float | None,
        metadata: Metadata | None,
    ) -> _R:
        method = self._callable(rpc)
        try:
            response = method(
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
    ) -> ServerStream[_R]:
        method = self._callable(rpc)
        call = method(
            request,
            timeout=timeout,  # streams have no default deadline: they last
            metadata=self._config.call_metadata(metadata),
        )
        stream: ServerStream[_R] = ServerStream(call)
        self._streams.add(stream)
        return stream

    # -- 1.5.1's methods --------------------------------------------------------------------

    def get_guild_channels(
        self,
        guild_id: int,
        *,
        timeout: float | None = None,
        metadata: Metadata | None = None,
    ) -> Sequence[Channel]:
        """Get all channels.

        Args:
            guild_id: ID of guild to get the channel for

        Returns:
            Guild channels

        (The whole `GetGuildChannelsResponse`: `get_guild_channels_rpc(guild_id=...)`.)
        """
        response = self._unary(
            "GetGuildChannels",
            GetGuildChannelsRequest(guild_id=guild_id),
            GetGuildChannelsResponse,
            timeout,
            metadata,
        )
        return response.channels

    def create_channel_message(
        self,
        channel_id: int,
        content: str = "",
        embed: Embed | None = None,
        *,
        timeout: float | None = None,
        metadata: Metadata | None = None,
    ) -> Message:
        """Create new message in a channel.

        Args:
            channel_id: ID of channel to create message in
            content: Text of the message
            embed: Embed of the message

        Returns:
            Created message

        (Every field of the request: `send_channel_message(...)`.)
        """
        if not content and not embed:
            raise ValueError("Either content or embed need to be specified.")
        response = self._unary(
            "SendChannelMessage",
            SendChannelMessageRequest(content=content, channel_id=channel_id, embed=embed),
            SendChannelMessageResponse,
            timeout,
            metadata,
        )
        return response.message

    def create_direct_message(
        self,
        user_id: int,
        content: str = "",
        embed: Embed | None = None,
        *,
        timeout: float | None = None,
        metadata: Metadata | None = None,
    ) -> Message:
        """Create new direct message.

        Args:
            user_id: ID of user to create direct message for
            content: Text of the message
            embed: Embed of the message

        Returns:
            Created message

        (Every field of the request: `send_direct_message(...)`.)
        """
        if not content and not embed:
            raise ValueError("Either content or embed need to be specified.")
        response = self._unary(
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
    ) -> EventStream:
        """Gateway events (`StreamEvents`) as an iterator that reconnects after a dropped stream.

        Args:
            event_names: Discord event names, e.g. ["MESSAGE_CREATE"]; empty or None: all.
            guild_ids: only events of these guilds; empty or None: all (DMs included).
            resume_after: start after this event position (an earlier stream's `position`;
                needs a server that supports resuming).
            epoch: the stream epoch that `resume_after` belongs to (an earlier stream's `epoch`).
            on_reconnect: called after each reconnection with the number of events missed
                (None: unknown).
            reconnect: False: a dropped stream raises, as a plain `stream_events_rpc` would.
            max_attempts: consecutive failed reconnection attempts before the error is raised
                (None: no limit).
            backoff, max_backoff: the first and the largest wait between attempts, in seconds
                (doubling, with jitter).
            metadata: extra gRPC metadata for the calls.

        The stream is open (the server has subscribed it) when this returns, so events caused
        afterwards are not missed; closing the client ends it.

        Returns:
            An `EventStream`: iterate it for `GatewayEvent` messages; `close()` ends it; its
            `missed`, `reconnects`, `position` and `epoch` tell what happened. Errors that are
            not retried (e.g. `UNAUTHENTICATED`) are raised as `discordproxy.exceptions` errors.
        """
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

        events = EventStream(open_call, state)
        self._streams.add(events)
        # Subscribed before this returns: events caused afterwards reach the stream (a server
        # that cannot be reached now is retried by the iteration, as after a drop).
        try:
            events._connect()
        except grpc.RpcError:
            pass
        return events
