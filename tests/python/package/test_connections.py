"""One gRPC channel per client: 100 calls go over one TCP connection (counted by a TCP proxy in
front of the server), for the blocking and the async client; `close()` / the context manager
end it, and a later call opens a new one.

(gRPC shares connections between channels of the same target and options in one process, its
global subchannel pool: clients made one per call, as 1.5.1 code does, share one connection.)"""

from __future__ import annotations

import asyncio
import threading

import pytest

from pkg_support import TcpCounter
from support import GENERAL_ID, GUILD_ID


@pytest.fixture
def counter(server):
    proxy = TcpCounter(server.port)
    yield proxy
    proxy.close()


def test_100_calls_one_connection(counter):
    from discordproxy.client import DiscordClient

    client = DiscordClient(counter.target, timeout=30)
    assert counter.accepted == 0  # the channel is opened lazily
    for n in range(100):
        if n % 10 == 0:
            client.create_channel_message(GENERAL_ID, f"one connection #{n}")
        elif n % 2:
            assert client.get_guild_channels(GUILD_ID)
        else:
            client.get_guild(guild_id=GUILD_ID)
    assert counter.accepted == 1
    client.close()
    client.close()  # idempotent
    # A new channel after close(). (gRPC's process-wide subchannel pool may still hold the old
    # connection for a moment and hand it to the new channel, so this is one or two.)
    assert client.get_guild_channels(GUILD_ID)
    assert counter.accepted in (1, 2)
    client.close()


def test_threads_share_the_connection(counter):
    from discordproxy.client import DiscordClient

    errors: list[BaseException] = []
    with DiscordClient(counter.target, timeout=30) as client:

        def work() -> None:
            try:
                for _ in range(20):
                    client.get_guild_channels(GUILD_ID)
            except BaseException as ex:  # noqa: BLE001 - reported below
                errors.append(ex)

        threads = [threading.Thread(target=work) for _ in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert not errors, errors
    assert counter.accepted == 1


def test_streams_and_calls_share_the_connection(counter, emulator):
    """A server stream is one more HTTP/2 stream on the same connection."""
    from discordproxy.client import DiscordClient

    with DiscordClient(counter.target, timeout=30) as client:
        events = client.stream_events_rpc(event_names=["MESSAGE_CREATE"])
        events.initial_metadata()
        for _ in range(10):
            client.get_guild(guild_id=GUILD_ID)
        events.cancel()
    assert counter.accepted == 1


def test_async_100_calls_one_connection(counter):
    from discordproxy.aio import AsyncDiscordClient

    async def main() -> int:
        async with AsyncDiscordClient(counter.target, timeout=30) as client:
            await asyncio.gather(*(client.get_guild_channels(GUILD_ID) for _ in range(50)))
            for n in range(50):
                await client.get_guild(guild_id=GUILD_ID)
            return counter.accepted

    assert asyncio.run(main()) == 1
