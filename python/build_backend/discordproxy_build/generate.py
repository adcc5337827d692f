"""Generates the Python modules of the `discordproxy` package from proto/discord_api.proto.

Run at build time by the build backend (`discordproxy_build`), and by hand for development:

    python python/build_backend/discordproxy_build/generate.py

It writes into python/discordproxy/ (git ignores these files; nothing generated is checked in):

- discord_api_pb2.py        protobuf messages (grpc_tools' protoc, the one from PyPI: no system
                            protoc is needed)
- discord_api_pb2_grpc.py   the `DiscordApiStub` (grpc_tools' gRPC plugin)
- discord_api_pb2.pyi,
  discord_api_pb2_grpc.pyi  typing stubs (mypy-protobuf's protoc plugins)
- _methods.py               the client's typed methods, one per RPC (see methods.py)

The proto keeps its file name `discord_api.proto` (as in the original package, whose descriptor
clients may compare), so the gRPC module's import of the messages is made relative afterwards,
as the original package ships it.
"""

from __future__ import annotations

import shutil
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROTO = ROOT / "proto" / "discord_api.proto"
PACKAGE = ROOT / "python" / "discordproxy"

GENERATED = (
    "discord_api_pb2.py",
    "discord_api_pb2.pyi",
    "discord_api_pb2_grpc.py",
    "discord_api_pb2_grpc.pyi",
    "_methods.py",
)


def _plugin(name: str) -> str:
    """The path of a protoc plugin script installed with mypy-protobuf (build env or venv)."""
    found = shutil.which(name)
    if found:
        return found
    candidate = Path(sysconfig.get_path("scripts")) / name
    if candidate.exists():
        return str(candidate)
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    raise RuntimeError(f"{name} not found: install mypy-protobuf (a build requirement)")


def _relative_import(path: Path) -> None:
    """`import discord_api_pb2` → `from . import discord_api_pb2` (the package's own module)."""
    text = path.read_text()
    fixed = text.replace("import discord_api_pb2 as", "from . import discord_api_pb2 as")
    if fixed == text:
        raise RuntimeError(f"{path.name}: no import of discord_api_pb2 to make relative")
    path.write_text(fixed)


def generate(package: Path = PACKAGE, proto: Path = PROTO) -> list[Path]:
    """Writes the generated modules into `package`; returns their paths."""
    from grpc_tools import protoc

    package.mkdir(parents=True, exist_ok=True)
    args = [
        "grpc_tools.protoc",
        f"-I{proto.parent}",
        f"--python_out={package}",
        f"--grpc_python_out={package}",
        f"--plugin=protoc-gen-mypy={_plugin('protoc-gen-mypy')}",
        f"--plugin=protoc-gen-mypy_grpc={_plugin('protoc-gen-mypy_grpc')}",
        f"--mypy_out={package}",
        f"--mypy_grpc_out={package}",
        proto.name,
    ]
    rc = protoc.main(args)
    if rc != 0:
        raise RuntimeError(f"grpc_tools.protoc failed on {proto} (exit {rc})")
    _relative_import(package / "discord_api_pb2_grpc.py")
    _relative_import(package / "discord_api_pb2_grpc.pyi")

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    try:
        import methods  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    methods.write(package / "_methods.py", package / "discord_api_pb2.py")
    return [package / name for name in GENERATED]


if __name__ == "__main__":
    for written in generate():
        print(f"wrote {written.relative_to(ROOT)}")
