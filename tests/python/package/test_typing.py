"""`mypy --strict` accepts user code calling the clients (typed_example.py), and rejects calls
with wrong types: the generated methods are typed, not `Any`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE / "typed_example.py"

BAD = '''\
from discordproxy import discord_api_pb2 as api
from discordproxy.aio import AsyncDiscordClient
from discordproxy.client import DiscordClient

client = DiscordClient()
client.get_guild(guild_id="300000000000000001")
client.get_guild(300000000000000001)
client.get_guild(guild=1)
client.send_channel_message(channel_id=1, embeds=api.Embed())
wrong: api.Message = client.get_guild(guild_id=1)
channels: list[int] = list(client.get_guild_channels(1))
client.create_channel_message("400000000000000002", "hi")


async def main() -> None:
    aio = AsyncDiscordClient()
    not_awaited: api.GetGuildResponse = aio.get_guild(guild_id=1)
'''
BAD_LINES = {6, 7, 8, 9, 10, 11, 12, 17}


def _env() -> dict[str, str]:
    """The environment for mypy: the `discordproxy` this test imports must be the one mypy
    checks (PYTHONPATH made absolute, as mypy runs in another folder)."""
    import discordproxy

    env = dict(os.environ)
    root = str(Path(discordproxy.__file__).resolve().parents[1])
    paths = [str(Path(p).resolve()) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if root not in paths and "site-packages" not in root:
        paths.insert(0, root)
    if paths:
        env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def _mypy(path: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    try:
        import mypy  # noqa: F401
    except ImportError:
        pytest.fail("mypy is missing: pip install -r tests/python/package/requirements.txt")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--python-executable", sys.executable,
         "--cache-dir", str(cache), "--no-error-summary", "--show-error-codes", str(path)],
        capture_output=True, text=True, cwd=path.parent, timeout=540, env=_env(),
    )


@pytest.mark.timeout(600)
def test_mypy_strict_accepts_the_example(tmp_path):
    result = _mypy(EXAMPLE, tmp_path / "mypy-cache")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.timeout(600)
def test_mypy_strict_rejects_wrong_calls(tmp_path):
    bad = tmp_path / "bad_example.py"
    bad.write_text(BAD)
    result = _mypy(bad, tmp_path / "mypy-cache")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = {
        int(line.split(":")[1])
        for line in result.stdout.splitlines()
        if line.startswith(str(bad)) or line.startswith("bad_example.py")
        if ": error:" in line
    }
    assert lines == BAD_LINES, result.stdout
