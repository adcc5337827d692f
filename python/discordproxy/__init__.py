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
    """The installed distribution's version; from a source checkout, pyproject.toml's."""
    here = _Path(__file__).resolve()
    try:
        dist = _metadata.distribution("discordproxy")
        located = _Path(str(dist.locate_file("discordproxy/__init__.py"))).resolve()
        if located == here:  # the metadata describes this very package, not another install
            return dist.version
    except (_metadata.PackageNotFoundError, OSError, ValueError):
        pass
    try:
        pyproject = (here.parents[2] / "pyproject.toml").read_text(encoding="utf-8")
        found = re.search(r'(?m)^version\s*=\s*"([^"]+)"', pyproject)
        if found and re.search(r'(?m)^name\s*=\s*"discordproxy"', pyproject):
            return found.group(1)
    except OSError:
        pass
    return "0+unknown"


__version__ = _version()
