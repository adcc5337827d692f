"""Deadlines: the client's gRPC deadline bounds the whole call, and once it has passed the
server makes no further Discord request (no late, duplicate DM). An emulator of its own answers
every REST request after a fixed latency."""

from __future__ import annotations

import time

import grpc
import pytest
from discordproxy.client import DiscordClient
from discordproxy.exceptions import DiscordProxyHttpError, DiscordProxyTimeoutError

from support import API, Emulator, Server, describe, fresh, message_posts

LATENCY_MS = 400


@pytest.fixture(scope="module")
def slow(tmp_path_factory):
    emu = Emulator(
        tmp_path_factory.mktemp("slow-emulator"),
        extra_args=["--rate-limits", "off", "--latency-ms", str(LATENCY_MS)],
    )
    srv = Server(emu, tmp_path_factory.mktemp("slow-server"), extra_args=["--no-gateway"])
    try:
        srv.wait_ready()
        yield emu, srv
    finally:
        srv.stop()
        emu.stop()


def test_dm_within_the_deadline_succeeds(slow):
    emu, srv = slow
    user = fresh.user()
    emu.clear_requests()
    msg = DiscordClient(target=srv.target, timeout=15).create_direct_message(user, content="slow")
    assert msg.content == "slow" and msg.id > 0
    calls = emu.requests()
    assert [(c.method, c.path) for c in calls][:2] == [
        ("GET", f"{API}/users/{user}"),
        ("POST", f"{API}/users/@me/channels"),
    ], describe(calls)
    assert len(message_posts(calls)) == 1, describe(calls)


def test_no_discord_request_after_the_deadline(slow):
    """Deadline 0.6 s, 0.4 s per REST answer: GET user, the DM-channel open is still under way
    when the deadline passes, so the message must never be posted."""
    emu, srv = slow
    user = fresh.user()
    emu.clear_requests()
    client = DiscordClient(target=srv.target, timeout=0.6)
    started = time.monotonic()
    with pytest.raises(DiscordProxyTimeoutError) as exc:
        client.create_direct_message(user, content="must never arrive")
    assert not isinstance(exc.value, DiscordProxyHttpError)
    assert exc.value.status == grpc.StatusCode.DEADLINE_EXCEEDED
    assert time.monotonic() - started < 3, "the call outlived its deadline by far"
    # Proving that something does NOT happen needs a wait: give a late request time to show.
    time.sleep(3 * LATENCY_MS / 1000)
    calls = emu.requests()
    assert not message_posts(calls), "a message was posted after the deadline:\n" + describe(calls)
    assert len(calls) <= 2, "requests after the deadline:\n" + describe(calls)
