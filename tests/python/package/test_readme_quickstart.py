"""The README's "Python quick start" example, run as written with OUR package against the real
`discordproxyserver --sandbox` (only its address is replaced): what it prints must be what the
README's comments say."""

from __future__ import annotations

import re
import subprocess
import sys

from support import REPO_ROOT
from test_slash_command_bot import Sandbox

README = REPO_ROOT / "README.md"
ADDRESS = "127.0.0.1:50051"


def quickstart() -> str:
    section = README.read_text().split("### Python quick start", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, flags=re.S)
    assert block, "no ```python block in the README's Python quick start"
    assert ADDRESS in block.group(1)
    return block.group(1)


def test_the_readme_python_quick_start_runs_as_written(tmp_path):
    sandbox = Sandbox(tmp_path)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", quickstart().replace(ADDRESS, sandbox.address)],
            capture_output=True, text=True, timeout=60, cwd=tmp_path,
        )
    finally:
        sandbox.stop()
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 4, lines
    assert re.fullmatch(r"sent [1-9][0-9]+", lines[0]), lines[0]
    assert "general" in lines[1], lines[1]
    assert lines[2] == "Sandbox Guild", lines[2]
    assert lines[3] == "403 50007 Cannot send messages to this user", lines[3]
