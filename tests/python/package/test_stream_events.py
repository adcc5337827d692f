"""`stream_events`: the event stream reconnects after a dropped stream (server killed and
restarted on the same port, graceful shutdown, a subscriber that lagged behind the server's
`--event-buffer`) and reports how many events were missed (None: unknown).

Resuming with a known missed count needs the server side of resume (`GatewayEvent.position`,
`StreamEventsRequest.resume_after`/`epoch`, initial metadata `discordproxy-missed-events`); the
tests check what the proto in use supports: without those fields every reconnection is live and
its missed count unknown."""

from __future__ import annotations

import asyncio
import queue
import threading
import time
import types

import grpc
import pytest

from pkg_support import ProxyServer, dispatch, post_as_bot, wait_for_gateway
from support import GENERAL_ID, GUILD_ID, free_port

WAIT = 30.0


def _can_resume() -> bool:
    from discordproxy import discord_api_pb2 as pb

    return "resume_after" in pb.StreamEventsRequest.DESCRIPTOR.fields_by_name


class Consumer:
    """Iterates an EventStream in a thread; contents of MESSAGE_CREATE and names otherwise."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.seen: queue.Queue = queue.Queue()
        self.error: BaseException | None = None
        self.go = threading.Event()
        self.go.set()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            for event in self.stream:
                self.go.wait()
                self.seen.put(event.message.content if event.name == "MESSAGE_CREATE" else event)
        except BaseException as ex:  # noqa: BLE001 - checked by the test
            self.error = ex

    def wait_for(self, predicate, poke=None, timeout: float = WAIT):
        """Until an item matches; `poke()` (e.g. posting a message) every 0.5 s meanwhile."""
        deadline = time.monotonic() + timeout
        next_poke = 0.0
        while time.monotonic() < deadline:
            assert self.error is None, f"the stream failed: {self.error!r}"
            if poke is not None and time.monotonic() >= next_poke:
                poke()
                next_poke = time.monotonic() + 0.5
            try:
                item = self.seen.get(timeout=0.1)
            except queue.Empty:
                continue
            if predicate(item):
                return item
        pytest.fail(f"not seen in {timeout}s (error: {self.error!r})")

    def close(self) -> None:
        self.stream.close()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive(), "the stream did not end after close()"


@pytest.fixture
def own_server(emulator, tmp_path):
    srv = ProxyServer(emulator, tmp_path)
    wait_for_gateway(srv.target)
    yield srv
    srv.stop()


def test_reconnects_after_the_server_was_killed_and_restarted(own_server, emulator, caplog):
    from discordproxy.client import DiscordClient

    reconnects: list[int | None] = []
    caplog.set_level("WARNING", logger="discordproxy.events")
    with DiscordClient(own_server.target) as client:
        stream = client.stream_events(["MESSAGE_CREATE"], [GUILD_ID],
                                      on_reconnect=reconnects.append, backoff=0.05,
                                      max_backoff=0.5)
        consumer = Consumer(stream)
        consumer.wait_for(lambda c: c == "before the kill",
                          lambda: post_as_bot(emulator, GENERAL_ID, "before the kill"))
        assert stream.reconnects == 0 and reconnects == []
        own_server.kill()
        time.sleep(0.5)  # the client sees the drop and retries against a closed port
        own_server.start()
        wait_for_gateway(own_server.target)
        consumer.wait_for(lambda c: c == "after the restart",
                          lambda: post_as_bot(emulator, GENERAL_ID, "after the restart"))
        consumer.close()
    assert stream.reconnects == 1, reconnects
    # A new server process: a new stream epoch, so how many events were missed is unknown.
    assert reconnects == [None]
    assert stream.missed is None and stream.last_missed is None
    assert any("unknown number of events" in r.getMessage() for r in caplog.records)
    assert any("StreamEvents dropped (UNAVAILABLE" in r.getMessage() for r in caplog.records)


def test_async_stream_reconnects_after_a_graceful_restart(own_server, emulator):
    from discordproxy.aio import AsyncDiscordClient

    reconnects: list[int | None] = []

    async def on_reconnect(missed: int | None) -> None:  # a coroutine callback
        reconnects.append(missed)

    async def wait_for(stream, content: str):
        async def poke():
            while True:
                await asyncio.to_thread(post_as_bot, emulator, GENERAL_ID, content)
                await asyncio.sleep(0.5)

        poker = asyncio.ensure_future(poke())
        try:
            async for event in stream:
                if event.message.content == content:
                    return event
        finally:
            poker.cancel()

    async def main():
        async with AsyncDiscordClient(own_server.target) as client:
            stream = client.stream_events(event_names=["MESSAGE_CREATE"],
                                          on_reconnect=on_reconnect, backoff=0.05,
                                          max_backoff=0.5)
            async with stream:
                await asyncio.wait_for(wait_for(stream, "async before"), WAIT)
                await asyncio.to_thread(own_server.stop)  # SIGTERM: streams end UNAVAILABLE
                await asyncio.to_thread(own_server.start)
                await asyncio.to_thread(wait_for_gateway, own_server.target)
                await asyncio.wait_for(wait_for(stream, "async after"), WAIT)
            return stream

    stream = asyncio.run(main())
    assert stream.closed
    assert stream.reconnects == 1 and reconnects == [None]


def test_a_lagging_subscriber_reconnects(emulator, tmp_path):
    """--event-buffer 4 and a consumer that stops reading while 3,000 events arrive: the server
    ends the stream with RESOURCE_EXHAUSTED; the stream reconnects and says what was missed.
    (No filters: then a resuming server counts the missed events exactly.)"""
    from discordproxy.client import DiscordClient

    srv = ProxyServer(emulator, tmp_path, ["--event-buffer", "4"])
    try:
        wait_for_gateway(srv.target)
        reconnects: list[int | None] = []
        with DiscordClient(srv.target) as client:
            stream = client.stream_events(on_reconnect=reconnects.append, backoff=0.05)
            consumer = Consumer(stream)
            consumer.wait_for(lambda c: c == "lag start",
                              lambda: post_as_bot(emulator, GENERAL_ID, "lag start"))
            consumer.go.clear()  # stop reading
            dispatch(emulator, "DISCORDPROXY_TEST", {"padding": "x" * 2000}, count=3000)
            time.sleep(2)
            consumer.go.set()
            consumer.wait_for(lambda c: c == "lag end",
                              lambda: post_as_bot(emulator, GENERAL_ID, "lag end"), timeout=60)
            consumer.close()
    finally:
        srv.stop()
    assert stream.reconnects >= 1 and len(reconnects) == stream.reconnects
    assert stream.reconnects < 20, f"{stream.reconnects} reconnections: {reconnects}"
    if _can_resume():
        # The same server process (same epoch) knows how many events went by unsent.
        assert all(isinstance(m, int) for m in reconnects), reconnects
        assert isinstance(stream.missed, int) and stream.missed > 0, reconnects
        assert stream.missed == sum(reconnects)  # type: ignore[arg-type]
        assert stream.epoch and stream.position
    else:
        assert reconnects[0] is None and stream.missed is None


def test_errors_that_are_not_retried_are_raised(emulator, tmp_path):
    from discordproxy.client import DiscordClient
    from discordproxy.exceptions import DiscordProxyGrpcError

    keys = tmp_path / "keys.txt"
    keys.write_text("app 0123456789abcdef0123456789abcdef\n")
    srv = ProxyServer(emulator, tmp_path, ["--api-keys-file", str(keys)])
    try:
        with DiscordClient(srv.target) as client:
            with pytest.raises(DiscordProxyGrpcError) as info:
                next(client.stream_events(["MESSAGE_CREATE"]))
            assert info.value.status is grpc.StatusCode.UNAUTHENTICATED
            with pytest.raises(DiscordProxyGrpcError) as info:
                next(client.stream_events(["X"] * 1001))
            assert info.value.status in (grpc.StatusCode.UNAUTHENTICATED,
                                         grpc.StatusCode.INVALID_ARGUMENT)
        wait_for_gateway(srv.target, api_key="0123456789abcdef0123456789abcdef")
        with DiscordClient(srv.target, api_key="0123456789abcdef0123456789abcdef") as client:
            with pytest.raises(DiscordProxyGrpcError) as info:
                next(client.stream_events(["X"] * 1001))
            assert info.value.status is grpc.StatusCode.INVALID_ARGUMENT
            stream = client.stream_events(["MESSAGE_CREATE"])
            consumer = Consumer(stream)
            consumer.wait_for(lambda c: c == "keyed stream",
                              lambda: post_as_bot(emulator, GENERAL_ID, "keyed stream"))
            consumer.close()
    finally:
        srv.stop()


def test_max_attempts_and_reconnect_false():
    from discordproxy.client import DiscordClient
    from discordproxy.exceptions import DiscordProxyGrpcError

    with DiscordClient(f"127.0.0.1:{free_port()}") as client:
        started = time.monotonic()
        with pytest.raises(DiscordProxyGrpcError) as info:
            next(client.stream_events(max_attempts=2, backoff=0.01))
        assert info.value.status is grpc.StatusCode.UNAVAILABLE
        assert time.monotonic() - started < 20
        stream = client.stream_events(reconnect=False)
        with pytest.raises(DiscordProxyGrpcError):
            next(stream)
        assert stream.closed


def test_close_from_another_thread_while_waiting_to_reconnect():
    from discordproxy.client import DiscordClient

    with DiscordClient(f"127.0.0.1:{free_port()}") as client:
        stream = client.stream_events(backoff=30, max_backoff=30)
        consumer = Consumer(stream)
        time.sleep(0.5)  # first attempt failed; now waiting 15-30 s
        started = time.monotonic()
        consumer.close()
        assert time.monotonic() - started < 5
        assert consumer.error is None


def test_resume_bookkeeping(monkeypatch, caplog):
    """The resume logic without a server: request fields, metadata, missed totals, the lag
    trailer, and the way out of a resumed stream that fails at once without progress."""
    from discordproxy import _events
    from discordproxy.exceptions import DiscordProxyGrpcError

    state = _events._Resume(["MESSAGE_CREATE"], [GUILD_ID], resume_after=None, epoch=None,
                            on_reconnect=None, reconnect=True, max_attempts=None,
                            backoff=0.1, max_backoff=1.0)
    sent: list[dict] = []
    fake_pb = types.SimpleNamespace(StreamEventsRequest=lambda **fields: sent.append(fields))
    monkeypatch.setattr(_events, "_pb", fake_pb)
    state.can_resume = True
    state._epoch_field = types.SimpleNamespace(cpp_type=1, CPPTYPE_STRING=1)
    state._position_field = types.SimpleNamespace(has_presence=False)

    def status(code, trailing=()):
        class Error(grpc.RpcError):
            def code(self):
                return code

            def details(self):
                return "details"

            def trailing_metadata(self):
                return trailing

        return Error()

    state.request()
    assert sent[-1] == {"event_names": ["MESSAGE_CREATE"], "guild_ids": [GUILD_ID]}
    first = [("discordproxy-stream-epoch", "e1"), ("discordproxy-stream-position", "40")]
    assert state.connected(first) == (False, None)
    assert (state.epoch, state.position) == ("e1", 40)  # resumable before any event
    assert state.dropped(None) > 0  # ended without a status: reconnect
    state.request()
    assert (sent[-1]["resume_after"], sent[-1]["epoch"]) == (40, "e1")
    caplog.set_level("INFO", logger="discordproxy.events")
    assert state.connected([("discordproxy-stream-epoch", "e1"),
                            ("discordproxy-missed-events", "7")]) == (True, 7)
    assert (state.reconnects, state.missed, state.last_missed) == (1, 7, 7)
    assert any("7 events were missed" in r.getMessage() for r in caplog.records)
    state.event(types.SimpleNamespace(position=45, HasField=lambda name: True))
    assert state.position == 45
    # A lag: the trailer says where to resume (it counts events the filters skipped).
    state.dropped(status(grpc.StatusCode.RESOURCE_EXHAUSTED,
                         (("discordproxy-resume-after", "52"),)))
    state.request()
    assert sent[-1]["resume_after"] == 52
    assert state.connected([("discordproxy-stream-epoch", "e1"),
                            ("discordproxy-stream-position", "90"),
                            ("discordproxy-missed-events", "0")]) == (True, 0)
    assert state.missed == 7
    # That resumed stream lags at once, without an event and without moving on: the next
    # attempt goes on after its newest position, and what was skipped is unknown.
    state.dropped(status(grpc.StatusCode.RESOURCE_EXHAUSTED,
                         (("discordproxy-resume-after", "52"),)))
    state.request()
    assert sent[-1]["resume_after"] == 90
    assert state.connected([("discordproxy-stream-epoch", "e1"),
                            ("discordproxy-missed-events", "0")]) == (True, None)
    assert state.missed is None
    # A restarted server: a new epoch, positions start again.
    state.dropped(status(grpc.StatusCode.UNAVAILABLE))
    state.request()
    assert state.connected([("discordproxy-stream-epoch", "e2"),
                            ("discordproxy-stream-position", "3"),
                            ("discordproxy-missed-events", "unknown")]) == (True, None)
    assert (state.epoch, state.position, state.reconnects) == ("e2", 3, 4)
    # Not retried: raised as a discordproxy error.
    with pytest.raises(DiscordProxyGrpcError):
        state.dropped(status(grpc.StatusCode.PERMISSION_DENIED))


def test_closing_the_client_ends_its_streams(server, emulator):
    from discordproxy.client import DiscordClient

    client = DiscordClient(server.target)
    stream = client.stream_events(["MESSAGE_CREATE"])
    consumer = Consumer(stream)
    consumer.wait_for(lambda c: c == "before client close",
                      lambda: post_as_bot(emulator, GENERAL_ID, "before client close"))
    client.close()
    consumer.thread.join(timeout=10)
    assert not consumer.thread.is_alive() and consumer.error is None
    assert stream.closed and stream.reconnects == 0


def test_resume_after_needs_its_epoch():
    from discordproxy.client import DiscordClient

    client = DiscordClient()
    if _can_resume():
        with pytest.raises(ValueError):
            client.stream_events(resume_after=5)
    stream = client.stream_events(resume_after=5, epoch="0" * 32)
    assert stream.position == 5 and stream.epoch == "0" * 32
