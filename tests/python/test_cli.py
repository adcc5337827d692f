"""`discordproxymessage direct|channel ID CONTENT [--host H] [--port P]`: ours (Rust) and, for
comparison, the original one from the PyPI package, both against our server.

The server here runs without a gateway session (`--no-gateway`), as the original always did, so
a channel message costs its two REST calls (GET /channels/{id}, POST); with the gateway's cache
the GET is skipped for a cached channel."""

from __future__ import annotations

import subprocess

import pytest

from support import (
    API,
    GENERAL_ID,
    assert_calls,
    describe,
    dm_channel_id_from,
    message_body_without_nonce,
    find_program,
    fresh,
    free_port,
    binary,
)


def rust_cli():
    return str(binary("discordproxymessage"))


def python_cli():
    """The venv's own `discordproxymessage`: the PyPI 1.5.1 console script, or, in the venv
    of our wheel (scripts/test.sh step 6), the wheel's binary, which must answer the same."""
    import sys
    from pathlib import Path

    path = find_program("discordproxymessage")
    if path is None or Path(path).parent != Path(sys.executable).parent:
        pytest.fail("no discordproxymessage console script is installed in this venv")
    return path


CLIS = {"rust": rust_cli, "pypi": python_cli}


@pytest.fixture
def server(rest_server):
    """The server without a gateway session (see the module docs)."""
    return rest_server


def run(cli: str, *args, port: int, host: str = "127.0.0.1"):
    proc = subprocess.run(
        [cli, *map(str, args), "--host", host, "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("which", ["rust", "pypi"])
def test_cli_direct_message(which, server, rest, fresh_user):
    content = f"Hello from the {which} CLI"
    rc, out, err = run(CLIS[which](), "direct", fresh_user, content, port=server.port)
    assert (rc, out.strip()) == (0, "Message sent"), f"rc={rc} stdout={out!r} stderr={err!r}"
    calls = rest.requests()
    dm_id = dm_channel_id_from(calls)
    assert_calls(
        calls,
        [
            ("GET", f"{API}/users/{fresh_user}", 200),
            ("POST", f"{API}/users/@me/channels", 200),
            ("POST", f"{API}/channels/{dm_id}/messages", 200),
        ],
    )
    assert calls[1].body == {"recipient_id": str(fresh_user)}, describe(calls)
    assert message_body_without_nonce(calls[2].body) == {"content": content}, describe(calls)


@pytest.mark.parametrize("which", ["rust", "pypi"])
def test_cli_channel_message(which, server, rest):
    content = f"@everyone from the {which} CLI"
    rc, out, err = run(CLIS[which](), "channel", GENERAL_ID, content, port=server.port)
    assert (rc, out.strip()) == (0, "Message sent"), f"rc={rc} stdout={out!r} stderr={err!r}"
    calls = rest.requests()
    assert_calls(
        calls,
        [
            ("GET", f"{API}/channels/{GENERAL_ID}", 200),
            ("POST", f"{API}/channels/{GENERAL_ID}/messages", 200),
        ],
    )
    assert message_body_without_nonce(calls[1].body) == {"content": content}, describe(calls)


def test_rust_cli_unknown_channel_prints_error_exit_1(server, rest, unknown_ids):
    channel = unknown_ids.channel()
    rc, out, err = run(rust_cli(), "channel", channel, "hello?", port=server.port)
    assert rc == 1, f"rc={rc} stdout={out!r} stderr={err!r}"
    assert out.startswith("ERROR: "), f"stdout={out!r} stderr={err!r}"
    assert "Message sent" not in out
    assert "Unknown Channel" in out or "10003" in out, f"the error names no cause: {out!r}"
    assert_calls(rest.requests(), [("GET", f"{API}/channels/{channel}", 404)])


def test_rust_cli_unknown_user_prints_error_exit_1(server, rest, unknown_ids):
    user = unknown_ids.user()
    rc, out, err = run(rust_cli(), "direct", user, "hello?", port=server.port)
    assert rc == 1, f"rc={rc} stdout={out!r} stderr={err!r}"
    assert out.startswith("ERROR: "), f"stdout={out!r} stderr={err!r}"
    assert "Unknown User" in out or "10013" in out, f"the error names no cause: {out!r}"
    assert_calls(rest.requests(), [("GET", f"{API}/users/{user}", 404)])


@pytest.mark.parametrize("which", ["rust", "pypi"])
def test_cli_server_down_prints_error_exit_1(which, rest):
    port = free_port()  # nothing listens here
    rc, out, err = run(CLIS[which](), "channel", GENERAL_ID, "anyone?", port=port)
    assert rc == 1, f"rc={rc} stdout={out!r} stderr={err!r}"
    assert out.startswith("ERROR: "), f"stdout={out!r} stderr={err!r}"
    assert_calls(rest.requests(), [])


def error_case(kind: str):
    """(args, expected REST requests) for a fresh target of each kind."""
    if kind == "unknown-channel":
        c = fresh.unknown_channel()
        return ("channel", c, "hello?"), [("GET", f"{API}/channels/{c}", 404)]
    if kind == "unknown-user":
        u = fresh.unknown_user()
        return ("direct", u, "hello?"), [("GET", f"{API}/users/{u}", 404)]
    if kind == "forbidden-channel":
        c = fresh.forbidden_channel()
        return ("channel", c, "psst"), [("GET", f"{API}/channels/{c}", 403)]
    return ("channel", 0, "zero"), []


@pytest.mark.parametrize("kind", ["unknown-channel", "unknown-user", "forbidden-channel", "id-zero"])
def test_rust_cli_errors_print_what_the_pypi_cli_prints(kind, server, rest):
    """Same error, same line: a script that parses the original CLI's output keeps working.
    (Each CLI gets its own target, so neither answer can come from the server's memory.)"""
    args, calls = error_case(kind)
    rust = run(rust_cli(), *args, port=server.port)
    assert_calls(rest.requests(), calls)
    args, calls = error_case(kind)
    rest.clear_requests()
    pypi = run(python_cli(), *args, port=server.port)
    assert_calls(rest.requests(), calls)
    assert rust[0] == pypi[0] == 1, f"exit codes rust={rust[0]} pypi={pypi[0]}"
    assert rust[1] == pypi[1], f"stdout differs:\n rust: {rust[1]!r}\n pypi: {pypi[1]!r}"
    assert rust[1].startswith("ERROR: ")
