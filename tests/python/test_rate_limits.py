"""Rate limits: with Discord's limits on (the emulator's default), a burst of channel messages
from the unmodified PyPI client all succeed. The server absorbs 429s by waiting; the client sees
latency, never RESOURCE_EXHAUSTED, and every message is created exactly once.

A module-scoped emulator with `--rate-limits discord` and a tight per-channel message limit,
plus a server of its own.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from discordproxy.client import DiscordClient

from support import (
    API,
    GENERAL_ID,
    Emulator,
    Server,
    describe,
    message_body_without_nonce,
    message_posts,
)

BURST = 6
LIMIT = "POST /channels/{channel_id}/messages=2/1000"  # 2 per second per channel


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    emu = Emulator(
        tmp_path_factory.mktemp("rate-limited-emulator"),
        extra_args=["--rate-limits", "discord", "--route-limit", LIMIT],
    )
    srv = Server(emu, tmp_path_factory.mktemp("rate-limited-server"))
    try:
        srv.wait_ready()
        yield emu, srv
    finally:
        srv.stop()
        emu.stop()


def test_burst_of_channel_messages_all_succeed_each_created_once(limited):
    emu, srv = limited
    emu.clear_requests()
    client = DiscordClient(target=srv.target, timeout=60)
    contents = [f"burst message {i}" for i in range(BURST)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=BURST) as pool:
        results = list(
            pool.map(lambda c: client.create_channel_message(channel_id=GENERAL_ID, content=c), contents)
        )

    elapsed = time.monotonic() - started
    assert sorted(m.content for m in results) == sorted(contents)
    assert len({m.id for m in results}) == BURST, "message ids must be distinct"
    assert all(m.channel_id == GENERAL_ID for m in results)

    calls = emu.requests()
    posts = message_posts(calls)
    created = [c for c in posts if c.status == 200]
    limited_posts = [c for c in posts if c.status == 429]
    assert sorted(c.body["content"] for c in created) == sorted(contents), (
        "each message must be created exactly once:\n" + describe(calls)
    )
    assert all(c.path == f"{API}/channels/{GENERAL_ID}/messages" for c in posts), describe(calls)
    # with a nonce (safe retries): one per call, the same on each retry of that call
    nonces: dict[str, set] = {}
    for c in posts:
        message_body_without_nonce(c.body)
        nonces.setdefault(c.body["content"], set()).add(c.body.get("nonce"))
    assert all(len(n) == 1 for n in nonces.values()), f"a retry changed its nonce: {nonces}"
    sent = [n for ns in nonces.values() for n in ns if n is not None]
    assert len(sent) == len(set(sent)), f"two calls with one nonce: {nonces}"
    assert {c.status for c in posts} <= {200, 429}, describe(calls)
    # the burst is over the limit: either the server waited by itself (no 429 at all) or it met
    # 429s and retried them; either way nothing else failed
    gets = [c for c in calls if c.method == "GET"]
    assert all(c.path == f"{API}/channels/{GENERAL_ID}" for c in gets), describe(calls)
    # 6 messages at 2 per second need at least two more windows: the limit was really applied
    assert limited_posts or elapsed >= 1.5, (
        f"burst done in {elapsed:.2f}s without a 429: is the emulator's route limit applied?"
    )
    assert len(limited_posts) <= 4 * BURST, "server hammers a rate-limited route:\n" + describe(calls)
