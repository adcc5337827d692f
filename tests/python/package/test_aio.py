"""`discordproxy.aio.AsyncDiscordClient`: the same surface as `DiscordClient` over grpc.aio."""

from __future__ import annotations

import asyncio
import inspect

import grpc
import pytest

from pkg_support import post_as_bot
from support import GENERAL_ID, GUILD_ID, free_port


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def test_same_surface_as_the_blocking_client():
    from discordproxy.aio import AsyncDiscordClient
    from discordproxy.client import DiscordClient

    public = {n for n in dir(DiscordClient) if not n.startswith("_")}
    assert public <= {n for n in dir(AsyncDiscordClient) if not n.startswith("_")}
    assert inspect.signature(AsyncDiscordClient.__init__) == inspect.signature(DiscordClient.__init__)
    for name in ("get_guild_channels", "create_channel_message", "create_direct_message",
                 "send_channel_message", "get_guild"):
        assert inspect.iscoroutinefunction(getattr(AsyncDiscordClient, name)), name
        sync, aio = (inspect.signature(getattr(c, name)) for c in (DiscordClient, AsyncDiscordClient))
        assert list(sync.parameters) == list(aio.parameters), name
    c = AsyncDiscordClient()
    assert (c.target, c.options, c.timeout) == ("localhost:50051", None, None)


def test_1_5_1_methods(server, fresh_user):
    from discordproxy.aio import AsyncDiscordClient
    from discordproxy.discord_api_pb2 import Channel, Embed, Message

    async def main():
        async with AsyncDiscordClient(server.target, timeout=30) as client:
            channels = await client.get_guild_channels(GUILD_ID)
            message = await client.create_channel_message(GENERAL_ID, "async hello")
            embedded = await client.create_channel_message(GENERAL_ID, embed=Embed(title="async"))
            dm = await client.create_direct_message(fresh_user, "async DM")
            try:
                await client.create_direct_message(fresh_user)
            except ValueError as err:
                value_error = str(err)
            return channels, message, embedded, dm, value_error

    channels, message, embedded, dm, value_error = run(main())
    assert all(isinstance(c, Channel) for c in channels) and GENERAL_ID in {c.id for c in channels}
    assert isinstance(message, Message) and message.content == "async hello"
    assert embedded.embeds[0].title == "async"
    assert dm.content == "async DM"
    assert value_error == "Either content or embed need to be specified."


def test_generated_methods_and_errors(server, forbidden_channel):
    from discordproxy.aio import AsyncDiscordClient
    from discordproxy.discord_api_pb2 import GetGuildChannelsResponse
    from discordproxy.exceptions import DiscordProxyGrpcError, DiscordProxyHttpError

    async def main():
        async with AsyncDiscordClient(server.target, timeout=30) as client:
            raw = await client.get_guild_channels_rpc(guild_id=GUILD_ID)
            guild = await client.get_guild(guild_id=GUILD_ID, with_counts=True)
            sent = await client.send_channel_message(channel_id=GENERAL_ID, content="async gen",
                                                     suppress_mentions=True)
            errors = []
            for call in (
                client.create_channel_message(forbidden_channel, "no"),
                client.send_channel_message(channel_id=0, content="zero"),
            ):
                try:
                    await call
                except (DiscordProxyHttpError, DiscordProxyGrpcError) as err:
                    errors.append(err)
            return raw, guild, sent, errors

    raw, guild, sent, errors = run(main())
    assert isinstance(raw, GetGuildChannelsResponse) and raw.channels
    assert guild.guild.id == GUILD_ID
    assert sent.message.content == "async gen"
    http, grpc_error = errors
    assert isinstance(http, DiscordProxyHttpError) and (http.status, http.code) == (403, 50001)
    assert isinstance(grpc_error, DiscordProxyGrpcError)
    assert grpc_error.status is grpc.StatusCode.INVALID_ARGUMENT


def test_unreachable_server_and_timeout():
    import socket

    from discordproxy.aio import AsyncDiscordClient
    from discordproxy.exceptions import DiscordProxyGrpcError, DiscordProxyTimeoutError

    async def main(target: str, timeout: float):
        async with AsyncDiscordClient(target, timeout=timeout) as client:
            try:
                await client.get_guild_channels(GUILD_ID)
            except DiscordProxyGrpcError as err:
                return err
        raise AssertionError("no error")

    err = run(main(f"127.0.0.1:{free_port()}", 10))
    assert type(err) is DiscordProxyGrpcError and err.status is grpc.StatusCode.UNAVAILABLE
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        err = run(main(f"127.0.0.1:{silent.getsockname()[1]}", 0.5))
    assert isinstance(err, DiscordProxyTimeoutError)


def test_server_stream_and_close(server, emulator):
    from discordproxy.aio import AsyncDiscordClient

    async def main():
        client = AsyncDiscordClient(server.target)
        stream = client.stream_events_rpc(event_names=["MESSAGE_CREATE"])
        await stream.initial_metadata()
        await asyncio.to_thread(post_as_bot, emulator, GENERAL_ID, "async raw stream")
        async for event in stream:
            if event.message.content == "async raw stream":
                break
        stream.cancel()
        rest = [e async for e in stream]
        await client.aclose()
        await client.aclose()  # idempotent
        again = await client.get_guild(guild_id=GUILD_ID)  # a new channel after aclose()
        await client.close()
        return event, rest, again

    event, rest, again = run(main())
    assert event.name == "MESSAGE_CREATE" and event.guild_id == GUILD_ID
    assert rest == []
    assert again.guild.id == GUILD_ID


def test_one_client_in_two_event_loops(server):
    """A grpc.aio channel belongs to its loop: the client opens a new one in the next loop."""
    from discordproxy.aio import AsyncDiscordClient

    client = AsyncDiscordClient(server.target, timeout=30)

    async def call():
        return (await client.get_guild(guild_id=GUILD_ID)).guild.id

    assert asyncio.run(call()) == GUILD_ID
    assert asyncio.run(call()) == GUILD_ID

    async def close():
        await client.aclose()

    asyncio.run(close())


@pytest.mark.parametrize("bad", ["event_names", "guild_ids"])
def test_stream_arguments_are_checked(bad):
    from discordproxy.aio import AsyncDiscordClient

    client = AsyncDiscordClient()
    with pytest.raises(TypeError):
        if bad == "event_names":
            client.stream_events("MESSAGE_CREATE")  # type: ignore[arg-type]
        else:
            client.stream_events_rpc(event_names="MESSAGE_CREATE")  # type: ignore[arg-type]
