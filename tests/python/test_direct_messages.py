"""SendDirectMessage through the unmodified PyPI client (DiscordClient and the raw stub).

Each test asserts the gRPC result and the exact REST requests the emulator recorded.
A DM to a user this server process has not DMed before is: GET /users/{id},
POST /users/@me/channels {"recipient_id": "<id>"}, POST /channels/{dm}/messages.
"""

from __future__ import annotations

from datetime import datetime, timezone

import grpc
import pytest
from discordproxy.discord_api_pb2 import Embed, SendDirectMessageRequest
from discordproxy.exceptions import DiscordProxyGrpcError, DiscordProxyHttpError

from support import (
    API,
    BOT_ID,
    assert_calls,
    assert_calls_prefix,
    assert_http_error,
    assert_no_message_created,
    assert_plain_text_details,
    describe,
    details_json,
    dm_channel_id_from,
    message_body_without_nonce,
    message_posts,
)


def dm_open_sequence(user_id: int, dm_id: int, status: int = 200) -> list[tuple]:
    return [
        ("GET", f"{API}/users/{user_id}", 200),
        ("POST", f"{API}/users/@me/channels", 200),
        ("POST", f"{API}/channels/{dm_id}/messages", status),
    ]


def full_embed() -> Embed:
    return Embed(
        author=Embed.Author(
            name="Ellie Ripley", icon_url="https://images.example.com/characters/42/portrait.png"
        ),
        title="Courier contract accepted",
        url="https://example.com/contracts/42",
        description="Your courier contract **#42** was accepted by Ellie Ripley.",
        color=0x5865F2,
        timestamp="2024-05-06T07:08:09.123456+02:00",
        footer=Embed.Footer(text="aa-freight", icon_url="https://example.com/footer.png"),
    )


def test_dm_embed_without_content(client, rest, fresh_user):
    msg = client.create_direct_message(user_id=fresh_user, embed=full_embed())

    calls = rest.requests()
    dm_id = dm_channel_id_from(calls)
    assert_calls(calls, dm_open_sequence(fresh_user, dm_id))
    assert calls[1].body == {"recipient_id": str(fresh_user)}, describe(calls)

    assert isinstance(calls[2].body, dict), describe(calls)
    body = message_body_without_nonce(calls[2].body)
    assert "content" not in body, f"empty content must not be sent: {body}"
    assert "allowed_mentions" not in body, f"allowed_mentions must not be sent: {body}"
    assert set(body) == {"embeds"}, f"unexpected keys in message body: {sorted(body)}"
    assert len(body["embeds"]) == 1, body
    sent = dict(body["embeds"][0])
    assert sent.pop("type", "rich") == "rich", sent
    timestamp = sent.pop("timestamp", None)
    assert sent == {
        "author": {
            "name": "Ellie Ripley",
            "icon_url": "https://images.example.com/characters/42/portrait.png",
        },
        "title": "Courier contract accepted",
        "url": "https://example.com/contracts/42",
        "description": "Your courier contract **#42** was accepted by Ellie Ripley.",
        "color": 0x5865F2,
        "footer": {"text": "aa-freight", "icon_url": "https://example.com/footer.png"},
    }, f"embed sent to Discord differs (snake_case icon_url, no defaults): {sent}"
    assert timestamp is not None, "embed timestamp not sent"
    sent_ts = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    want_ts = datetime.fromisoformat("2024-05-06T07:08:09.123456+02:00")
    assert sent_ts == want_ts, f"timestamp {timestamp!r} is not the instant 2024-05-06T05:08:09.123456Z"
    assert sent_ts.astimezone(timezone.utc).microsecond == 123456, timestamp

    # the gRPC result: the message as Discord created it
    assert msg.id > 0
    assert msg.channel_id == dm_id
    assert msg.author.id == BOT_ID
    assert msg.author.bot is True
    assert msg.content == ""
    assert msg.timestamp, "message timestamp missing"
    datetime.fromisoformat(msg.timestamp.replace("Z", "+00:00"))
    assert len(msg.embeds) == 1
    got = msg.embeds[0]
    assert got.title == "Courier contract accepted"
    assert got.description.startswith("Your courier contract **#42**")
    assert got.url == "https://example.com/contracts/42"
    assert got.color == 0x5865F2
    assert got.author.name == "Ellie Ripley"
    assert got.author.icon_url == "https://images.example.com/characters/42/portrait.png"
    assert got.footer.text == "aa-freight"
    assert got.footer.icon_url == "https://example.com/footer.png"
    assert datetime.fromisoformat(got.timestamp.replace("Z", "+00:00")) == want_ts


def test_dm_closed_raises_http_error_403_50007(client, rest, closed_user):
    user = closed_user
    with pytest.raises(DiscordProxyHttpError) as exc:
        client.create_direct_message(user_id=user, content="You have a new mail")
    assert_http_error(exc.value, 403, 50007, text="Cannot send messages to this user")

    calls = rest.requests()
    dm_id = dm_channel_id_from(calls)
    assert_calls(calls, dm_open_sequence(user, dm_id, status=403))
    assert message_body_without_nonce(calls[2].body) == {"content": "You have a new mail"}


def test_dm_closed_raw_stub_status_and_details(stub, rest, closed_user):
    user = closed_user
    with pytest.raises(grpc.RpcError) as exc:
        stub.SendDirectMessage(SendDirectMessageRequest(user_id=user, content="hi"), timeout=30)
    assert exc.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert details_json(exc.value) == {
        "type": "HTTPException",
        "status": 403,
        "code": 50007,
        "text": "Cannot send messages to this user",
    }
    calls = rest.requests()
    assert_calls(calls, dm_open_sequence(user, dm_channel_id_from(calls), status=403))


def test_dm_unknown_user_404_10013_no_post(client, rest, unknown_ids):
    user = unknown_ids.user()
    with pytest.raises(DiscordProxyHttpError) as exc:
        client.create_direct_message(user_id=user, content="hello?")
    assert_http_error(exc.value, 404, 10013, text="Unknown User")
    assert_calls(rest.requests(), [("GET", f"{API}/users/{user}", 404)])


def test_dm_unknown_user_raw_stub_not_found(stub, rest, unknown_ids):
    user = unknown_ids.user()
    with pytest.raises(grpc.RpcError) as exc:
        stub.SendDirectMessage(SendDirectMessageRequest(user_id=user, content="hello?"), timeout=30)
    assert exc.value.code() == grpc.StatusCode.NOT_FOUND
    assert details_json(exc.value) == {
        "type": "HTTPException",
        "status": 404,
        "code": 10013,
        "text": "Unknown User",
    }
    assert_calls(rest.requests(), [("GET", f"{API}/users/{user}", 404)])


def test_two_dms_to_one_user_open_one_dm_channel(client, rest, fresh_user):
    first = client.create_direct_message(user_id=fresh_user, content="first")
    second = client.create_direct_message(user_id=fresh_user, content="second")

    calls = rest.requests()
    dm_id = dm_channel_id_from(calls)
    assert_calls(
        calls,
        [
            ("GET", f"{API}/users/{fresh_user}", 200),
            ("POST", f"{API}/users/@me/channels", 200),
            ("POST", f"{API}/channels/{dm_id}/messages", 200),
            ("POST", f"{API}/channels/{dm_id}/messages", 200),
        ],
    )
    bodies = [c.body for c in message_posts(calls)]
    assert [message_body_without_nonce(b) for b in bodies] == [
        {"content": "first"},
        {"content": "second"},
    ]
    nonces = [b.get("nonce") for b in bodies]
    assert nonces[0] is None or nonces[0] != nonces[1], f"one nonce for two calls: {nonces}"
    assert first.channel_id == second.channel_id == dm_id
    assert first.id != second.id and first.id > 0 and second.id > 0
    assert (first.content, second.content) == ("first", "second")


def test_dm_raw_stub_content_only(stub, rest, fresh_user):
    response = stub.SendDirectMessage(
        SendDirectMessageRequest(user_id=fresh_user, content="Hello from the raw stub"), timeout=30
    )
    msg = response.message
    calls = rest.requests()
    dm_id = dm_channel_id_from(calls)
    assert_calls(calls, dm_open_sequence(fresh_user, dm_id))
    assert message_body_without_nonce(calls[2].body) == {"content": "Hello from the raw stub"}, (
        describe(calls)
    )
    assert msg.id > 0 and msg.channel_id == dm_id
    assert msg.author.id == BOT_ID
    assert msg.content == "Hello from the raw stub"
    assert len(msg.embeds) == 0
    assert msg.timestamp


def test_dm_user_id_zero_is_invalid_argument_without_rest(stub, rest):
    with pytest.raises(grpc.RpcError) as exc:
        stub.SendDirectMessage(SendDirectMessageRequest(user_id=0, content="hi"), timeout=30)
    assert exc.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = assert_plain_text_details(exc.value)
    assert "user_id" in details, f"details must name the field: {details!r}"
    assert_calls(rest.requests(), [])


def test_dm_user_id_zero_via_client_is_grpc_error(client, rest):
    with pytest.raises(DiscordProxyGrpcError) as exc:
        client.create_direct_message(user_id=0, content="hi")
    assert exc.value.status == grpc.StatusCode.INVALID_ARGUMENT
    assert not isinstance(exc.value, DiscordProxyHttpError)
    assert_calls(rest.requests(), [])


def test_dm_content_over_2000_chars_is_400_50035(client, rest, fresh_user):
    with pytest.raises(DiscordProxyHttpError) as exc:
        client.create_direct_message(user_id=fresh_user, content="x" * 2001)
    assert_http_error(exc.value, 400, 50035, text_contains=("Invalid Form Body", "content"))
    assert "In content:" in exc.value.text, exc.value.text
    # Refusing before Discord is allowed (same answer as Discord's); otherwise the requests are
    # the usual ones and Discord's 400 on the message POST.
    calls = rest.requests()
    assert_no_message_created(calls)
    dm_id = dm_channel_id_from(calls) if message_posts(calls) else 0
    assert_calls_prefix(calls, dm_open_sequence(fresh_user, dm_id, status=400))


def test_repeated_dm_to_closed_user_gives_the_same_error(client, rest, closed_user):
    """The server may answer a repeat from memory, but the client must see Discord's error."""
    for attempt in range(2):
        rest.clear_requests()
        with pytest.raises(DiscordProxyHttpError) as exc:
            client.create_direct_message(user_id=closed_user, content=f"attempt {attempt}")
        assert_http_error(exc.value, 403, 50007, text="Cannot send messages to this user")
        calls = rest.requests()
        assert_no_message_created(calls)
        if attempt == 0:
            assert_calls(calls, dm_open_sequence(closed_user, dm_channel_id_from(calls), 403))
        elif calls:
            # no memory: the DM channel may be cached, the message POST is refused again
            assert [(c.method, c.status) for c in calls][-1] == ("POST", 403), describe(calls)


def test_repeated_dm_to_unknown_user_gives_the_same_error(client, rest, unknown_ids):
    user = unknown_ids.user()
    for attempt in range(2):
        rest.clear_requests()
        with pytest.raises(DiscordProxyHttpError) as exc:
            client.create_direct_message(user_id=user, content="hello?")
        assert_http_error(exc.value, 404, 10013, text="Unknown User")
        calls = rest.requests()
        if attempt == 0 or calls:
            assert_calls(calls, [("GET", f"{API}/users/{user}", 404)])
