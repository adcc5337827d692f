"""`stream_events`: `StreamEvents` with reconnection and a count of the events missed meanwhile.

A dropped stream (`UNAVAILABLE`: server restart or a lost connection; `RESOURCE_EXHAUSTED`: the
subscriber fell more than the server's `--event-buffer` behind; any other transient status in
`RETRY_CODES`, or an end of the stream) is opened again after a backoff (exponential with jitter,
reset once a connection stands). Other errors (`UNAUTHENTICATED`, `PERMISSION_DENIED`,
`INVALID_ARGUMENT`, …) end the iteration with the matching `discordproxy.exceptions` error.

Resuming, when the server supports it (the proto then has `GatewayEvent.position` and
`StreamEventsRequest.resume_after` / `epoch`): every stream's initial metadata carries the
server's stream epoch (`discordproxy-stream-epoch`) and its newest event position
(`discordproxy-stream-position`); the stream remembers the position of the last event it
delivered (or that newest position while it has delivered none, or the
`discordproxy-resume-after` trailer of a `RESOURCE_EXHAUSTED` lag, which also counts events its
filters skipped), and a reconnection asks to resume after it in that epoch. The server replays
what it still holds, then goes live, and its initial metadata `discordproxy-missed-events: N`
(or `unknown`: another epoch, i.e. a restarted server) says how many matching events were lost.
Without those fields (an older proto or server) a reconnection is live and the missed count is
unknown (None).

The iteration ends when the stream is closed (`close()`, the end of a `with` block) or its
call is cancelled (e.g. the client was closed).

Each reconnection calls `on_reconnect(missed)` (an int, or None for unknown), logs a warning on
the logger `discordproxy.events` when events were (or may have been) missed, and adds to the
stream's `missed` total (None once any count was unknown).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
import threading
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Iterator, Sequence
from types import TracebackType
from typing import Any

import grpc

from . import discord_api_pb2 as _pb
from .exceptions import DiscordProxyGrpcError, to_discord_proxy_exception

__all__ = [
    "EPOCH_KEYS",
    "MISSED_EVENTS_KEY",
    "POSITION_KEY",
    "RESUME_AFTER_KEY",
    "RETRY_CODES",
    "AsyncEventStream",
    "EventStream",
]

logger = logging.getLogger("discordproxy.events")

#: Initial-metadata key with the number of events missed since `resume_after` (or `unknown`).
MISSED_EVENTS_KEY = "discordproxy-missed-events"
#: Initial-metadata key with the server's stream epoch (in a tuple: the first one present wins).
EPOCH_KEYS = ("discordproxy-stream-epoch",)
#: Initial-metadata key with the newest event position when the stream opened.
POSITION_KEY = "discordproxy-stream-position"
#: Trailing-metadata key of a lagged stream's RESOURCE_EXHAUSTED: the position to resume after.
RESUME_AFTER_KEY = "discordproxy-resume-after"
#: Status codes after which the stream is opened again.
RETRY_CODES = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNKNOWN,
    }
)

OnReconnect = Callable[[int | None], object]


def _metadata_value(metadata: Iterable[Any] | None, keys: Sequence[str]) -> str | None:
    found: dict[str, str] = {}
    for item in metadata or ():
        try:
            key, value = str(item[0]).lower(), item[1]
        except (TypeError, IndexError):
            continue
        if key in keys and key not in found:
            found[key] = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
    for key in keys:
        if key in found:
            return found[key].strip()
    return None


def _trailing(error: Any) -> Iterable[Any] | None:
    try:
        return error.trailing_metadata()  # type: ignore[no-any-return]
    except Exception:
        return None


def _has_field(descriptor: Any, name: str) -> bool:
    return name in descriptor.fields_by_name


class _Resume:
    """The state of one `stream_events` iteration, shared by the blocking and the async driver."""

    def __init__(
        self,
        event_names: Sequence[str] | None,
        guild_ids: Sequence[int] | None,
        *,
        resume_after: int | None,
        epoch: str | None,
        on_reconnect: OnReconnect | None,
        reconnect: bool,
        max_attempts: int | None,
        backoff: float,
        max_backoff: float,
    ) -> None:
        if isinstance(event_names, (str, bytes)):
            raise TypeError("event_names must be a list of names, not a string")
        if max_attempts is not None and max_attempts < 0:
            raise ValueError("max_attempts must be >= 0 or None")
        if backoff < 0 or max_backoff < 0:
            raise ValueError("backoff and max_backoff must be >= 0")
        self.event_names = list(event_names or ())
        self.guild_ids = list(guild_ids or ())
        self.position: int | None = resume_after
        self.epoch: str | None = epoch
        self.on_reconnect = on_reconnect
        self.reconnect = reconnect
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.missed: int | None = 0
        self.last_missed: int | None = 0
        self.reconnects = 0
        request_fields = _pb.StreamEventsRequest.DESCRIPTOR
        event_fields = _pb.GatewayEvent.DESCRIPTOR
        #: Whether the proto has the resume fields (else: live reconnections, missed unknown).
        self.can_resume = _has_field(request_fields, "resume_after")
        self._epoch_field = request_fields.fields_by_name.get("epoch")
        if resume_after is not None and epoch is None and self._epoch_field is not None:
            raise ValueError("resume_after needs the epoch it belongs to (an earlier stream's)")
        self._position_field = event_fields.fields_by_name.get("position")
        self._event_epoch_field = event_fields.fields_by_name.get("epoch")
        self._connections = 0
        self._failures = 0
        self._sent_resume = False
        self._drop_reason = ""
        # Per attempt: the position asked for, whether the connection stood, the newest
        # position it announced, whether it delivered an event; and whether events the server
        # still held were skipped (see `dropped`).
        self._requested: int | None = None
        self._stood = False
        self._newest: int | None = None
        self._delivered = False
        self._skipped = False

    # -- requests ---------------------------------------------------------------------------

    def request(self) -> _pb.StreamEventsRequest:
        fields: dict[str, Any] = {"event_names": self.event_names, "guild_ids": self.guild_ids}
        self._sent_resume = False
        self._requested = None
        self._stood = self._delivered = False
        self._newest = None
        if self.can_resume and self.position is not None:
            fields["resume_after"] = self.position
            self._requested = self.position
            self._sent_resume = True
            epoch = self._epoch_value()
            if epoch is not None:
                fields["epoch"] = epoch
        return _pb.StreamEventsRequest(**fields)

    def _epoch_value(self) -> object:
        if self._epoch_field is None or self.epoch is None:
            return None
        if self._epoch_field.cpp_type == self._epoch_field.CPPTYPE_STRING:
            return self.epoch
        try:
            return int(self.epoch)
        except ValueError:
            return None

    # -- events of the connection -----------------------------------------------------------

    def connected(self, metadata: Iterable[Any] | None) -> tuple[bool, int | None]:
        """The server answered (initial metadata): the connection stands.

        Returns whether to report a reconnection (not for the first connection without
        `resume_after`) and the missed count (None: unknown).
        """
        first = self._connections == 0
        self._connections += 1
        self._failures = 0
        epoch = _metadata_value(metadata, EPOCH_KEYS)
        newest = _metadata_value(metadata, (POSITION_KEY,))
        newest_position = int(newest) if newest is not None and newest.isdigit() else None
        self._stood = True
        self._newest = newest_position
        if epoch and epoch != self.epoch:
            # A new epoch (the first stream, or a restarted server): positions of another
            # epoch mean nothing here; resume after the newest position of this one.
            self.epoch = epoch
            self.position = newest_position
        elif self.position is None:
            self.position = newest_position
        if first and not self._sent_resume:
            return False, None
        missed: int | None = None
        if self._sent_resume and not self._skipped:
            value = _metadata_value(metadata, (MISSED_EVENTS_KEY,))
            if value is not None and value.isdigit():
                missed = int(value)
        self._skipped = False
        if not first:
            self.reconnects += 1
        self.last_missed = missed
        self.missed = None if missed is None or self.missed is None else self.missed + missed
        if missed is None:
            logger.warning(
                "StreamEvents %s%s; an unknown number of events was missed",
                "reconnected" if not first else "resumed",
                f" after {self._drop_reason}" if self._drop_reason else "",
            )
        elif missed:
            logger.warning(
                "StreamEvents %s%s; %d events were missed",
                "reconnected" if not first else "resumed",
                f" after {self._drop_reason}" if self._drop_reason else "",
                missed,
            )
        else:
            logger.info("StreamEvents resumed without missing events")
        return True, missed

    def event(self, event: _pb.GatewayEvent) -> None:
        self._delivered = True
        message: Any = event  # the resume fields may not be in this proto's stubs
        position = self._position_field
        if position is not None:
            if not getattr(position, "has_presence", False) or message.HasField("position"):
                self.position = int(message.position)
        epoch_field = self._event_epoch_field
        if epoch_field is not None:
            value = message.epoch
            if value:
                self.epoch = str(value)

    def dropped(self, error: grpc.RpcError | None) -> float:
        """The stream ended (`error` None: ended without a status error).

        Returns the seconds to wait before opening it again; raises the error (as a
        `discordproxy.exceptions` error) when it is not retried.
        """
        code = error.code() if error is not None else None
        if error is not None and (not self.reconnect or code not in RETRY_CODES):
            raise to_discord_proxy_exception(error) from error
        self._failures += 1
        if error is not None:
            details = error.details() or ""
            reason = f"{code.name}: {details}" if code is not None else details
            resume_after = _metadata_value(_trailing(error), (RESUME_AFTER_KEY,))
            if resume_after is not None and resume_after.isdigit() and self.can_resume:
                self.position = max(self.position or 0, int(resume_after))
            if (
                code is grpc.StatusCode.RESOURCE_EXHAUSTED
                and self._sent_resume
                and self._stood
                and not self._delivered
                and (self.position or 0) <= (self._requested or 0)
            ):
                # A resumed stream that lagged at once, without a single event and without
                # moving its resume point: resuming there again would fail the same way. Go on
                # after the newest position it announced (or live); what the server still held
                # in between is skipped, so the next missed count is unknown.
                newest = self._newest
                ahead = newest is not None and newest > (self._requested or 0)
                self.position = newest if ahead else None
                self._skipped = True
        else:
            reason = "the stream ended"
        self._drop_reason = reason
        if not self.reconnect or (
            self.max_attempts is not None and self._failures > self.max_attempts
        ):
            if error is not None:
                raise to_discord_proxy_exception(error) from error
            raise DiscordProxyGrpcError(grpc.StatusCode.UNAVAILABLE, "StreamEvents ended")
        delay = min(self.max_backoff, self.backoff * 2.0 ** (self._failures - 1))
        delay *= random.uniform(0.5, 1.0)
        logger.warning("StreamEvents dropped (%s); reconnecting in %.2f s", reason, delay)
        return delay


class EventStream(Iterator[_pb.GatewayEvent]):
    """The events of `DiscordClient.stream_events`: an iterator that reconnects.

    Attributes (read-only): `missed` (events missed over all reconnections; None when any count
    was unknown), `last_missed` (of the last reconnection), `reconnects`, `position` (of the last
    event, for `resume_after`; None without resume support) and `epoch` (the server's stream
    epoch, if announced). `close()` (from any thread) or leaving a `with` block ends it.
    """

    def __init__(self, open_call: Callable[[_pb.StreamEventsRequest], Any], state: _Resume):
        self._open = open_call
        self._state = state
        self._call: Any = None
        self._delay = 0.0
        self._closed = False
        self._lock = threading.Lock()
        self._wake = threading.Event()

    missed = property(lambda self: self._state.missed, doc="Events missed in total (None: unknown).")
    last_missed = property(lambda self: self._state.last_missed, doc="Missed at the last reconnection.")
    reconnects = property(lambda self: self._state.reconnects, doc="Reconnections so far.")
    position = property(lambda self: self._state.position, doc="Position of the last event.")
    epoch = property(lambda self: self._state.epoch, doc="The server's stream epoch, if known.")

    @property
    def closed(self) -> bool:
        return self._closed

    def __iter__(self) -> EventStream:
        return self

    def __next__(self) -> _pb.GatewayEvent:
        while True:
            if self._closed:
                raise StopIteration
            call = self._call if self._call is not None else self._connect()
            if call is None:
                continue
            error: grpc.RpcError | None
            try:
                event = next(call)
            except StopIteration:
                error = None
            except grpc.RpcError as ex:
                if self._closed or ex.code() is grpc.StatusCode.CANCELLED:
                    self._closed = True  # closed here, or the client's channel was closed
                    raise StopIteration from None
                error = ex
            else:
                self._state.event(event)
                return event  # type: ignore[no-any-return]
            self._call = None
            try:
                self._delay = self._state.dropped(error)
            except BaseException:
                self._closed = True
                raise

    def _connect(self) -> Any:
        if self._delay > 0:
            if self._wake.wait(self._delay):
                return None  # closed meanwhile
        self._delay = 0.0
        with self._lock:
            if self._closed:
                return None
            call = self._open(self._state.request())
            self._call = call
        metadata = call.initial_metadata()
        if not (call.done() and call.code() is not grpc.StatusCode.OK):
            report, missed = self._state.connected(metadata)
            if report and self._state.on_reconnect is not None:
                self._state.on_reconnect(missed)
        return call

    def close(self) -> None:
        """Ends the stream (safe from another thread); the iteration stops."""
        with self._lock:
            self._closed = True
            self._wake.set()
            call, self._call = self._call, None
        if call is not None:
            call.cancel()

    cancel = close

    def __enter__(self) -> EventStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncEventStream(AsyncIterator[_pb.GatewayEvent]):
    """The events of `AsyncDiscordClient.stream_events`: an async iterator that reconnects.

    Same attributes as `EventStream`; `on_reconnect` may be a coroutine function.
    `aclose()` / `close()` or leaving an `async with` block ends it.
    """

    def __init__(self, open_call: Callable[[_pb.StreamEventsRequest], Any], state: _Resume):
        self._open = open_call
        self._state = state
        self._call: Any = None
        self._delay = 0.0
        self._closed = False
        self._wake: asyncio.Event | None = None

    missed = property(lambda self: self._state.missed, doc="Events missed in total (None: unknown).")
    last_missed = property(lambda self: self._state.last_missed, doc="Missed at the last reconnection.")
    reconnects = property(lambda self: self._state.reconnects, doc="Reconnections so far.")
    position = property(lambda self: self._state.position, doc="Position of the last event.")
    epoch = property(lambda self: self._state.epoch, doc="The server's stream epoch, if known.")

    @property
    def closed(self) -> bool:
        return self._closed

    def __aiter__(self) -> AsyncEventStream:
        return self

    async def __anext__(self) -> _pb.GatewayEvent:
        while True:
            if self._closed:
                raise StopAsyncIteration
            call = self._call if self._call is not None else await self._connect()
            if call is None:
                continue
            error: grpc.RpcError | None
            try:
                event = await call.read()
            except asyncio.CancelledError:
                if self._closed:
                    raise StopAsyncIteration from None
                raise
            except grpc.RpcError as ex:
                if self._closed or ex.code() is grpc.StatusCode.CANCELLED:
                    self._closed = True  # closed here, or the client's channel was closed
                    raise StopAsyncIteration from None
                error = ex
            else:
                if event is not grpc.aio.EOF:
                    self._state.event(event)
                    return event  # type: ignore[no-any-return]
                error = None
            self._call = None
            try:
                self._delay = self._state.dropped(error)
            except BaseException:
                self._closed = True
                raise

    async def _connect(self) -> Any:
        if self._delay > 0:
            if self._wake is None:
                self._wake = asyncio.Event()
            try:
                await asyncio.wait_for(self._wake.wait(), self._delay)
                return None  # closed meanwhile
            except asyncio.TimeoutError:
                pass
        self._delay = 0.0
        if self._closed:
            return None
        call = self._open(self._state.request())
        self._call = call
        try:
            metadata = await call.initial_metadata()
        except grpc.RpcError:
            metadata = None
        if not await _failed(call):
            report, missed = self._state.connected(metadata)
            callback = self._state.on_reconnect
            if report and callback is not None:
                result = callback(missed)
                if inspect.isawaitable(result):
                    await result
        return call

    def close(self) -> None:
        """Ends the stream; the iteration stops."""
        self._closed = True
        if self._wake is not None:
            self._wake.set()
        call, self._call = self._call, None
        if call is not None:
            call.cancel()

    cancel = close

    async def aclose(self) -> None:
        self.close()

    async def subscribe(self) -> AsyncEventStream:
        """Opens the stream now (the server subscribes before it answers), so that events
        caused after this returns are not missed; iteration otherwise opens it at the first
        `__anext__`. `await client.stream_events(...)` and `async with` do the same."""
        if self._call is None and not self._closed:
            await self._connect()
        return self

    def __await__(self) -> Generator[Any, None, AsyncEventStream]:
        return self.subscribe().__await__()

    async def __aenter__(self) -> AsyncEventStream:
        return await self.subscribe()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


async def _failed(call: Any) -> bool:
    """Whether an aio call already ended with an error status (without waiting)."""
    if not call.done():
        return False
    return bool(await call.code() is not grpc.StatusCode.OK)
