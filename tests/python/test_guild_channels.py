"""GetGuildChannels through the unmodified PyPI client (DiscordClient and the raw stub).

Against two servers: `rest` (--no-gateway): GET /guilds/{id}, then GET /guilds/{id}/channels;
`gateway` (the default, as users run it): from the gateway cache when the guild is cached (no
REST request), else the same two requests. Either way: every channel in API order; Discord
channel type N -> proto enum N + 1 for 0-5, UNDEFINED (0) for types the proto does not name;
exact uint64 snowflakes.
"""

from __future__ import annotations

import time

import grpc
import pytest
from discordproxy.client import DiscordClient
from discordproxy.discord_api_pb2 import Channel, GetGuildChannelsRequest
from discordproxy.discord_api_pb2_grpc import DiscordApiStub
from discordproxy.exceptions import DiscordProxyGrpcError, DiscordProxyHttpError

from support import (
    API,
    BIG_SNOWFLAKE_ID,
    CATEGORY_ID,
    EMPTY_GUILD_ID,
    GENERAL_ID,
    GUILD_ID,
    assert_calls,
    describe,
    assert_http_error,
    assert_plain_text_details,
    details_json,
)

# Discord channel type -> discord_api.Channel.Type
TYPE_MAP = {0: 1, 1: 2, 2: 3, 3: 4, 4: 5, 5: 6}


def guild_sequence(guild_id: int) -> list[tuple]:
    return [
        ("GET", f"{API}/guilds/{guild_id}", 200),
        ("GET", f"{API}/guilds/{guild_id}/channels", 200),
    ]


SERVERS = ["rest", "gateway"]


@pytest.fixture(params=SERVERS)
def target(request, rest):
    """(kind, server) for each server kind; the request log is cleared."""
    kind = request.param
    srv = request.getfixturevalue("rest_server" if kind == "rest" else "server")
    rest.clear_requests()
    return kind, srv


def assert_guild_calls(kind: str, calls, guild_id: int) -> None:
    """--no-gateway: exactly the two REST requests. Gateway: none (cache) or the same two."""
    if kind == "gateway" and not calls:
        return
    assert_calls(calls, guild_sequence(guild_id))


@pytest.fixture
def api_channels(rest):
    """The guild's channels as the emulator's REST API itself answers (ground truth)."""
    status, data = rest.api_get(f"/guilds/{GUILD_ID}/channels")
    assert status == 200, (status, data)
    rest.clear_requests()
    return data


def check_channels(channels, api_channels):
    assert len(channels) == len(api_channels), (
        f"{len(channels)} channels returned, the API has {len(api_channels)}: "
        f"{[c.name for c in channels]}"
    )
    assert [c.id for c in channels] == [int(c["id"]) for c in api_channels], "not in API order"
    for got, want in zip(channels, api_channels):
        where = f"channel {want['name']} ({want['id']}, Discord type {want['type']})"
        assert got.type == TYPE_MAP.get(want["type"], Channel.Type.UNDEFINED), (
            f"{where}: proto type {Channel.Type.Name(got.type)}"
        )
        assert got.name == want["name"], where
        assert got.guild_id == GUILD_ID, where
        assert got.position == want.get("position", 0), where
        assert got.parent_id == int(want.get("parent_id") or 0), where
        assert got.topic == (want.get("topic") or ""), where
        assert got.nsfw == bool(want.get("nsfw")), where


def test_guild_channels_all_types_in_api_order(target, rest, api_channels):
    kind, srv = target
    discord_types = {c["type"] for c in api_channels}
    assert {0, 2, 4, 5, 13, 15, 16} <= discord_types, "fixture lost channel types"

    channels = list(DiscordClient(target=srv.target, timeout=30).get_guild_channels(GUILD_ID))

    assert_guild_calls(kind, rest.requests(), GUILD_ID)
    check_channels(channels, api_channels)
    by_id = {c.id: c for c in channels}
    # explicit expectations, independent of the emulator's answer
    assert by_id[CATEGORY_ID].type == Channel.Type.GUILD_CATEGORY
    assert by_id[CATEGORY_ID].parent_id == 0
    assert by_id[GENERAL_ID].type == Channel.Type.GUILD_TEXT
    assert by_id[GENERAL_ID].parent_id == CATEGORY_ID
    assert by_id[400000000000000003].type == Channel.Type.GUILD_VOICE
    assert by_id[400000000000000003].parent_id == CATEGORY_ID
    assert by_id[400000000000000004].type == Channel.Type.GUILD_NEWS
    assert by_id[400000000000000005].type == Channel.Type.UNDEFINED  # forum (15)
    assert by_id[400000000000000006].type == Channel.Type.UNDEFINED  # stage (13)
    assert by_id[400000000000000009].type == Channel.Type.UNDEFINED  # media (16)
    big = by_id.get(BIG_SNOWFLAKE_ID)
    assert big is not None, f"snowflake {BIG_SNOWFLAKE_ID} missing: {sorted(by_id)}"
    assert big.name == "big-snowflake" and big.nsfw is True
    assert BIG_SNOWFLAKE_ID - 1 not in by_id, "snowflake rounded through a float"


def test_guild_channels_raw_stub(target, rest, api_channels):
    kind, srv = target
    with grpc.insecure_channel(srv.target) as channel:
        response = DiscordApiStub(channel).GetGuildChannels(
            GetGuildChannelsRequest(guild_id=GUILD_ID), timeout=30
        )
    assert_guild_calls(kind, rest.requests(), GUILD_ID)
    check_channels(response.channels, api_channels)
    names = {c.name: Channel.Type.Name(c.type) for c in response.channels}
    assert names["general"] == "GUILD_TEXT"
    assert names["Text Channels"] == "GUILD_CATEGORY"
    assert names["announcements"] == "GUILD_NEWS"
    assert names["forum"] == "UNDEFINED"


def test_guild_without_channels_is_empty_list_not_error(target, rest):
    kind, srv = target
    channels = list(DiscordClient(target=srv.target, timeout=30).get_guild_channels(EMPTY_GUILD_ID))
    assert channels == []
    assert_guild_calls(kind, rest.requests(), EMPTY_GUILD_ID)


def test_unknown_guild_404_10004(target, rest, unknown_ids):
    kind, srv = target
    guild = unknown_ids.guild()
    with pytest.raises(DiscordProxyHttpError) as exc:
        DiscordClient(target=srv.target, timeout=30).get_guild_channels(guild_id=guild)
    assert_http_error(exc.value, 404, 10004, text="Unknown Guild")
    assert_calls(rest.requests(), [("GET", f"{API}/guilds/{guild}", 404)])


def test_unknown_guild_raw_stub_not_found(stub, rest, unknown_ids):
    guild = unknown_ids.guild()
    with pytest.raises(grpc.RpcError) as exc:
        stub.GetGuildChannels(GetGuildChannelsRequest(guild_id=guild), timeout=30)
    assert exc.value.code() == grpc.StatusCode.NOT_FOUND
    assert details_json(exc.value) == {
        "type": "HTTPException",
        "status": 404,
        "code": 10004,
        "text": "Unknown Guild",
    }
    assert_calls(rest.requests(), [("GET", f"{API}/guilds/{guild}", 404)])


def test_guild_id_zero_is_invalid_argument_without_rest(stub, client, rest):
    with pytest.raises(grpc.RpcError) as exc:
        stub.GetGuildChannels(GetGuildChannelsRequest(guild_id=0), timeout=30)
    assert exc.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = assert_plain_text_details(exc.value)
    assert "guild_id" in details, f"details must name the field: {details!r}"
    with pytest.raises(DiscordProxyGrpcError) as exc2:
        client.get_guild_channels(guild_id=0)
    assert exc2.value.status == grpc.StatusCode.INVALID_ARGUMENT
    assert_calls(rest.requests(), [])


def test_gateway_cache_answers_like_rest_without_a_request(server, rest, api_channels):
    """Once the gateway session has the guild, the answer comes from the cache (no REST
    request) and equals the REST answer. Bounded wait for the cache, no sleep for readiness."""
    client = DiscordClient(target=server.target, timeout=30)
    deadline = time.monotonic() + 15
    while True:
        rest.clear_requests()
        channels = list(client.get_guild_channels(GUILD_ID))
        calls = rest.requests()
        check_channels(channels, api_channels)
        if not calls:
            break
        assert_calls(calls, guild_sequence(GUILD_ID))
        assert time.monotonic() < deadline, "GetGuildChannels never came from the cache:\n" + (
            describe(calls)
        )
        time.sleep(0.2)
