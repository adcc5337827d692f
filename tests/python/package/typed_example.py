"""User code that `mypy --strict` must accept (test_typing.py runs it; it is not executed).

Every assignment's annotation is checked against what the client's methods return."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence

import grpc

from discordproxy import __title__, __version__, discord_api_pb2 as api
from discordproxy.aio import AsyncDiscordClient, AsyncEventStream
from discordproxy.client import DiscordClient, EventStream, ServerStream
from discordproxy.exceptions import (
    DiscordProxyException,
    DiscordProxyGrpcError,
    DiscordProxyHttpError,
    DiscordProxyTimeoutError,
    to_discord_proxy_exception,
)
from discordproxy.helpers import GrpcErrorDetails, parse_error_details

TARGET = "127.0.0.1:50051"
GUILD = 300000000000000001
CHANNEL = 400000000000000002

version: str = __version__
title: str = __title__


def on_reconnect(missed: int | None) -> None:
    print("missed", "unknown" if missed is None else missed)


def blocking(ca: bytes, key: str) -> None:
    with DiscordClient(TARGET, timeout=10, root_certificates=ca, api_key=key) as client:
        target: str = client.target
        timeout: float | None = client.timeout
        channels: Sequence[api.Channel] = client.get_guild_channels(GUILD)
        names: list[str] = [c.name for c in channels]
        message: api.Message = client.create_channel_message(CHANNEL, "hi")
        embedded: api.Message = client.create_channel_message(CHANNEL, embed=api.Embed(title="t"))
        dm: api.Message = client.create_direct_message(200000000000000002, "hello")

        sent: api.SendChannelMessageResponse = client.send_channel_message(
            channel_id=CHANNEL,
            content="typed",
            embeds=[api.Embed(title="a"), api.Embed(title="b")],
            suppress_mentions=True,
            flags=4096,
            sticker_ids=[1, 2],
            timeout=5,
            metadata=[("x-request-id", "42")],
        )
        msg_id: int = sent.message.id
        response: api.GetGuildChannelsResponse = client.get_guild_channels_rpc(guild_id=GUILD)
        guild: api.Guild = client.get_guild(guild_id=GUILD, with_counts=True).guild
        member: api.ModifyGuildMemberResponse = client.modify_guild_member(
            guild_id=GUILD, user_id=1, nick="[CORP] Dave", roles=[5, 6]
        )
        dm_channel: api.CreateDMResponse = client.create_dm(recipient_id=2)
        status: api.GetGatewayStatusResponse = client.get_gateway_status()
        ready: bool = all(s.state == api.ShardStatus.READY for s in status.shards)

        raw: ServerStream[api.GatewayEvent] = client.stream_events_rpc(event_names=["READY"])
        first: api.GatewayEvent = next(raw)
        raw.cancel()

        events: EventStream = client.stream_events(
            ["MESSAGE_CREATE"], [GUILD], on_reconnect=on_reconnect, max_attempts=None
        )
        iterator: Iterator[api.GatewayEvent] = events
        for event in events:
            content: str = event.message.content
            if content == "stop":
                break
        missed: int | None = events.missed
        reconnects: int = events.reconnects
        events.close()
        print(target, timeout, names, message, embedded, dm, msg_id, response, guild, member,
              dm_channel, ready, first, iterator, missed, reconnects)


def errors() -> None:
    client = DiscordClient()
    try:
        client.create_direct_message(1, "x")
    except DiscordProxyHttpError as err:
        http_status: int = err.status
        code: int = err.code
        text: str = err.text
        wait: float | None = err.retry_after
        print(http_status, code, text, wait)
    except DiscordProxyTimeoutError as err:
        print(err.status.name)
    except DiscordProxyGrpcError as err:
        grpc_status: grpc.StatusCode = err.status
        details: str = err.details
        delay: float | None = err.retry_after
        print(grpc_status, details, delay)
    except DiscordProxyException as err:
        print(err.retry_after)
    finally:
        client.close()


def convert(ex: grpc.RpcError) -> DiscordProxyException:
    parsed: GrpcErrorDetails = parse_error_details(ex)
    print(parsed.type, parsed.text)
    return to_discord_proxy_exception(ex)


async def asynchronous() -> None:
    async with AsyncDiscordClient(TARGET, api_key="k" * 32) as client:
        channels: Sequence[api.Channel] = await client.get_guild_channels(GUILD)
        message: api.Message = await client.create_channel_message(CHANNEL, "hi")
        sent: api.SendChannelMessageResponse = await client.send_channel_message(
            channel_id=CHANNEL, content="typed"
        )
        events: AsyncEventStream = client.stream_events(event_names=["MESSAGE_CREATE"])
        async for event in events:
            name: str = event.name
            print(name)
            break
        await events.aclose()
        print(channels, message, sent)
    await client.aclose()


if __name__ == "__main__":
    asyncio.run(asynchronous())
