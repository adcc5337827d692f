"""1.5.1 compatibility of the package: `DiscordClient`'s constructor, properties, the three
1.5.1 methods (same signatures and return values), the exceptions (same classes, attributes and
texts), `helpers.parse_error_details`, the module names; and the generated methods (one per RPC,
keyword-only fields, None = not set)."""

from __future__ import annotations

import inspect
import json
from importlib import metadata

import grpc
import pytest

from support import (
    API,
    GENERAL_ID,
    GUILD_ID,
    assert_http_error,
    free_port,
    message_body_without_nonce,
    message_posts,
)


def test_package_modules_and_version():
    import discordproxy
    from discordproxy import discord_api_pb2, discord_api_pb2_grpc, exceptions, helpers

    assert discordproxy.__title__ == "Discord Proxy"
    assert discordproxy.__version__.split(".")[0] == "2", discordproxy.__version__
    try:
        installed = metadata.version("discordproxy")
    except metadata.PackageNotFoundError:
        installed = None
    from pathlib import Path

    dist_file = None
    if installed is not None:
        dist = metadata.distribution("discordproxy")
        dist_file = Path(str(dist.locate_file("discordproxy/__init__.py"))).resolve()
    if dist_file == Path(discordproxy.__file__).resolve():
        assert discordproxy.__version__ == installed
    assert discord_api_pb2.DESCRIPTOR.name == "discord_api.proto"
    assert discord_api_pb2.DESCRIPTOR.package == "discord_api"
    assert hasattr(discord_api_pb2_grpc, "DiscordApiStub")
    assert hasattr(discord_api_pb2_grpc, "DiscordApiServicer")
    assert callable(exceptions.to_discord_proxy_exception)
    assert callable(helpers.parse_error_details)


def test_constructor_and_properties_as_in_1_5_1():
    from discordproxy.client import DiscordClient

    default = DiscordClient()
    assert (default.target, default.options, default.timeout) == ("localhost:50051", None, None)
    options = [("grpc.max_receive_message_length", 2**25)]
    c = DiscordClient("10.1.2.3:4567", options, 12)
    assert (c.target, c.options, c.timeout) == ("10.1.2.3:4567", options, 12)
    c = DiscordClient(target="h:1", options=options, timeout=3.5)
    assert (c.target, c.options, c.timeout) == ("h:1", options, 3.5)
    params = list(inspect.signature(DiscordClient.__init__).parameters.values())
    assert [p.name for p in params[:4]] == ["self", "target", "options", "timeout"]
    assert all(p.kind is p.KEYWORD_ONLY for p in params[4:])
    for name in ("get_guild_channels", "create_channel_message", "create_direct_message"):
        sig = inspect.signature(getattr(DiscordClient, name))
        positional = [
            p.name for p in sig.parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD
        ]
        expected = {
            "get_guild_channels": ["self", "guild_id"],
            "create_channel_message": ["self", "channel_id", "content", "embed"],
            "create_direct_message": ["self", "user_id", "content", "embed"],
        }[name]
        assert positional == expected, name
    sig = inspect.signature(DiscordClient.create_channel_message)
    assert sig.parameters["content"].default == ""
    assert sig.parameters["embed"].default is None


def test_get_guild_channels_returns_the_channel_list(client, stub):
    from discordproxy.discord_api_pb2 import Channel, GetGuildChannelsRequest

    channels = client.get_guild_channels(GUILD_ID)
    raw = stub.GetGuildChannels(GetGuildChannelsRequest(guild_id=GUILD_ID), timeout=30)
    assert list(channels) == list(raw.channels)
    assert len(channels) > 0 and all(isinstance(c, Channel) for c in channels)
    assert GENERAL_ID in {c.id for c in channels}
    # The generated method for the same RPC: the whole response.
    response = client.get_guild_channels_rpc(guild_id=GUILD_ID)
    assert list(response.channels) == list(channels)
    # Positional, as 1.5.1 callers write it.
    assert list(client.get_guild_channels(guild_id=GUILD_ID)) == list(channels)


def test_create_channel_message(client, rest):
    from discordproxy.discord_api_pb2 import Embed, Message

    message = client.create_channel_message(GENERAL_ID, "package compat hello")
    assert isinstance(message, Message)
    assert message.content == "package compat hello" and message.channel_id == GENERAL_ID
    assert message.id > 0
    posts = message_posts(rest.requests())
    assert [p.path for p in posts] == [f"{API}/channels/{GENERAL_ID}/messages"]
    assert message_body_without_nonce(posts[0].body) == {"content": "package compat hello"}
    embed_only = client.create_channel_message(
        channel_id=GENERAL_ID, embed=Embed(title="compat", description="embed only")
    )
    assert embed_only.embeds[0].title == "compat"


def test_create_direct_message(client, fresh_user):
    message = client.create_direct_message(fresh_user, "package compat DM")
    assert message.content == "package compat DM"
    assert message.channel_id > 0


@pytest.mark.parametrize("method", ["create_channel_message", "create_direct_message"])
def test_neither_content_nor_embed_is_a_value_error(client, method):
    with pytest.raises(ValueError) as info:
        getattr(client, method)(GENERAL_ID)
    assert str(info.value) == "Either content or embed need to be specified."
    with pytest.raises(ValueError):
        getattr(client, method)(GENERAL_ID, "", None)


def test_http_errors_as_in_1_5_1(client, forbidden_channel, closed_user, unknown_ids):
    from discordproxy.exceptions import DiscordProxyException, DiscordProxyHttpError

    with pytest.raises(DiscordProxyHttpError) as info:
        client.create_channel_message(forbidden_channel, "no access")
    err = info.value
    assert isinstance(err, DiscordProxyException)
    assert_http_error(err, 403, 50001, text="Missing Access")
    assert str(err) == (
        "HTTP error from the Discord API. HTTP status code: 403 - JSON error code: 50001 - "
        "Error message: Missing Access"
    )
    assert err.args == ("Missing Access",)
    assert err.retry_after is None

    with pytest.raises(DiscordProxyHttpError) as info:
        client.create_direct_message(closed_user, "dms closed")
    assert_http_error(info.value, 403, 50007, text="Cannot send messages to this user")

    with pytest.raises(DiscordProxyHttpError) as info:
        client.get_guild_channels(unknown_ids.guild())
    assert (info.value.status, info.value.code) == (404, 10004)


def test_grpc_errors_as_in_1_5_1():
    from discordproxy.client import DiscordClient
    from discordproxy.exceptions import (
        DiscordProxyException,
        DiscordProxyGrpcError,
        DiscordProxyTimeoutError,
    )

    nobody = f"127.0.0.1:{free_port()}"
    with DiscordClient(nobody, timeout=5) as c, pytest.raises(DiscordProxyGrpcError) as info:
        c.create_channel_message(GENERAL_ID, "nobody listens")
    err = info.value
    assert isinstance(err, DiscordProxyException)
    assert not isinstance(err, DiscordProxyTimeoutError)
    assert err.status is grpc.StatusCode.UNAVAILABLE
    assert str(err) == f"gRPC error. Status code: UNAVAILABLE - Error message: {err.details}"
    assert err.retry_after is None


def test_timeout_error():
    """A server that accepts the connection but never answers: the deadline passes."""
    import socket

    from discordproxy.client import DiscordClient
    from discordproxy.exceptions import DiscordProxyTimeoutError

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        target = f"127.0.0.1:{silent.getsockname()[1]}"
        with DiscordClient(target, timeout=0.5) as c:
            with pytest.raises(DiscordProxyTimeoutError) as info:
                c.get_guild_channels(GUILD_ID)
            assert info.value.status is grpc.StatusCode.DEADLINE_EXCEEDED
            assert str(info.value).startswith("gRPC error. Status code: DEADLINE_EXCEEDED - ")
            # The per-call timeout wins over the client's.
            with pytest.raises(DiscordProxyTimeoutError):
                c.get_guild(guild_id=GUILD_ID, timeout=0.2)


def test_plain_text_server_error_is_a_grpc_error(client):
    from discordproxy.exceptions import DiscordProxyGrpcError

    with pytest.raises(DiscordProxyGrpcError) as info:
        client.create_channel_message(0, "id zero")
    assert info.value.status is grpc.StatusCode.INVALID_ARGUMENT
    assert "channel_id" in info.value.details


class _FakeRpcError(grpc.RpcError):
    def __init__(self, code, details, trailing=()):
        self._code, self._details, self._trailing = code, details, trailing

    def code(self):
        return self._code

    def details(self):
        return self._details

    def trailing_metadata(self):
        return self._trailing


def test_to_discord_proxy_exception_and_parse_error_details():
    from discordproxy.exceptions import (
        DiscordProxyGrpcError,
        DiscordProxyHttpError,
        DiscordProxyTimeoutError,
        to_discord_proxy_exception,
    )
    from discordproxy.helpers import GrpcErrorDetails, parse_error_details

    plain = ValueError("not grpc")
    assert to_discord_proxy_exception(plain) is plain
    http = _FakeRpcError(
        grpc.StatusCode.NOT_FOUND,
        json.dumps({"type": "HTTPException", "status": 404, "code": 10003, "text": "Unknown Channel"}),
    )
    assert parse_error_details(http) == GrpcErrorDetails("HTTPException", 404, 10003, "Unknown Channel")
    converted = to_discord_proxy_exception(http)
    assert isinstance(converted, DiscordProxyHttpError)
    assert (converted.status, converted.code, converted.text) == (404, 10003, "Unknown Channel")
    other = _FakeRpcError(grpc.StatusCode.UNAVAILABLE, "connection refused")
    assert parse_error_details(other) == GrpcErrorDetails("Other", None, None, "connection refused")
    assert type(to_discord_proxy_exception(other)) is DiscordProxyGrpcError
    timeout = _FakeRpcError(grpc.StatusCode.DEADLINE_EXCEEDED, "Deadline Exceeded")
    assert type(to_discord_proxy_exception(timeout)) is DiscordProxyTimeoutError
    # JSON that is not a Discord error object stays text.
    assert parse_error_details(_FakeRpcError(grpc.StatusCode.UNKNOWN, "42")).text == "42"
    assert parse_error_details(_FakeRpcError(grpc.StatusCode.UNKNOWN, None)).text == ""
    # A malformed rich-status trailer is ignored.
    bad = _FakeRpcError(grpc.StatusCode.RESOURCE_EXHAUSTED, "x", (("grpc-status-details-bin", b"\xff\x01"),))
    assert to_discord_proxy_exception(bad).retry_after is None


def test_every_rpc_has_a_typed_method_on_both_clients():
    from discordproxy import _methods, discord_api_pb2
    from discordproxy.aio import AsyncDiscordClient
    from discordproxy.client import DiscordClient

    service = discord_api_pb2.DESCRIPTOR.services_by_name["DiscordApi"]
    assert set(_methods.RPCS) == {m.name for m in service.methods}
    for method in service.methods:
        name, request, response, streaming = _methods.RPCS[method.name]
        assert request.DESCRIPTOR.full_name == method.input_type.full_name
        assert response.DESCRIPTOR.full_name == method.output_type.full_name
        assert streaming == method.server_streaming
        for cls in (DiscordClient, AsyncDiscordClient):
            fn = getattr(cls, name)
            params = inspect.signature(fn).parameters
            fields = [f.name for f in method.input_type.fields]
            expected = [f + "_" if f in ("timeout", "metadata") else f for f in fields]
            assert list(params)[1:] == [*expected, "timeout", "metadata"], (cls, name)
            assert all(p.kind is p.KEYWORD_ONLY and p.default is None
                       for p in list(params.values())[1:]), (cls, name)
            if cls is AsyncDiscordClient and not streaming:
                assert inspect.iscoroutinefunction(fn), name
    assert _methods.RPCS["GetGuildChannels"][0] == "get_guild_channels_rpc"
    assert _methods.RPCS["StreamEvents"][0] == "stream_events_rpc"
    assert _methods.RPCS["SendChannelMessage"][0] == "send_channel_message"
    assert _methods.RPCS["CreateDM"][0] == "create_dm"


def test_generated_methods_leave_none_unset(client, rest):
    """`suppress_mentions` is proto3 optional: unset sends no allowed_mentions, True sends
    {"parse": []}; `embeds` (repeated) and `flags` go as given."""
    from discordproxy.discord_api_pb2 import Embed, SendChannelMessageResponse

    plain = client.send_channel_message(channel_id=GENERAL_ID, content="generated plain")
    assert isinstance(plain, SendChannelMessageResponse)
    assert plain.message.content == "generated plain"
    quiet = client.send_channel_message(
        channel_id=GENERAL_ID,
        content="generated quiet",
        suppress_mentions=True,
        embeds=[Embed(title="one"), Embed(title="two")],
        timeout=20,
    )
    assert [e.title for e in quiet.message.embeds] == ["one", "two"]
    bodies = [message_body_without_nonce(p.body) for p in message_posts(rest.requests())]
    assert bodies[0] == {"content": "generated plain"}
    assert bodies[1]["allowed_mentions"] == {"parse": []}
    assert [e["title"] for e in bodies[1]["embeds"]] == ["one", "two"]
    fetched = client.get_channel_message(channel_id=GENERAL_ID, message_id=quiet.message.id)
    assert fetched.message.id == quiet.message.id
    guild = client.get_guild(guild_id=GUILD_ID)
    assert guild.guild.id == GUILD_ID
    with pytest.raises(TypeError):
        client.stream_events_rpc(event_names="MESSAGE_CREATE")  # a str is not a list


def test_a_value_protobuf_refuses_names_the_field_and_never_shows_the_value(client):
    with pytest.raises(TypeError, match=r"^GetGuildRequest\.guild_id: .*\(a str was given\)$"):
        client.get_guild(guild_id="abc")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^GetGuildRequest\.guild_id: .*out of range"):
        client.get_guild(guild_id=-1)
    with pytest.raises(TypeError) as refused:
        client.execute_webhook(webhook_id=1, webhook_token=31337, content="x")  # type: ignore[arg-type]
    assert "ExecuteWebhookRequest.webhook_token" in str(refused.value)
    assert "31337" not in str(refused.value)


def test_server_stream_method(client, emulator):
    from discordproxy.discord_api_pb2 import GatewayEvent
    from pkg_support import post_as_bot

    with client.stream_events_rpc(event_names=["MESSAGE_CREATE"], guild_ids=[GUILD_ID]) as stream:
        stream.initial_metadata()  # subscribed
        post_as_bot(emulator, GENERAL_ID, "raw stream event")
        for event in stream:
            assert isinstance(event, GatewayEvent)
            if event.message.content == "raw stream event":
                break
        stream.cancel()
        assert list(stream) == []


def test_exceptions_pickle():
    import pickle

    from discordproxy.exceptions import DiscordProxyHttpError, DiscordProxyTimeoutError

    for err in (
        DiscordProxyHttpError(403, 50001, "Missing Access", retry_after=1.5),
        DiscordProxyTimeoutError(grpc.StatusCode.DEADLINE_EXCEEDED, "Deadline Exceeded"),
    ):
        copy = pickle.loads(pickle.dumps(err))
        assert type(copy) is type(err)
        assert (str(copy), copy.args, copy.retry_after) == (str(err), err.args, err.retry_after)
