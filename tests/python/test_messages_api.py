"""The message RPCs of issue 12 from Python, with stubs generated from OUR proto (as the README
shows): send with a client nonce twice (one message), edit with clear_fields, delete, delete
again (NOT_FOUND with Discord's 404/10008 JSON), and suppress_mentions on the wire.

The unmodified PyPI client cannot call these RPCs (its proto predates them). Its generated
module registers `discord_api.proto` in this process's protobuf descriptor pool, so our stubs
run in a child Python process (as an application would), which prints what it got as JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path


from support import API, GENERAL_ID


def run_app(stubs: Path, target: str, code: str) -> dict:
    """Runs `code` in a child Python with our stubs importable as `api` and `api_grpc`, a
    `stub` on `target`, and a `result` dict it fills; returns `result`."""
    program = (
        "import json, grpc\n"
        "import discord_api_pb2 as api\n"
        "import discord_api_pb2_grpc as api_grpc\n"
        "result = {}\n"
        f"with grpc.insecure_channel({target!r}) as channel:\n"
        "    stub = api_grpc.DiscordApiStub(channel)\n"
        + textwrap.indent(textwrap.dedent(code), "    ")
        + "print(json.dumps(result))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", program],
        cwd=stubs,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, f"the app failed:\n{proc.stderr}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_send_twice_edit_delete_delete_again(stubs, server, rest):
    result = run_app(
        stubs,
        server.target,
        f"""
        request = api.SendChannelMessageRequest(
            channel_id={GENERAL_ID}, content="Timer: 10 minutes left @everyone",
            embed=api.Embed(title="Fortizar"), suppress_mentions=True,
            nonce="py-timer-42", enforce_nonce=True)
        first = stub.SendChannelMessage(request, timeout=10)
        second = stub.SendChannelMessage(request, timeout=10)
        result["ids"] = [first.message.id, second.message.id]
        result["first_json_id"] = json.loads(first.json)["id"]
        edited = stub.EditChannelMessage(api.EditChannelMessageRequest(
            channel_id={GENERAL_ID}, message_id=first.message.id,
            content="Timer: 5 minutes left", clear_fields=["embeds"],
            audit_log_reason="timer update"), timeout=10)
        result["edited"] = [edited.message.content, len(edited.message.embeds),
                            json.loads(edited.json)["content"]]
        delete = api.DeleteChannelMessageRequest(
            channel_id={GENERAL_ID}, message_id=first.message.id)
        result["deleted"] = stub.DeleteChannelMessage(delete, timeout=10) == \\
            api.DeleteChannelMessageResponse()
        try:
            stub.DeleteChannelMessage(delete, timeout=10)
        except grpc.RpcError as error:
            result["again"] = [error.code().name, json.loads(error.details())]
        """,
    )
    first_id, second_id = result["ids"]
    assert first_id == second_id != 0, "the same nonce gives one message"
    assert result["first_json_id"] == str(first_id)
    assert result["edited"] == ["Timer: 5 minutes left", 0, "Timer: 5 minutes left"]
    assert result["deleted"] is True
    assert result["again"] == [
        "NOT_FOUND",
        {"type": "HTTPException", "status": 404, "code": 10008, "text": "Unknown Message"},
    ]

    calls = rest.requests()
    creates = [c for c in calls if c.method == "POST"]
    assert len(creates) == 2
    for create in creates:
        assert create.body["allowed_mentions"] == {"parse": []}
        assert (create.body["nonce"], create.body["enforce_nonce"]) == ("py-timer-42", True)
    message_path = f"{API}/channels/{GENERAL_ID}/messages/{first_id}"
    (patch,) = [c for c in calls if c.method == "PATCH"]
    assert patch.path == message_path
    assert patch.body == {"content": "Timer: 5 minutes left", "embeds": None}
    (raw_patch,) = [r for r in rest.raw_requests() if r["method"] == "PATCH"]
    assert raw_patch["audit_log_reason"] == "timer update"
    deletes = [(c.path, c.status) for c in calls if c.method == "DELETE"]
    assert deletes == [(message_path, 204), (message_path, 404)]


def test_unset_new_fields_send_no_allowed_mentions(stubs, server, rest):
    run_app(
        stubs,
        server.target,
        f"""
        stub.SendChannelMessage(api.SendChannelMessageRequest(
            channel_id={GENERAL_ID}, content="@everyone pings"), timeout=10)
        """,
    )
    (create,) = [c for c in rest.requests() if c.method == "POST"]
    assert "allowed_mentions" not in create.body, create.body


def test_edit_of_nothing_is_invalid_argument_in_plain_text(stubs, server, rest):
    result = run_app(
        stubs,
        server.target,
        f"""
        try:
            stub.EditChannelMessage(api.EditChannelMessageRequest(
                channel_id={GENERAL_ID}, message_id=1), timeout=10)
        except grpc.RpcError as error:
            result["error"] = [error.code().name, error.details()]
        """,
    )
    code, details = result["error"]
    assert code == "INVALID_ARGUMENT"
    assert "sets nothing" in details
    assert rest.requests() == []
