"""The README's Python examples that use stubs generated from OUR proto, run as written against
the test server (only the address is replaced), each in a child Python process as an
application would run it. Every such example in the README must have a check here: a new
example without one fails `test_every_example_is_checked`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from support import API, GENERAL_ID, GUILD_ID, TOKEN

README = Path(__file__).resolve().parents[2] / "README.md"
ADDRESS = "127.0.0.1:50051"
MESSAGES = "SendChannelMessage+EditChannelMessage+DeleteChannelMessage"


def examples() -> dict[str, str]:
    """The README's ```python blocks that import our stubs and dial the README's address, by
    the RPCs they call (`stub.<Rpc>(`), in order, joined with "+"."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    found = {}
    for block in blocks:
        if "import discord_api_pb2 as api" not in block or ADDRESS not in block:
            continue
        rpcs = list(dict.fromkeys(re.findall(r"stub\.(\w+)\(", block)))
        assert rpcs, f"an example without an RPC call:\n{block}"
        key = "+".join(rpcs)
        assert key not in found, f"two examples call {key}"
        found[key] = block
    return found


def run(stubs: Path, target: str, block: str) -> list[str]:
    """Runs the example; returns its printed lines."""
    proc = subprocess.run(
        [sys.executable, "-c", block.replace(ADDRESS, target)],
        cwd=stubs, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, f"the example failed:\n{proc.stderr}"
    return proc.stdout.splitlines()


def test_every_example_is_checked():
    assert set(examples()) == set(CHECKS), (
        "README examples and their checks differ: add a check to CHECKS"
    )


def check_messages(stubs, server, emulator):
    lines = run(stubs, server.target, examples()[MESSAGES])
    edited_timestamp, edited_json = lines[0].split(" ", 1)
    assert edited_timestamp.startswith("20"), lines[0]
    assert json.loads(edited_json)["content"] == "Timer: 5 minutes left"
    code, details = lines[1].split(" ", 1)
    assert code == "StatusCode.NOT_FOUND"
    assert json.loads(details) == {
        "type": "HTTPException", "status": 404, "code": 10008, "text": "Unknown Message",
    }


def check_reply_with_a_file(stubs, server, emulator):
    """The reply carries the file, Discord received multipart/form-data with `payload_json`
    and `files[0]`, and the attachment's URL serves the bytes sent."""
    emulator.clear_requests()
    (line,) = run(stubs, server.target, examples()["SendChannelMessage"])
    filename, size, url = line.split(" ")
    report = b"character,isk\nAlice,120000000\nBob,80000000\n"
    assert (filename, int(size)) == ("payouts.csv", len(report))
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == report

    posts = [r for r in emulator.raw_requests() if r["method"] == "POST"]
    question, reply = posts[-2], posts[-1]
    assert "parts" not in question, "a message without files is JSON"
    assert [p["name"] for p in reply["parts"]] == ["payload_json", "files[0]"]
    part = reply["parts"][1]
    assert (part["filename"], part["content_type"], part["size"]) == (
        "payouts.csv", "text/csv", len(report),
    )
    body = reply["body"]
    assert body["attachments"] == [
        {"id": "0", "filename": "payouts.csv", "description": "SRP payouts"}
    ]
    assert body["message_reference"]["message_id"] == question["response"]["id"]
    assert body["components"][0]["components"][0]["url"] == "https://example.com/srp"


def check_call_discord_api(stubs, server, emulator):
    status, guild = emulator.api_get(f"/guilds/{GUILD_ID}?with_counts=true")
    assert status == 200
    _, before = emulator.api_get(f"/channels/{GENERAL_ID}")
    try:
        lines = run(stubs, server.target, examples()["CallDiscordApi"])
        assert lines == [f"200 {guild['approximate_member_count']}", "200 Timers"]
        patches = [
            r for r in emulator.raw_requests()
            if r["method"] == "PATCH" and r["path"] == f"{API}/channels/{GENERAL_ID}"
        ]
        assert [(p["body"], p["audit_log_reason"]) for p in patches][-1:] == [
            ({"topic": "Timers"}, "new topic")
        ]
    finally:  # the session's other tests expect the fixture's topic
        emulator._http(
            "PATCH", f"{API}/channels/{GENERAL_ID}", {"topic": before.get("topic")},
            headers={"Authorization": f"Bot {TOKEN}"},
        )


def check_stream_events(stubs, server, emulator):
    """The example streams forever: it runs until it printed the message posted meanwhile."""
    block = examples()["StreamEvents"]
    proc = subprocess.Popen(
        [sys.executable, "-u", "-c", block.replace(ADDRESS, server.target)],
        cwd=stubs, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    try:
        content = f"README stream example {time.time()}"
        deadline = time.monotonic() + 20
        while not any(content in line for line in lines):
            assert proc.poll() is None, f"the example exited:\n{proc.stderr.read()}"
            assert time.monotonic() < deadline, f"not printed in time; printed {lines}"
            status, _ = emulator._http(
                "POST", f"{API}/channels/{GENERAL_ID}/messages", {"content": content},
                headers={"Authorization": f"Bot {TOKEN}"},
            )
            assert status == 200
            time.sleep(0.5)
        line = next(line for line in lines if content in line)
        assert f"guild={GUILD_ID} channel={GENERAL_ID}" in line, line
    finally:
        proc.kill()
        proc.wait(timeout=10)


MEMBERS = "GetGuildRoles+CreateGuildRole+AddGuildMember+ModifyGuildMember+RemoveGuildMember"


def check_members(stubs, server, emulator):
    """Alliance Auth's flow: each call is one REST request with the body AA sends."""
    dave = "200000000000000004"
    before = len(emulator.raw_requests())
    assert run(stubs, server.target, examples()[MEMBERS]) == []
    calls = [
        (r["method"], r["path"].removeprefix(API), r["body"], r["status"])
        for r in emulator.raw_requests()[before:]
        if "/members" in r["path"] or "/roles" in r["path"]
    ]
    members = f"/guilds/{GUILD_ID}/members/{dave}"
    assert calls[0][:2] == ("GET", f"/guilds/{GUILD_ID}/roles")
    put = next(c for c in calls if c[0] == "PUT")
    assert put[1] == members and put[3] == 201, calls
    assert put[2]["access_token"] == "sandbox-oauth-dave" and put[2]["nick"] == "[CORP] Dave"
    assert ("PATCH", members, {"nick": None}, 200) in calls
    assert calls[-1] == ("DELETE", members, None, 204)


CHECKS = {
    MEMBERS: check_members,
    MESSAGES: check_messages,
    "SendChannelMessage": check_reply_with_a_file,
    "CallDiscordApi": check_call_discord_api,
    "StreamEvents": check_stream_events,
}


@pytest.mark.parametrize("rpc", sorted(CHECKS))
def test_readme_example(rpc, stubs, server, emulator):
    CHECKS[rpc](stubs, server, emulator)
