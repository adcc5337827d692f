"""Session fixtures for the compatibility suite.

Starts the real `discord-emulator` and `discordproxyserver` binaries as separate processes on
127.0.0.1 (ports chosen by the OS), and drives the server with the UNMODIFIED PyPI client
`discordproxy==1.5.1`. Binaries are taken from $DISCORDPROXY_BIN_DIR, else <repo>/target/release.

One emulator and one server serve the whole session; the emulator's request log is cleared
before each test that uses the `rest` fixture.
"""

from __future__ import annotations

import itertools

import grpc
import pytest

from support import OPEN_DM_POOL, Emulator, Server

# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    emu = Emulator(tmp_path_factory.mktemp("emulator"))
    yield emu
    emu.stop()


@pytest.fixture(scope="session")
def server(emulator, tmp_path_factory):
    srv = Server(emulator, tmp_path_factory.mktemp("server"))
    srv.wait_ready()
    yield srv
    srv.stop()


@pytest.fixture
def rest(emulator, server):
    """The emulator's request log, cleared before the test."""
    emulator.clear_requests()
    return emulator


@pytest.fixture
def client(server):
    """The unmodified PyPI client, pointed at our server."""
    from discordproxy.client import DiscordClient

    return DiscordClient(target=server.target, timeout=30)


@pytest.fixture
def stub(server):
    """The raw generated stub of the PyPI package, on a channel to our server."""
    from discordproxy.discord_api_pb2_grpc import DiscordApiStub

    with grpc.insecure_channel(server.target) as channel:
        yield DiscordApiStub(channel)


_pool = itertools.count()


@pytest.fixture
def fresh_user() -> int:
    """A user with open DMs whom no test has DMed before (so no DM channel is cached)."""
    i = next(_pool)
    if i >= len(OPEN_DM_POOL):
        pytest.fail("fixture user pool exhausted: add users to tests/python/fixtures/compat.json")
    return OPEN_DM_POOL[i]

