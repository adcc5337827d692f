"""py-cord 2.8.1 (the library the original discordproxy server is built on) as a judge of the
emulator's REST API and gateway.

An unmodified `discord.Client` is pointed at a `discord-emulator` process of its own: the REST
base through `discord.http.Route.API_BASE_URL`, the gateway through `GET /gateway` (py-cord asks
for `compress=zlib-stream`, so every gateway payload here is zlib-compressed). Each test runs
the client in an asyncio loop and bounds every wait, so a hang fails instead of blocking.

Checked: `on_ready` with the fixture guild and its channels in the cache, `channel.send` in a
guild channel, `user.send` (a DM), a message created by another HTTP client arriving as
`on_message`, and a forced RECONNECT after which py-cord resumes and messages still arrive.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import urllib.request

import discord
import pytest

from support import GENERAL_ID, GUILD_ID, TOKEN, Emulator

ALICE_ID = 200000000000000001
STEP_TIMEOUT = 30.0


@pytest.fixture(scope="module")
def pycord_emulator(tmp_path_factory):
    """A discord-emulator process for py-cord alone (the shared one also serves our server's
    gateway session), with py-cord's REST base pointed at it."""
    emu = Emulator(tmp_path_factory.mktemp("pycord-emulator"))
    saved = discord.http.Route.API_BASE_URL
    discord.http.Route.API_BASE_URL = emu.api_url
    try:
        yield emu
    finally:
        discord.http.Route.API_BASE_URL = saved
        emu.stop()


def control(emu: Emulator, method: str, path: str, body=None):
    """Calls the emulator's control API (or REST with the bot token for `/api` paths)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(emu.base_url + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if path.startswith("/api/"):
        req.add_header("Authorization", f"Bot {TOKEN}")
    with urllib.request.urlopen(req, timeout=10) as resp:
        raw = resp.read()
        return json.loads(raw) if raw else None


class Recorder(discord.Client):
    """A plain py-cord client that records what the tests wait for."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.ready = asyncio.Event()
        self.resumed = asyncio.Event()
        self.messages: asyncio.Queue[discord.Message] = asyncio.Queue()

    async def on_ready(self):
        self.ready.set()

    async def on_resumed(self):
        self.resumed.set()

    async def on_message(self, message: discord.Message):
        await self.messages.put(message)

    async def next_message(self, content: str) -> discord.Message:
        """The next `on_message` with this content (others are skipped)."""

        async def find():
            while True:
                message = await self.messages.get()
                if message.content == content:
                    return message

        return await asyncio.wait_for(find(), STEP_TIMEOUT)


@contextlib.asynccontextmanager
async def logged_in(emu: Emulator):
    """A started py-cord client that has seen `on_ready`; closed afterwards.

    Each test's client identifies anew: the emulator first forgets the previous test's
    IDENTIFY, which would otherwise keep this one waiting out Discord's 5 s identify window
    (INVALID_SESSION, then py-cord's retry)."""
    await asyncio.to_thread(control, emu, "PATCH", "/_emulator/gateway/limits", {"reset": True})
    intents = discord.Intents.default()
    intents.guilds = True
    intents.messages = True
    # py-cord waits this long after the last GUILD_CREATE before on_ready (default 2 s); the
    # emulator sends the guild right after READY.
    client = Recorder(intents=intents, guild_ready_timeout=0.5)
    task = asyncio.create_task(client.start(TOKEN))
    try:
        ready = asyncio.create_task(client.ready.wait())
        done, _ = await asyncio.wait(
            {ready, task}, timeout=STEP_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        if task in done:
            task.result()  # raises what stopped the client
            pytest.fail("py-cord stopped before on_ready")
        if ready not in done:
            pytest.fail(f"no on_ready within {STEP_TIMEOUT}s")
        yield client
    finally:
        await asyncio.wait_for(client.close(), STEP_TIMEOUT)
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, STEP_TIMEOUT)


def run(coro):
    asyncio.run(asyncio.wait_for(coro, 110))


def sessions(emu: Emulator) -> list[dict]:
    return control(emu, "GET", "/_emulator/gateway/sessions")


def commands(emu: Emulator) -> list[int]:
    """The opcodes the emulator's gateway received so far, oldest first."""
    return [c["op"] for c in control(emu, "GET", "/_emulator/gateway/commands")]


def test_on_ready_has_the_fixture_guild_and_its_channels(pycord_emulator):
    async def scenario():
        async with logged_in(pycord_emulator) as client:
            assert client.user is not None and client.user.bot
            guild = client.get_guild(GUILD_ID)
            assert guild is not None, [g.id for g in client.guilds]
            assert guild.name == "Sandbox Guild"
            assert not guild.unavailable
            general = guild.get_channel(GENERAL_ID)
            assert isinstance(general, discord.TextChannel)
            assert general.name == "general"
            assert len(guild.channels) == 10
            assert {r.name for r in guild.roles} == {"@everyone", "Member", "sandbox-bot"}
            assert guild.member_count == 3
            # py-cord connected over zlib-stream and identified once.
            (session,) = [
                s for s in sessions(pycord_emulator) if s["session_id"] == client.ws.session_id
            ]
            assert session["compress"] == "zlib-stream"
            assert session["connected"] is True

    run(scenario())


def test_channel_send_and_dm_succeed_and_come_back_as_events(pycord_emulator):
    async def scenario():
        async with logged_in(pycord_emulator) as client:
            general = client.get_channel(GENERAL_ID)
            sent = await asyncio.wait_for(general.send("hello from py-cord"), STEP_TIMEOUT)
            assert sent.id and sent.channel.id == GENERAL_ID
            echoed = await client.next_message("hello from py-cord")
            assert echoed.id == sent.id
            assert echoed.guild is not None and echoed.guild.id == GUILD_ID

            alice = await asyncio.wait_for(client.fetch_user(ALICE_ID), STEP_TIMEOUT)
            dm = await asyncio.wait_for(alice.send("hello alice"), STEP_TIMEOUT)
            assert isinstance(dm.channel, discord.DMChannel)
            echoed = await client.next_message("hello alice")
            assert echoed.id == dm.id
            assert echoed.guild is None

    run(scenario())


def test_message_from_another_http_client_arrives_as_on_message(pycord_emulator):
    async def scenario():
        async with logged_in(pycord_emulator) as client:
            created = await asyncio.to_thread(
                control,
                pycord_emulator,
                "POST",
                f"/api/v10/channels/{GENERAL_ID}/messages",
                {"content": "from another client"},
            )
            message = await client.next_message("from another client")
            assert message.id == int(created["id"])
            assert message.channel.id == GENERAL_ID

    run(scenario())


def test_forced_reconnect_resumes_and_messages_still_arrive(pycord_emulator):
    async def scenario():
        async with logged_in(pycord_emulator) as client:
            session_id = client.ws.session_id
            before = commands(pycord_emulator)
            answer = await asyncio.to_thread(
                control,
                pycord_emulator,
                "POST",
                "/_emulator/gateway/reconnect",
                {"session_id": session_id},
            )
            assert answer == {"sessions": [session_id]}
            await asyncio.wait_for(client.resumed.wait(), STEP_TIMEOUT)
            assert client.ws.session_id == session_id

            await asyncio.to_thread(
                control,
                pycord_emulator,
                "POST",
                f"/api/v10/channels/{GENERAL_ID}/messages",
                {"content": "after the reconnect"},
            )
            await client.next_message("after the reconnect")
            (session,) = [s for s in sessions(pycord_emulator) if s["session_id"] == session_id]
            assert session["resumes"] == 1
            assert session["connected"] is True
            after = commands(pycord_emulator)
            new_ops = after[len(before):]
            assert 6 in new_ops, new_ops  # RESUME
            assert 2 not in new_ops, new_ops  # no new IDENTIFY

    run(scenario())
