"""examples/slash_command_bot.py, run exactly as written (only its address and guild arguments)
against the real `discordproxyserver --sandbox`, driven as a Discord user would drive it: through
the emulator's control route `POST /_emulator/interactions`, answers read back with
`GET /_emulator/interactions/{id}`.

/ping -> "Pong!" with a button; the button -> a modal; the modal submit -> a deferred response,
the original edited to what was typed, a follow-up with it as a file. Each initial response must
arrive within Discord's 3 s. Ctrl-C (SIGINT) must stop the bot cleanly (exit 0, no traceback).
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from support import REPO_ROOT, STARTUP_TIMEOUT, _tail, binary, stop_process

EXAMPLE = REPO_ROOT / "examples" / "slash_command_bot.py"
README = REPO_ROOT / "README.md"
SANDBOX_FIXTURE = json.loads(
    (REPO_ROOT / "crates" / "discord-emulator" / "fixtures" / "default.json").read_text()
)
SANDBOX_TOKEN = SANDBOX_FIXTURE["token"]
GUILD_ID = "300000000000000001"
CHANNEL_ID = "400000000000000002"
USER_ID = "200000000000000001"  # alice, a member of the guild
TYPED = "Hello from the modal, ünïcödé ✓"
WINDOW_MS = 3000  # Discord's time for the initial response
LOADING = 128  # message flag of a deferred response's message until it is edited


def http(method: str, url: str, body=None, token: str | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bot {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, raw
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def http_json(method: str, url: str, body=None, token: str | None = None):
    status, raw = http(method, url, body, token)
    return status, (json.loads(raw) if raw else None)


class Sandbox:
    """`discordproxyserver --sandbox --port 0` and the two lines it prints on stdout."""

    def __init__(self, work_dir: Path):
        self.output_path = work_dir / "sandbox.stdout"
        env = {k: v for k, v in os.environ.items() if k != "DISCORD_BOT_TOKEN"}
        self.proc = subprocess.Popen(
            [str(binary("discordproxyserver")), "--sandbox", "--port", "0",
             "--log-file-path", str(work_dir)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=work_dir, env=env,
        )
        lines: queue.Queue = queue.Queue()

        def pump():
            with open(self.output_path, "wb") as out:
                for line in self.proc.stdout:
                    out.write(line)
                    out.flush()
                    lines.put(line.decode(errors="replace").strip())
            lines.put(None)

        threading.Thread(target=pump, daemon=True, name="sandbox-stdout").start()
        self.api_url = self.address = None
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while self.address is None:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                pytest.fail("discordproxyserver --sandbox printed no listening line in time",
                            pytrace=False)
            if line is None:
                self.stop()
                pytest.fail(f"discordproxyserver --sandbox exited ({self.proc.returncode}):\n"
                            + _tail(self.output_path), pytrace=False)
            m = re.fullmatch(r"SANDBOX MODE: not talking to Discord; using the built-in "
                             r"emulator at (http://127\.0\.0\.1:\d+/api/v10)", line)
            if m:
                self.api_url = m.group(1)
            m = re.fullmatch(r"gRPC server listening on (127\.0\.0\.1:\d+)", line)
            if m:
                self.address = m.group(1)
        assert self.api_url, "no SANDBOX MODE line before the listening line"
        self.base_url = self.api_url.removesuffix("/api/v10")

    def api(self, method: str, path: str, body=None):
        return http_json(method, self.api_url + path, body, token=SANDBOX_TOKEN)

    def control(self, method: str, path: str, body=None):
        return http_json(method, f"{self.base_url}/_emulator{path}", body)

    def stop(self):
        return stop_process(self.proc, timeout=15)


class Bot:
    """The example as a child process; its stdout collected line by line."""

    def __init__(self, stubs: Path, work_dir: Path, address: str, guild_id: str):
        env = dict(os.environ, PYTHONPATH=str(stubs))
        self.stderr_path = work_dir / "bot.stderr"
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(EXAMPLE), address, guild_id],
            stdout=subprocess.PIPE, stderr=self._stderr, stdin=subprocess.DEVNULL,
            cwd=work_dir, env=env, text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(
            target=lambda: self.lines.extend(line.rstrip("\n") for line in self.proc.stdout),
            daemon=True, name="bot-stdout",
        )
        self._reader.start()

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def alive(self):
        assert self.proc.poll() is None, (
            f"the bot exited with {self.proc.returncode}:\n{self.stderr()}\nstdout: {self.lines}"
        )

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._stderr.close()


def poll(what: str, check, bot: Bot, timeout: float = 10.0):
    """Calls `check()` until it returns something truthy; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        bot.alive()
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"{what}: not within {timeout}s; bot said {bot.lines}"
        time.sleep(0.05)


@pytest.fixture
def sandbox(tmp_path):
    server = Sandbox(tmp_path)
    yield server
    server.stop()


def test_slash_command_bot(sandbox, stubs, tmp_path):
    status, app = sandbox.api("GET", "/applications/@me")
    assert status == 200, app
    commands_path = f"/applications/{app['id']}/guilds/{GUILD_ID}/commands"
    status, before = sandbox.api("GET", commands_path)
    assert (status, before) == (200, []), "the sandbox must start without guild commands"

    bot = Bot(stubs, tmp_path, sandbox.address, GUILD_ID)
    try:
        drive(sandbox, bot, commands_path)

        # Ctrl-C: a clean stop.
        bot.proc.send_signal(signal.SIGINT)
        try:
            rc = bot.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the bot did not stop within 10 s of SIGINT; said {bot.lines}")
        bot._reader.join(timeout=5)
        assert rc == 0, f"exit code {rc} after SIGINT:\n{bot.stderr()}"
        assert "Traceback" not in bot.stderr(), bot.stderr()
        assert bot.lines[-1] == "stopped", bot.lines
    finally:
        bot.stop()


def readme_requests() -> dict[int, dict]:
    """The README's curl bodies for the control route (section "A slash-command bot"), by
    interaction type: the test sends those, so the README shows requests that work."""
    section = README.read_text().split("\n## A slash-command bot\n", 1)[1].split("\n## ", 1)[0]
    bodies = [json.loads(body) for body in re.findall(r"-d '(\{.*\})'", section)]
    by_type = {body["type"]: body for body in bodies}
    assert len(bodies) == 3 and sorted(by_type) == [2, 3, 5], bodies
    for body in bodies:
        assert (body["guild_id"], body["channel_id"], body["user_id"]) == (
            GUILD_ID, CHANNEL_ID, USER_ID,
        ), body
    return by_type


def interaction(sandbox: Sandbox, body: dict) -> dict:
    """Makes an interaction; returns its `{"id", "token", "application_id"}`."""
    status, made = sandbox.control("POST", "/interactions", body)
    assert status == 200, made
    assert made["id"] and made["token"], made
    return made


def answered(sandbox: Sandbox, bot: Bot, made: dict, until=None) -> dict:
    """The interaction's record once it has its initial response (and `until(record)` holds)."""

    def check():
        status, record = sandbox.control("GET", f"/interactions/{made['id']}")
        assert status == 200, record
        done = record["initial_response"] is not None and (until is None or until(record))
        return record if done else None

    return poll(f"answer to interaction {made['id']}", check, bot)


def drive(sandbox: Sandbox, bot: Bot, commands_path: str):
    # The bot registers /ping; it subscribes to events first, so from here nothing is missed.
    def registered():
        status, commands = sandbox.api("GET", commands_path)
        assert status == 200, commands
        return commands

    (command,) = poll("/ping registered", registered, bot, timeout=30)
    assert (command["name"], command["type"], command["description"]) == (
        "ping", 1, "Replies with Pong!",
    )

    readme = readme_requests()

    # /ping -> "Pong!" with a button.
    assert readme[2]["data"] == {"name": "ping", "type": 1}, readme[2]
    ping = interaction(sandbox, readme[2])
    record = answered(sandbox, bot, ping)
    first = record["initial_response"]
    print(f"/ping answered after {first['after_ms']} ms")
    assert first["type"] == 4, first
    assert first["after_ms"] < WINDOW_MS, first
    assert first["data"]["content"] == "Pong!", first
    ((button,),) = [row["components"] for row in first["data"]["components"]]
    assert button["type"] == 2 and button["custom_id"], button
    pong_message = record["original_message"]
    assert pong_message["content"] == "Pong!", pong_message

    # The button -> a modal with a text input.
    click_body = readme[3]
    assert click_body["data"] == {"custom_id": button["custom_id"], "component_type": 2}, (
        f"the README's button click does not match the bot's button {button}"
    )
    click = interaction(sandbox, dict(click_body, message_id=pong_message["id"]))
    modal = answered(sandbox, bot, click)["initial_response"]
    print(f"button answered after {modal['after_ms']} ms")
    assert modal["type"] == 9, modal
    assert modal["after_ms"] < WINDOW_MS, modal
    assert modal["data"]["custom_id"] and modal["data"]["title"], modal
    ((text_input,),) = [row["components"] for row in modal["data"]["components"]]
    assert text_input["type"] == 4 and text_input["custom_id"], text_input

    # The modal submit -> deferred, then the original edited to the text, then a file follow-up.
    submit_body = json.loads(json.dumps(readme[5]))
    data = submit_body["data"]
    ((typed_input,),) = [row["components"] for row in data["components"]]
    assert (data["custom_id"], typed_input["type"], typed_input["custom_id"]) == (
        modal["data"]["custom_id"], 4, text_input["custom_id"],
    ), f"the README's modal submit does not match the bot's modal {modal['data']}"
    typed_input["value"] = TYPED
    submit = interaction(sandbox, dict(submit_body, message_id=pong_message["id"]))
    record = answered(sandbox, bot, submit, until=lambda r: r["followups"])
    deferred = record["initial_response"]
    print(f"modal submit answered after {deferred['after_ms']} ms")
    assert deferred["type"] == 5, deferred
    assert deferred["after_ms"] < WINDOW_MS, deferred
    original = record["original_message"]
    assert original["content"] == f"You said: {TYPED}", original
    assert not int(original.get("flags") or 0) & LOADING, "the deferred message was not edited"
    (followup,) = record["followups"]
    (attachment,) = followup["attachments"]
    assert attachment["filename"] == "said.txt", attachment
    assert attachment["size"] == len(TYPED.encode()), attachment
    status, served = http("GET", attachment["url"])
    assert (status, served.decode()) == (200, TYPED)

    # In that order on the wire: the callback, the edit of @original, the follow-up.
    status, log = sandbox.control("GET", "/requests")
    assert status == 200
    token_routes = [(r["method"], r["path"]) for r in log if f"/{submit['token']}" in r["path"]]
    steps = [
        "callback" if path.endswith("/callback")
        else "edit" if method == "PATCH" and path.endswith("/messages/@original")
        else "followup" if method == "POST" and "/webhooks/" in path
        else "other"
        for method, path in token_routes
    ]
    assert steps == ["callback", "edit", "followup"], token_routes
