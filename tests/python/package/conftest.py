"""Fixtures of the package tests: OUR `discordproxy` package (2.x: the wheel, or python/ on
PYTHONPATH during development) against the real server binary and the emulator.

The parent conftest's session `emulator` and `server` are reused; tests that need other server
flags (TLS, API keys, a restart, a small event buffer) start their own `ProxyServer`.

In the compatibility suite's venv, where `discordproxy` is the PyPI 1.5.1 package, these tests
are not collected (they test the 2.x package).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


def _ours() -> bool:
    try:
        import discordproxy
    except ImportError:
        return False
    return not str(getattr(discordproxy, "__version__", "1")).startswith("1.")


if not _ours():
    collect_ignore_glob = ["test_*.py"]


HERE = Path(__file__).resolve().parent


@pytest.fixture
def client(server) -> Iterator[object]:
    """Our blocking client on the session server (overrides the parent's 1.5.1 client)."""
    from discordproxy.client import DiscordClient

    with DiscordClient(target=server.target, timeout=30) as c:
        yield c


@pytest.fixture(scope="session")
def certificates(tmp_path_factory) -> dict[str, Path]:
    from pkg_support import make_certificates

    return make_certificates(tmp_path_factory.mktemp("certificates"))
