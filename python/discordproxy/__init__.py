"""Client for the discordproxy gRPC server: the Discord API over gRPC.

``discordproxy.client.DiscordClient`` (blocking) and ``discordproxy.aio.AsyncDiscordClient``
(asyncio) call every RPC of ``discord_api.DiscordApi``; ``discordproxy.exceptions`` holds the
errors they raise. The generated ``discordproxy.discord_api_pb2`` and
``discordproxy.discord_api_pb2_grpc`` are the messages and the raw stub.
"""

from __future__ import annotations

import re
from importlib import metadata as _metadata
from pathlib import Path as _Path

__all__ = ["__title__", "__version__"]

__title__ = "Discord Proxy"


def _version() -> str:
    """The installed distribution's version; from a source checkout, Cargo.toml's."""
    here = _Path(__file__).resolve()
    try:
        dist = _metadata.distribution("discordproxy")
        located = _Path(str(dist.locate_file("discordproxy/__init__.py"))).resolve()
        if located == here:  # the metadata describes this very package, not another install
            return dist.version
    except (_metadata.PackageNotFoundError, OSError, ValueError):
        pass
    try:
        # The distribution's version is the Cargo workspace version (pyproject.toml says so).
        cargo = (here.parents[2] / "Cargo.toml").read_text(encoding="utf-8")
        found = re.search(r'(?ms)^\[workspace\.package\]\s*$.*?^version\s*=\s*"([^"]+)"', cargo)
        if found and (here.parents[2] / "crates" / "discordproxy-wheel").is_dir():
            return found.group(1)
    except OSError:
        pass
    return "0+unknown"


__version__ = _version()
