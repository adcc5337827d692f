"""SendChannelMessage through the unmodified PyPI client (DiscordClient and the raw stub).

Each test asserts the gRPC result and the exact REST requests the emulator recorded:
GET /channels/{id}, then POST /channels/{id}/messages (no POST when the GET failed).

The tests talk to the server without a gateway session (`rest_server`, `--no-gateway`), as the
original always ran: with the gateway's cache the server skips the GET for a cached channel
(one REST call per message; tested in crates/discordproxy-tests/tests/e2e/message_send.rs).
"""

from __future__ import annotations

import grpc
import pytest
from discordproxy.discord_api_pb2 import Embed, SendChannelMessageRequest
from discordproxy.exceptions import DiscordProxyGrpcError, DiscordProxyHttpError

from support import (
    API,
    BIG_SNOWFLAKE_ID,
    BOT_ID,
    GENERAL_ID,
    assert_calls,
    assert_calls_prefix,
    assert_http_error,
    assert_no_message_created,
    assert_plain_text_details,
    describe,
    details_json,
    message_body_without_nonce,
)


@pytest.fixture
def client(rest_server):
    """The unmodified PyPI client, pointed at the server without a gateway session."""
    from discordproxy.client import DiscordClient

    return DiscordClient(target=rest_server.target, timeout=30)


@pytest.fixture
def stub(rest_server):
    """The raw generated stub of the PyPI package, on a channel to the server without a
    gateway session."""
    from discordproxy.discord_api_pb2_grpc import DiscordApiStub

    with grpc.insecure_channel(rest_server.target) as channel:
        yield DiscordApiStub(channel)


def send_sequence(channel_id: int, status: int = 200) -> list[tuple]:
    return [
        ("GET", f"{API}/channels/{channel_id}", 200),
        ("POST", f"{API}/channels/{channel_id}/messages", status),
    ]


def sent_embed(body) -> dict:
    assert isinstance(body, dict) and "embeds" in body, f"no embeds in message body: {body!r}"
    assert len(body["embeds"]) == 1, body
    embed = dict(body["embeds"][0])
    assert embed.pop("type", "rich") == "rich", embed
    return embed


def test_everyone_content_and_embed(client, rest):
    content = "@everyone Fleet op forms up in 10 minutes <#400000000000000002> **now**"
    embed = Embed(
        title="Stratop: Home defense",
        description="Doctrine: Ferox. FC: Ellie.",
        color=0xFF0000,
    )
    msg = client.create_channel_message(channel_id=GENERAL_ID, content=content, embed=embed)

    calls = rest.requests()
    assert_calls(calls, send_sequence(GENERAL_ID))
    body = message_body_without_nonce(calls[1].body)
    assert set(body) == {"content", "embeds"}, f"unexpected keys (allowed_mentions?): {body}"
    assert body["content"] == content, "content must be sent verbatim"
    assert sent_embed(body) == {
        "title": "Stratop: Home defense",
        "description": "Doctrine: Ferox. FC: Ellie.",
        "color": 0xFF0000,
    }

    assert msg.id > 0
    assert msg.channel_id == GENERAL_ID
    assert msg.author.id == BOT_ID
    assert msg.content == content
    assert msg.timestamp
    assert [e.title for e in msg.embeds] == ["Stratop: Home defense"]
    assert msg.embeds[0].color == 0xFF0000


def test_empty_content_with_embed_sends_no_content_key(client, rest):
    embed = Embed(description="Only an embed", footer=Embed.Footer(text="aa-srp"))
    msg = client.create_channel_message(channel_id=GENERAL_ID, content="", embed=embed)

    calls = rest.requests()
    assert_calls(calls, send_sequence(GENERAL_ID))
    body = message_body_without_nonce(calls[1].body)
    assert "content" not in body, f"empty content must not be sent: {body}"
    assert set(body) == {"embeds"}, body
    assert sent_embed(body) == {"description": "Only an embed", "footer": {"text": "aa-srp"}}
    assert msg.content == ""
    assert msg.embeds[0].description == "Only an embed"
    assert msg.embeds[0].footer.text == "aa-srp"


def test_default_embed_is_not_sent(client, rest):
    msg = client.create_channel_message(channel_id=GENERAL_ID, content="just text", embed=Embed())
    calls = rest.requests()
    assert_calls(calls, send_sequence(GENERAL_ID))
    assert message_body_without_nonce(calls[1].body) == {"content": "just text"}, (
        "an all-default embed must not be sent"
    )
    assert msg.content == "just text"
    assert len(msg.embeds) == 0


INLINE = [True, False, True, True, False, False, True, False, True]


def nine_fields_embed() -> Embed:
    return Embed(
        title="Buyback contract",
        fields=[
            Embed.Field(name=f"Field {i}", value=f"value {i}", inline=inline)
            for i, inline in enumerate(INLINE)
        ],
    )


def test_nine_fields_keep_order_and_inline(client, rest):
    msg = client.create_channel_message(channel_id=GENERAL_ID, embed=nine_fields_embed())

    calls = rest.requests()
    assert_calls(calls, send_sequence(GENERAL_ID))
    body = message_body_without_nonce(calls[1].body)
    embed = sent_embed(body)
    assert "content" not in body
    fields = embed.get("fields")
    assert isinstance(fields, list) and len(fields) == 9, embed
    assert [(f["name"], f["value"]) for f in fields] == [
        (f"Field {i}", f"value {i}") for i in range(9)
    ], "field order or text changed"
    assert [bool(f.get("inline", False)) for f in fields] == INLINE, f"inline changed: {fields}"
    for f in fields:
        assert set(f) <= {"name", "value", "inline"}, f

    got = msg.embeds[0].fields
    assert [(f.name, f.value, f.inline) for f in got] == [
        (f"Field {i}", f"value {i}", inline) for i, inline in enumerate(INLINE)
    ]


def test_empty_field_value_is_400_50035(client, rest):
    embed = nine_fields_embed()
    embed.fields[3].value = ""
    with pytest.raises(DiscordProxyHttpError) as exc:
        client.create_channel_message(channel_id=GENERAL_ID, embed=embed)
    assert_http_error(
        exc.value, 400, 50035, text_contains=("Invalid Form Body", "embeds.0.fields.3.value")
    )
    assert exc.value.text.startswith("Invalid Form Body"), exc.value.text
    calls = rest.requests()
    assert_no_message_created(calls)
    assert_calls_prefix(calls, send_sequence(GENERAL_ID, status=400))


def test_empty_field_value_raw_stub_invalid_argument(stub, rest):
    embed = nine_fields_embed()
    embed.fields[5].value = ""
    with pytest.raises(grpc.RpcError) as exc:
        stub.SendChannelMessage(
            SendChannelMessageRequest(channel_id=GENERAL_ID, embed=embed), timeout=30
        )
    assert exc.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    data = details_json(exc.value)
    assert (data.get("type"), data.get("status"), data.get("code")) == ("HTTPException", 400, 50035)
    assert "In embeds.0.fields.5.value: " in data.get("text", ""), data
    assert_no_message_created(rest.requests())


def test_unknown_channel_404_10003_no_post(client, rest, unknown_ids):
    channel = unknown_ids.channel()
    with pytest.raises(DiscordProxyHttpError) as exc:
        client.create_channel_message(channel_id=channel, content="hello?")
    assert_http_error(exc.value, 404, 10003, text="Unknown Channel")
    assert_calls(rest.requests(), [("GET", f"{API}/channels/{channel}", 404)])


def test_forbidden_channel_403_50001_no_post(client, rest, forbidden_channel):
    with pytest.raises(DiscordProxyHttpError) as exc:
        client.create_channel_message(channel_id=forbidden_channel, content="psst")
    assert_http_error(exc.value, 403, 50001, text="Missing Access")
    assert_calls(rest.requests(), [("GET", f"{API}/channels/{forbidden_channel}", 403)])


def test_read_only_channel_403_50013(client, rest, read_only_channel):
    with pytest.raises(DiscordProxyHttpError) as exc:
        client.create_channel_message(channel_id=read_only_channel, content="can I write here?")
    assert_http_error(exc.value, 403, 50013, text="Missing Permissions")
    calls = rest.requests()
    assert_calls(calls, send_sequence(read_only_channel, status=403))
    assert message_body_without_nonce(calls[1].body) == {"content": "can I write here?"}


ERRORS = {
    "unknown": (grpc.StatusCode.NOT_FOUND, 404, 10003, "Unknown Channel"),
    "forbidden": (grpc.StatusCode.PERMISSION_DENIED, 403, 50001, "Missing Access"),
    "read-only": (grpc.StatusCode.PERMISSION_DENIED, 403, 50013, "Missing Permissions"),
}


def channel_for(kind: str, request) -> int:
    if kind == "unknown":
        return request.getfixturevalue("unknown_ids").channel()
    if kind == "forbidden":
        return request.getfixturevalue("forbidden_channel")
    return request.getfixturevalue("read_only_channel")


@pytest.mark.parametrize("kind", list(ERRORS))
def test_channel_errors_raw_stub_status_and_json_details(kind, stub, rest, request):
    channel = channel_for(kind, request)
    grpc_code, status, code, text = ERRORS[kind]
    with pytest.raises(grpc.RpcError) as exc:
        stub.SendChannelMessage(SendChannelMessageRequest(channel_id=channel, content="x"), timeout=30)
    assert exc.value.code() == grpc_code
    assert details_json(exc.value) == {
        "type": "HTTPException",
        "status": status,
        "code": code,
        "text": text,
    }
    expected = (
        send_sequence(channel, status=403)
        if kind == "read-only"
        else [("GET", f"{API}/channels/{channel}", status)]
    )
    assert_calls(rest.requests(), expected)


@pytest.mark.parametrize("kind", ["unknown", "forbidden"])
def test_repeated_unreachable_channel_gives_the_same_error(kind, client, rest, request):
    """The server may answer a repeat from memory (no request), but never differently."""
    channel = channel_for(kind, request)
    _, status, code, text = ERRORS[kind]
    for attempt in range(3):
        rest.clear_requests()
        with pytest.raises(DiscordProxyHttpError) as exc:
            client.create_channel_message(channel_id=channel, content=f"attempt {attempt}")
        assert_http_error(exc.value, status, code, text=text)
        calls = rest.requests()
        if attempt == 0 or calls:
            assert_calls(calls, [("GET", f"{API}/channels/{channel}", status)])


def test_raw_stub_channel_message(stub, rest):
    response = stub.SendChannelMessage(
        SendChannelMessageRequest(channel_id=GENERAL_ID, content="Hello from the raw stub"),
        timeout=30,
    )
    calls = rest.requests()
    assert_calls(calls, send_sequence(GENERAL_ID))
    assert message_body_without_nonce(calls[1].body) == {"content": "Hello from the raw stub"}, (
        describe(calls)
    )
    msg = response.message
    assert msg.id > 0
    assert msg.channel_id == GENERAL_ID
    assert msg.author.id == BOT_ID
    assert msg.content == "Hello from the raw stub"
    assert msg.timestamp


def test_big_snowflake_channel_id_is_exact(client, rest):
    msg = client.create_channel_message(channel_id=BIG_SNOWFLAKE_ID, content="2^54 + 1")
    assert_calls(rest.requests(), send_sequence(BIG_SNOWFLAKE_ID))
    assert msg.channel_id == BIG_SNOWFLAKE_ID


def test_channel_id_zero_is_invalid_argument_without_rest(stub, rest):
    with pytest.raises(grpc.RpcError) as exc:
        stub.SendChannelMessage(SendChannelMessageRequest(channel_id=0, content="hi"), timeout=30)
    assert exc.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = assert_plain_text_details(exc.value)
    assert "channel_id" in details, f"details must name the field: {details!r}"
    assert_calls(rest.requests(), [])


def test_channel_id_zero_via_client_is_grpc_error(client, rest):
    with pytest.raises(DiscordProxyGrpcError) as exc:
        client.create_channel_message(channel_id=0, content="hi")
    assert exc.value.status == grpc.StatusCode.INVALID_ARGUMENT
    assert_calls(rest.requests(), [])


def test_content_over_2000_chars_is_400_50035(client, rest):
    with pytest.raises(DiscordProxyHttpError) as exc:
        client.create_channel_message(channel_id=GENERAL_ID, content="y" * 2001)
    assert_http_error(exc.value, 400, 50035, text_contains=("Invalid Form Body", "content"))
    assert "In content:" in exc.value.text, exc.value.text
    calls = rest.requests()
    assert_no_message_created(calls)
    assert_calls_prefix(calls, send_sequence(GENERAL_ID, status=400))


def test_content_of_exactly_2000_chars_is_sent(client, rest):
    content = "z" * 2000
    msg = client.create_channel_message(channel_id=GENERAL_ID, content=content)
    calls = rest.requests()
    assert_calls(calls, send_sequence(GENERAL_ID))
    assert message_body_without_nonce(calls[1].body) == {"content": content}
    assert msg.content == content


@pytest.mark.parametrize("embed", [None, Embed()], ids=["no-embed", "default-embed"])
def test_neither_content_nor_embed_is_400_50006(stub, rest, embed):
    """The PyPI client refuses this itself; the raw stub lets it through. The answer must be
    Discord's (400/50006), whether the server asks Discord or refuses it first."""
    with pytest.raises(grpc.RpcError) as exc:
        stub.SendChannelMessage(
            SendChannelMessageRequest(channel_id=GENERAL_ID, content="", embed=embed), timeout=30
        )
    assert exc.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert details_json(exc.value) == {
        "type": "HTTPException",
        "status": 400,
        "code": 50006,
        "text": "Cannot send an empty message",
    }
    calls = rest.requests()
    assert_no_message_created(calls)
    assert_calls_prefix(calls, send_sequence(GENERAL_ID, status=400))
