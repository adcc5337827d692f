"""`discordproxy.tests.factories`, kept from 1.5.1 for applications' own tests."""

from __future__ import annotations

import grpc

from discordproxy.exceptions import DiscordProxyHttpError, to_discord_proxy_exception
from discordproxy.tests.factories import create_discordproxy_channel, create_rpc_error


def test_channels_get_fresh_ids_and_the_text_type():
    first, second = create_discordproxy_channel(), create_discordproxy_channel(name="x")
    assert first.id != second.id and second.name == "x"
    assert first.type == first.Type.GUILD_TEXT
    assert create_discordproxy_channel(id=7).id == 7


def test_rpc_errors_convert_like_the_servers():
    error = to_discord_proxy_exception(create_rpc_error())
    assert isinstance(error, DiscordProxyHttpError)
    assert (error.status, error.code, error.text) == (404, 50001, "User not found")
    other = create_rpc_error(code=grpc.StatusCode.UNAVAILABLE, details="down")
    assert other.code() is grpc.StatusCode.UNAVAILABLE and other.details() == "down"
