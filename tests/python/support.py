"""Shared pieces of the compatibility suite: constants, process wrappers, assertion helpers.

Starts the real `discord-emulator` and `discordproxyserver` binaries as separate processes on
127.0.0.1 (ports chosen by the OS), and drives the server with the UNMODIFIED PyPI client
`discordproxy==1.5.1`.

Binaries are taken from $DISCORDPROXY_BIN_DIR, else <repo>/target/debug (the
dev-profile build of scripts/test.sh).
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
FIXTURE_FILE = HERE / "fixtures" / "compat.json"
FIXTURE = json.loads(FIXTURE_FILE.read_text())

TOKEN = FIXTURE["token"]
BOT_ID = int(FIXTURE["bot"]["id"])
GUILD_ID = int(FIXTURE["guilds"][0]["id"])
EMPTY_GUILD_ID = int(FIXTURE["guilds"][1]["id"])
CATEGORY_ID = 400000000000000001
GENERAL_ID = 400000000000000002
STAFF_ONLY_ID = 400000000000000007  # emulator_access none -> 403/50001
READ_ONLY_ID = 400000000000000008  # emulator_access read -> POST 403/50013
_CHANNELS = [c for g in FIXTURE["guilds"] for c in g.get("channels", [])]
# Fresh targets per test: the server may remember "cannot reach" answers (unknown or forbidden
# channel, unknown user, DMs closed) for a while and answer them without a REST request.
FORBIDDEN_CHANNEL_POOL = [
    int(c["id"]) for c in _CHANNELS if c.get("emulator_access") == "none"
]
READ_ONLY_CHANNEL_POOL = [
    int(c["id"]) for c in _CHANNELS if c.get("emulator_access") == "read"
]
BIG_SNOWFLAKE_ID = 18014398509481985  # 2**54 + 1, not representable as a float64
UNKNOWN_USER_ID = 299999999999999999
UNKNOWN_CHANNEL_ID = 499999999999999999
UNKNOWN_GUILD_ID = 399999999999999999
DM_CLOSED_USER_IDS = [int(u["id"]) for u in FIXTURE["users"] if u.get("dm_closed")]
OPEN_DM_POOL = [
    int(u["id"]) for u in FIXTURE["users"] if u["username"].startswith("pool")
]

API = "/api/v10"
STARTUP_TIMEOUT = 60.0

# Requests the server makes on its own (start-up token check, gateway discovery), not because of
# an RPC. They are left out when a test compares the REST requests an RPC caused.
BACKGROUND_REQUESTS = {
    ("GET", f"{API}/users/@me"),
    ("GET", f"{API}/gateway"),
    ("GET", f"{API}/gateway/bot"),
}


def bin_dir() -> Path:
    return Path(os.environ.get("DISCORDPROXY_BIN_DIR") or REPO_ROOT / "target" / "debug")


def binary(name: str) -> Path:
    """A binary of the project: from $DISCORDPROXY_BIN_DIR (else target/debug); the emulator
    from $DISCORDPROXY_EMULATOR_BIN if set (a wheel's bin/ has the server and CLI only)."""
    emulator = os.environ.get("DISCORDPROXY_EMULATOR_BIN")
    path = Path(emulator) if name == "discord-emulator" and emulator else bin_dir() / name
    if not path.is_file():
        pytest.fail(
            f"binary {path} not found: build it with `cargo build --workspace --bins` "
            f"or set DISCORDPROXY_BIN_DIR",
            pytrace=False,
        )
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, n: int = 40) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return "<no output>"
    return "\n".join(lines[-n:])


def stop_process(proc: subprocess.Popen, timeout: float = 10.0) -> int | None:
    """SIGTERM, then SIGKILL if it does not exit in time. Returns the exit code."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    return proc.returncode


# ---------------------------------------------------------------------------------------------
# The emulator
# ---------------------------------------------------------------------------------------------


@dataclass
class RestCall:
    method: str
    path: str
    body: object
    status: int
    query: object = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)


class Emulator:
    """A running discord-emulator process and its control API."""

    def __init__(self, work_dir: Path, fixture: Path = FIXTURE_FILE, extra_args=()):
        self.work_dir = work_dir
        self.stderr_path = work_dir / "emulator.stderr"
        self.stdout_path = work_dir / "emulator.stdout"
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [
                str(binary("discord-emulator")),
                "--listen",
                "127.0.0.1:0",
                "--fixture",
                str(fixture),
                *extra_args,
            ],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            stdin=subprocess.DEVNULL,
        )
        lines: queue.Queue = queue.Queue()

        def pump():
            with open(self.stdout_path, "wb") as out:
                for line in self.proc.stdout:
                    out.write(line)
                    out.flush()
                    lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True, name="emulator-stdout").start()
        try:
            first = lines.get(timeout=STARTUP_TIMEOUT)
        except queue.Empty:
            self.stop()
            pytest.fail(f"discord-emulator printed nothing in {STARTUP_TIMEOUT}s", pytrace=False)
        if first is None:
            self.stop()
            pytest.fail(
                f"discord-emulator exited ({self.proc.returncode}) before printing its URL:\n"
                + _tail(self.stderr_path),
                pytrace=False,
            )
        text = first.decode(errors="replace").strip()
        m = re.fullmatch(r"discord-emulator listening on (http://127\.0\.0\.1:(\d+))/?", text)
        if not m:
            self.stop()
            pytest.fail(f"unexpected first line from discord-emulator: {text!r}", pytrace=False)
        self.base_url = m.group(1)
        self.port = int(m.group(2))
        self.api_url = f"{self.base_url}{API}"

    # -- control API --------------------------------------------------------------------------

    def _http(self, method: str, path: str, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                raw = resp.read()
                return resp.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, raw.decode(errors="replace")

    def clear_requests(self) -> None:
        status, _ = self._http("DELETE", "/_emulator/requests")
        assert status in (200, 204), f"DELETE /_emulator/requests answered {status}"

    def raw_requests(self) -> list[dict]:
        status, data = self._http("GET", "/_emulator/requests")
        assert status == 200, f"GET /_emulator/requests answered {status}: {data!r}"
        assert isinstance(data, list), f"/_emulator/requests is not a JSON array: {data!r}"
        return data

    def requests(self, include_background: bool = False) -> list[RestCall]:
        calls = []
        for r in self.raw_requests():
            path = str(r["path"]).split("?", 1)[0]
            call = RestCall(
                method=str(r["method"]).upper(),
                path=path,
                body=r.get("body"),
                status=int(r.get("status") or 0),
                query=r.get("query"),
            )
            if not include_background and call.key in BACKGROUND_REQUESTS:
                continue
            calls.append(call)
        return calls

    def api_get(self, path: str):
        """A REST call of our own (as Discord's API answers it), with the bot token."""
        return self._http("GET", API + path, headers={"Authorization": f"Bot {TOKEN}"})

    def stop(self) -> None:
        stop_process(self.proc)
        self._stderr.close()


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------


class Server:
    """A running discordproxyserver process pointed at an emulator."""

    def __init__(self, emulator: Emulator, work_dir: Path, token: str = TOKEN, extra_args=()):
        self.work_dir = work_dir
        self.log_dir = work_dir / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.target = f"127.0.0.1:{self.port}"
        self.output_path = work_dir / "server.output"
        self._out = open(self.output_path, "wb")
        env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_BOT_TOKEN",)}
        self.proc = subprocess.Popen(
            [
                str(binary("discordproxyserver")),
                "--token",
                token,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--discord-api-url",
                emulator.api_url,
                "--log-file-path",
                str(self.log_dir),
                "--log-console-level",
                "DEBUG",
                *extra_args,
            ],
            stdout=self._out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=work_dir,
            env=env,
        )

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        with grpc.insecure_channel(self.target) as channel:
            future = grpc.channel_ready_future(channel)
            while True:
                try:
                    future.result(timeout=0.5)
                    return
                except grpc.FutureTimeoutError:
                    pass
                if self.proc.poll() is not None:
                    pytest.fail(
                        f"discordproxyserver exited with {self.proc.returncode} before it was "
                        f"ready:\n{_tail(self.output_path)}",
                        pytrace=False,
                    )
                if time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(
                        f"discordproxyserver not ready on {self.target} after {timeout}s:\n"
                        + _tail(self.output_path),
                        pytrace=False,
                    )

    def output(self) -> str:
        return self.output_path.read_text(errors="replace")

    def stop(self) -> int | None:
        rc = stop_process(self.proc, timeout=15)
        self._out.close()
        return rc


def find_program(name: str) -> str | None:
    """A console script of the venv this pytest runs in (e.g. the PyPI discordproxymessage)."""
    import sys

    candidate = Path(sys.executable).parent / name
    if candidate.is_file():
        return str(candidate)
    return shutil.which(name)


# ---------------------------------------------------------------------------------------------
# Fresh targets
# ---------------------------------------------------------------------------------------------


class _Fresh:
    """Targets no earlier test has used. The server may cache DM channels and remember
    "cannot reach" answers, so a test that asserts the REST requests needs a new target."""

    def __init__(self):
        self._pools = {
            "users with open DMs": iter(OPEN_DM_POOL),
            "users with DMs closed": iter(DM_CLOSED_USER_IDS),
            "forbidden channels": iter(FORBIDDEN_CHANNEL_POOL),
            "read-only channels": iter(READ_ONLY_CHANNEL_POOL),
        }
        self._unknown = itertools.count(1)

    def _take(self, what: str) -> int:
        try:
            return next(self._pools[what])
        except StopIteration:
            pytest.fail(f"pool of {what} exhausted: add more to tests/python/fixtures/compat.json")

    def user(self) -> int:
        return self._take("users with open DMs")

    def closed_user(self) -> int:
        return self._take("users with DMs closed")

    def forbidden_channel(self) -> int:
        return self._take("forbidden channels")

    def read_only_channel(self) -> int:
        return self._take("read-only channels")

    def unknown_user(self) -> int:
        return UNKNOWN_USER_ID - next(self._unknown)

    def unknown_channel(self) -> int:
        return UNKNOWN_CHANNEL_ID - next(self._unknown)

    def unknown_guild(self) -> int:
        return UNKNOWN_GUILD_ID - next(self._unknown)


fresh = _Fresh()


# ---------------------------------------------------------------------------------------------
# Assertion helpers
# ---------------------------------------------------------------------------------------------


def describe(calls: list[RestCall]) -> str:
    return "\n".join(
        f"  {c.method} {c.path} -> {c.status}  body={json.dumps(c.body)[:300]}" for c in calls
    ) or "  <no REST request>"


def assert_calls(calls: list[RestCall], expected: list[tuple]) -> None:
    """The exact sequence of REST requests: (method, path) or (method, path, status) tuples."""
    actual = [(c.method, c.path, c.status)[: len(e)] for c, e in zip(calls, expected)]
    ok = len(calls) == len(expected) and all(
        a == tuple(e) for a, e in zip(actual, expected)
    )
    assert ok, (
        "REST requests differ.\nexpected:\n"
        + "\n".join(f"  {' '.join(map(str, e))}" for e in expected)
        + "\nactual:\n"
        + describe(calls)
    )


def message_posts(calls: list[RestCall]) -> list[RestCall]:
    return [
        c for c in calls if c.method == "POST" and re.fullmatch(rf"{API}/channels/\d+/messages", c.path)
    ]


NONCE_MAX_LEN = 25  # Discord's limit for a message nonce


def message_body_without_nonce(body) -> dict:
    """A message-create body with `nonce` and `enforce_nonce` checked and removed.

    The server may send `"nonce": "<string>", "enforce_nonce": true` with each message create, so
    that a retried POST returns the first message instead of a duplicate. The two keys come
    together or not at all; the nonce is a non-empty string of at most 25 characters. Returns a
    copy of the body without them, for an exact comparison of the rest."""
    assert isinstance(body, dict), f"message body is not a JSON object: {body!r}"
    rest = dict(body)
    has_nonce, has_enforce = "nonce" in rest, "enforce_nonce" in rest
    nonce = rest.pop("nonce", None)
    enforce = rest.pop("enforce_nonce", None)
    assert has_nonce == has_enforce, f"nonce and enforce_nonce must come together: {body!r}"
    if has_nonce:
        assert isinstance(nonce, str) and 0 < len(nonce) <= NONCE_MAX_LEN, (
            f"nonce must be a non-empty string of at most {NONCE_MAX_LEN} characters: {nonce!r}"
        )
        assert enforce is True, f"enforce_nonce must be true: {enforce!r}"
    return rest


def dm_channel_id_from(calls: list[RestCall]) -> int:
    posts = message_posts(calls)
    assert posts, "no message POST recorded:\n" + describe(calls)
    return int(posts[-1].path.split("/")[-2])


def assert_no_message_created(calls: list[RestCall]) -> None:
    """No POST /channels/{id}/messages reached Discord with success."""
    created = [c for c in message_posts(calls) if 200 <= c.status < 300]
    assert not created, "a message was created although the call must fail:\n" + describe(calls)


def assert_http_error(err, status: int, code: int, text: str | None = None, text_contains=()):
    """A discordproxy.exceptions.DiscordProxyHttpError with these attributes."""
    from discordproxy.exceptions import DiscordProxyHttpError

    assert isinstance(err, DiscordProxyHttpError), f"expected DiscordProxyHttpError, got {err!r}"
    assert (err.status, err.code) == (status, code), (
        f"expected HTTP {status} / code {code}, got HTTP {err.status} / code {err.code} "
        f"(text {err.text!r})"
    )
    if text is not None:
        assert err.text == text, f"text {err.text!r} != {text!r}"
    for part in text_contains:
        assert part in err.text, f"{part!r} not in error text {err.text!r}"


def details_json(rpc_error) -> dict:
    """The JSON details of a gRPC error carrying a Discord HTTP error."""
    details = rpc_error.details()
    try:
        data = json.loads(details)
    except ValueError:
        raise AssertionError(f"details are not JSON: {details!r}") from None
    assert isinstance(data, dict), f"details are not a JSON object: {details!r}"
    return data


def assert_plain_text_details(rpc_error) -> str:
    details = rpc_error.details() or ""
    assert details.strip(), "gRPC error without details"
    try:
        parsed = json.loads(details)
    except ValueError:
        return details
    raise AssertionError(f"details must be plain text, got JSON: {parsed!r}")


def assert_calls_prefix(calls: list[RestCall], expected: list[tuple]) -> None:
    """The REST requests are the first N of `expected` (N may be 0): for calls the server may
    refuse itself before reaching Discord, as long as the client sees Discord's answer."""
    n = min(len(calls), len(expected))
    if len(calls) > len(expected):
        n = len(expected)  # too many requests: compare with the full list to report it
        assert_calls(calls, expected)
    assert_calls(calls, expected[:n])
