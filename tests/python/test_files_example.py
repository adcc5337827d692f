"""The README's "Reply with a file" example (section The API → Messages), run as written in a
child Python process with stubs generated from OUR proto, against the emulator: the reply
carries the file, Discord received multipart/form-data with `payload_json` and `files[0]`, and
the attachment's URL serves the bytes sent.
"""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
from pathlib import Path

from test_messages_api import stubs  # noqa: F401  (the module-scoped stubs fixture)

README = Path(__file__).resolve().parents[2] / "README.md"
MARKER = "Reply with a file and a link button:"


def readme_example() -> str:
    """The Python block that follows MARKER in the README."""
    text = README.read_text(encoding="utf-8")
    start = text.index(MARKER)
    match = re.compile(r"```python\n(.*?)```", re.S).search(text, start)
    assert match, "no Python block after the marker"
    return match.group(1)


def test_readme_reply_with_a_file(stubs, server, rest):  # noqa: F811
    code = readme_example()
    assert "127.0.0.1:50051" in code
    code = code.replace("127.0.0.1:50051", server.target)
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=stubs,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"the README example failed:\n{proc.stderr}"
    filename, size, url = proc.stdout.strip().splitlines()[-1].split(" ")
    report = b"character,isk\nAlice,120000000\nBob,80000000\n"
    assert (filename, int(size)) == ("payouts.csv", len(report))
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == report

    posts = [r for r in rest.raw_requests() if r["method"] == "POST"]
    question, reply = posts[-2], posts[-1]
    assert "parts" not in question, "a message without files is JSON"
    assert [p["name"] for p in reply["parts"]] == ["payload_json", "files[0]"]
    part = reply["parts"][1]
    assert (part["filename"], part["content_type"], part["size"]) == (
        "payouts.csv",
        "text/csv",
        len(report),
    )
    body = reply["body"]
    assert body["attachments"] == [
        {"id": "0", "filename": "payouts.csv", "description": "SRP payouts"}
    ]
    assert body["message_reference"]["message_id"] == question["response"]["id"]
    assert body["components"][0]["components"][0]["url"] == "https://example.com/srp"
