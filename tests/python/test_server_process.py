"""The server as a process: down (client sees DiscordProxyGrpcError), graceful stop, start-up
errors. These start their own server processes against the session's emulator."""

from __future__ import annotations

import subprocess
import time

import grpc
import pytest
from discordproxy.client import DiscordClient
from discordproxy.discord_api_pb2 import SendChannelMessageRequest
from discordproxy.discord_api_pb2_grpc import DiscordApiStub
from discordproxy.exceptions import DiscordProxyGrpcError, DiscordProxyHttpError

from support import API, GENERAL_ID, Server, assert_calls, binary, free_port


@pytest.fixture(scope="module")
def stopped_server(emulator, tmp_path_factory):
    """A server that worked, then was stopped with SIGTERM: (target, exit code, output)."""
    srv = Server(emulator, tmp_path_factory.mktemp("stopped-server"))
    srv.wait_ready()
    msg = DiscordClient(target=srv.target, timeout=30).create_channel_message(
        channel_id=GENERAL_ID, content="before the stop"
    )
    assert msg.id > 0, "the server must work before it is stopped"
    started = time.monotonic()
    rc = srv.stop()
    return srv.target, rc, time.monotonic() - started, srv.output()


def test_server_down_client_raises_grpc_error(stopped_server, rest):
    target, _, _, _ = stopped_server
    client = DiscordClient(target=target, timeout=5)
    with pytest.raises(DiscordProxyGrpcError) as exc:
        client.create_channel_message(channel_id=GENERAL_ID, content="anyone there?")
    assert not isinstance(exc.value, DiscordProxyHttpError)
    assert exc.value.status in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
    assert str(exc.value).startswith("gRPC error. Status code:")
    with pytest.raises(DiscordProxyGrpcError):
        client.create_direct_message(user_id=200000000000000001, content="anyone there?")
    with pytest.raises(DiscordProxyGrpcError):
        client.get_guild_channels(guild_id=300000000000000001)
    assert_calls(rest.requests(), [])


def test_server_down_raw_stub_unavailable(stopped_server, rest):
    target, _, _, _ = stopped_server
    with grpc.insecure_channel(target) as channel:
        with pytest.raises(grpc.RpcError) as exc:
            DiscordApiStub(channel).SendChannelMessage(
                SendChannelMessageRequest(channel_id=GENERAL_ID, content="x"), timeout=5
            )
    assert exc.value.code() == grpc.StatusCode.UNAVAILABLE
    assert_calls(rest.requests(), [])


def test_sigterm_stops_server_gracefully_with_exit_0(stopped_server):
    _, rc, took, output = stopped_server
    assert rc == 0, f"exit code {rc} after SIGTERM (took {took:.1f}s):\n{output[-3000:]}"
    assert took < 12, f"graceful shutdown took {took:.1f}s"


def test_no_token_prints_error_and_exits_1(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run(
        [str(binary("discordproxyserver")), "--port", str(free_port()), "--log-file-path", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, f"exit {proc.returncode}: {out}"
    assert "ERROR: No Discord bot token provided" in out, out


def test_invalid_token_exits_nonzero_without_leaking_it(emulator, rest, tmp_path):
    token = "definitely-not-the-token-4f1c2b"
    started = time.monotonic()
    srv = Server(emulator, tmp_path, token=token)
    try:
        rc = srv.proc.wait(timeout=15)
        took = time.monotonic() - started
    except subprocess.TimeoutExpired:
        srv.stop()
        pytest.fail("server with an invalid token still running after 15 s:\n" + srv.output()[-3000:])
    srv.stop()
    out = srv.output()
    logs = "".join(p.read_text(errors="replace") for p in srv.log_dir.glob("*"))
    assert rc == 1, f"exit code {rc}:\n{out[-3000:]}"
    assert took < 6, f"took {took:.1f}s to exit after an invalid token (limit 5 s)"
    assert "invalid Discord bot token" in out + logs, out[-3000:]
    assert token not in out + logs, "the token must never be logged"
    calls = rest.requests(include_background=True)
    assert ("GET", f"{API}/users/@me", 401) in [(c.method, c.path, c.status) for c in calls], calls

