"""Session fixtures for the compatibility suite.

Starts the real `discord-emulator` and `discordproxyserver` binaries as separate processes on
127.0.0.1 (ports chosen by the OS), and drives the server with the `discordproxy` client of the
venv pytest runs in: the UNMODIFIED PyPI `discordproxy==1.5.1` (.venv), or OUR package from the
wheel (scripts/test.sh step 6), which must pass the same suite. Binaries are taken from
$DISCORDPROXY_BIN_DIR, else <repo>/target/debug (the emulator from $DISCORDPROXY_EMULATOR_BIN
if set). tests/python/package/ tests our client's own features and runs only with ours.

One emulator and one server serve the whole session; the emulator's request log is cleared
before each test that uses the `rest` fixture.
"""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest

from support import Emulator, Server, fresh


def _our_client() -> bool:
    """Whether the importable `discordproxy` is ours (2.x), not the original 1.5.1."""
    import discordproxy

    return not str(getattr(discordproxy, "__version__", "1.")).startswith("1.")


# The 1.5.1 client has none of the features tests/python/package checks.
collect_ignore = [] if _our_client() else ["package"]

# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    """The session's emulator. Rate limits are off so that every test sees exactly the REST
    requests its RPC causes (429 retries are tested on their own in test_rate_limits.py)."""
    emu = Emulator(tmp_path_factory.mktemp("emulator"), extra_args=["--rate-limits", "off"])
    yield emu
    emu.stop()


@pytest.fixture(scope="session")
def server(emulator, tmp_path_factory):
    """The server as users run it (gateway session and cache on)."""
    srv = Server(emulator, tmp_path_factory.mktemp("server"))
    srv.wait_ready()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def rest_server(emulator, tmp_path_factory):
    """A second server with --no-gateway: every answer comes from REST."""
    srv = Server(emulator, tmp_path_factory.mktemp("rest-server"), extra_args=["--no-gateway"])
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


@pytest.fixture
def fresh_user() -> int:
    """A user with open DMs whom no test has DMed before (so no DM channel is cached)."""
    return fresh.user()


@pytest.fixture
def closed_user() -> int:
    """A user with DMs closed (403/50007) whom no test has DMed before."""
    return fresh.closed_user()


@pytest.fixture
def forbidden_channel() -> int:
    """A channel the bot may not see (403/50001) that no test has used before."""
    return fresh.forbidden_channel()


@pytest.fixture
def read_only_channel() -> int:
    """A channel the bot may read but not post in (403/50013) that no test has used before."""
    return fresh.read_only_channel()


@pytest.fixture
def unknown_ids():
    """Snowflakes that exist nowhere, new for each call: .user(), .channel(), .guild()."""

    class Unknown:
        user = staticmethod(fresh.unknown_user)
        channel = staticmethod(fresh.unknown_channel)
        guild = staticmethod(fresh.unknown_guild)

    return Unknown


OUR_PROTO = Path(__file__).resolve().parents[2] / "proto" / "discord_api.proto"


@pytest.fixture(scope="session")
def stubs(tmp_path_factory) -> Path:
    """A folder with our generated `discord_api_pb2` and `discord_api_pb2_grpc`."""
    from grpc_tools import protoc

    out = tmp_path_factory.mktemp("our-stubs")
    rc = protoc.main(
        [
            "grpc_tools.protoc",
            f"-I{OUR_PROTO.parent}",
            f"--python_out={out}",
            f"--grpc_python_out={out}",
            OUR_PROTO.name,
        ]
    )
    assert rc == 0, "grpc_tools.protoc failed on proto/discord_api.proto"
    return out
