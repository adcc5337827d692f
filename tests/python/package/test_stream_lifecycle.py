"""Regression tests from a fresh user's run: `stream_events()` is subscribed when it returns
(sync) or when awaited (async), so an event caused right after is not missed; closing the
client ends its streams quietly (async readers got `asyncio.CancelledError`, sync
`request_guild_members` streams a CANCELLED error); an `api_key` read from a file with its
newline works."""

from __future__ import annotations

import asyncio
import threading

import pytest

from support import GENERAL_ID, GUILD_ID

WAIT = 30.0


def test_the_sync_stream_is_subscribed_when_stream_events_returns(server):
    from discordproxy.client import DiscordClient

    with DiscordClient(target=server.target, timeout=WAIT) as client:
        stream = client.stream_events(["MESSAGE_CREATE"], [GUILD_ID])
        client.create_channel_message(GENERAL_ID, content="caused after subscribing")
        got: list[str] = []
        reader = threading.Thread(
            target=lambda: got.append(next(iter(stream)).message.content), daemon=True
        )
        reader.start()
        reader.join(WAIT)
        stream.close()
    assert got == ["caused after subscribing"]


def test_an_awaited_async_stream_is_subscribed(server):
    from discordproxy.aio import AsyncDiscordClient

    async def main() -> str:
        async with AsyncDiscordClient(target=server.target, timeout=WAIT) as client:
            stream = await client.stream_events(["MESSAGE_CREATE"], [GUILD_ID])
            await client.create_channel_message(GENERAL_ID, content="async, after await")
            event = await asyncio.wait_for(stream.__anext__(), WAIT)
            await stream.aclose()
            return event.message.content

    assert asyncio.run(main()) == "async, after await"


def test_closing_the_async_client_ends_its_streams_quietly(server):
    from discordproxy.aio import AsyncDiscordClient

    async def consume(stream) -> str:
        try:
            async for _ in stream:
                pass
        except BaseException as ex:  # noqa: BLE001 - the test's subject
            return f"raised {type(ex).__name__}"
        return "ended"

    async def main() -> list[str]:
        client = AsyncDiscordClient(target=server.target, timeout=WAIT)
        events = await client.stream_events(["MESSAGE_CREATE"])
        members = client.request_guild_members(guild_id=GUILD_ID, user_ids=[1], timeout=60)
        tasks = [asyncio.create_task(consume(events)), asyncio.create_task(consume(events))]
        await asyncio.sleep(0.3)
        await client.aclose()
        results = await asyncio.wait_for(asyncio.gather(*tasks), WAIT)
        await members.aclose()
        return results

    assert asyncio.run(main()) == ["ended", "ended"]


def test_closing_the_sync_client_ends_a_server_stream_quietly(server):
    from discordproxy.client import DiscordClient

    client = DiscordClient(target=server.target, timeout=WAIT)
    stream = client.stream_events_rpc(event_names=["MESSAGE_CREATE"])
    outcome: list[str] = []

    def read() -> None:
        try:
            for _ in stream:
                pass
            outcome.append("ended")
        except Exception as ex:  # noqa: BLE001 - the test's subject
            outcome.append(f"raised {ex}")

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    stream.initial_metadata()
    client.close()
    reader.join(WAIT)
    assert outcome == ["ended"]


@pytest.mark.parametrize("key_text", ["KEY\n", "  KEY\r\n"])
def test_an_api_key_read_from_a_file_with_its_newline_is_accepted(key_text):
    from discordproxy._base import ClientConfig

    config = ClientConfig(
        "127.0.0.1:1", None, None, root_certificates=None, private_key=None,
        certificate_chain=None, tls=None, api_key=key_text.replace("KEY", "k-1"), metadata=None,
    )
    assert ("authorization", "Bearer k-1") in config.call_metadata(None)
