"""Writes `discordproxy/_methods.py`: the clients' typed methods, one per RPC of the service.

Called by generate.py at build time (grpc_tools and protobuf are importable there):

    methods.write(out_path, pb2_path)

The service, its methods and their request/response messages are read from the freshly generated
`discord_api_pb2.py` itself (the serialized FileDescriptorProto it registers, parsed with
protobuf; the module is not imported, so nothing is added to this process's descriptor pool).
The proto's comments, which the pb2 module does not carry, are read from proto/discord_api.proto
with grpc_tools' protoc (`--include_source_info`) when it is next to this build backend, and
become the methods' docstrings; without it the methods are the same, with shorter docstrings.

The written module holds two mixin classes, `DiscordApiMethods` (blocking) and
`AsyncDiscordApiMethods` (asyncio), with one method per RPC:

- name: the RPC's name in snake_case (`SendChannelMessage` → `send_channel_message`,
  `CreateDM` → `create_dm`). A name the clients define by hand (`HAND_WRITTEN`: the 1.5.1 methods
  and `stream_events`) gets the suffix `_rpc` instead: `GetGuildChannels` → `get_guild_channels_rpc`
  (`get_guild_channels(guild_id)` keeps 1.5.1's signature and returns the channel list) and
  `StreamEvents` → `stream_events_rpc` (one stream, no reconnection; `stream_events` reconnects);
- parameters: keyword-only, one per request field, named as the field (a Python keyword or a
  name of the extra parameters gets a trailing `_`), typed from the field, default None (= not
  set: proto3 `optional` fields stay unset), then `timeout` and `metadata`;
- result: the response message (unary), or a `ServerStream` / `AsyncServerStream` of response
  messages (server streaming).
"""

from __future__ import annotations

import ast
import keyword
import re
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import descriptor_pb2

ROOT = Path(__file__).resolve().parents[3]
PROTO = ROOT / "proto" / "discord_api.proto"
SERVICE = "DiscordApi"

#: Method names the clients define by hand (1.5.1's API, the reconnecting event stream and the
#: clients' own attributes). An RPC whose snake_case name is one of them gets the suffix `_rpc`.
HAND_WRITTEN = frozenset(
    {
        "get_guild_channels",
        "create_channel_message",
        "create_direct_message",
        "stream_events",
        "close",
        "aclose",
        "target",
        "timeout",
        "options",
        "channel",
        "stub",
    }
)
#: Parameters every generated method has after the request's fields.
EXTRA_PARAMETERS = ("timeout", "metadata")

_F = descriptor_pb2.FieldDescriptorProto
_SCALARS = {
    _F.TYPE_DOUBLE: "float",
    _F.TYPE_FLOAT: "float",
    _F.TYPE_INT64: "int",
    _F.TYPE_UINT64: "int",
    _F.TYPE_INT32: "int",
    _F.TYPE_FIXED64: "int",
    _F.TYPE_FIXED32: "int",
    _F.TYPE_UINT32: "int",
    _F.TYPE_SFIXED32: "int",
    _F.TYPE_SFIXED64: "int",
    _F.TYPE_SINT32: "int",
    _F.TYPE_SINT64: "int",
    _F.TYPE_BOOL: "bool",
    _F.TYPE_STRING: "str",
    _F.TYPE_BYTES: "bytes",
}


def snake_case(name: str) -> str:
    """`SendChannelMessage` → `send_channel_message`, `CreateDM` → `create_dm`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    return spaced.lower()


def method_name(rpc: str) -> str:
    """The client method of an RPC (see the module docstring)."""
    name = snake_case(rpc)
    if name in HAND_WRITTEN or keyword.iskeyword(name):
        name += "_rpc"
    return name


def parameter_name(field_name: str) -> str:
    if keyword.iskeyword(field_name) or field_name in EXTRA_PARAMETERS or field_name == "self":
        return field_name + "_"
    return field_name


# ---------------------------------------------------------------------------------------------
# Reading the descriptor
# ---------------------------------------------------------------------------------------------


def file_descriptor(pb2: Path) -> descriptor_pb2.FileDescriptorProto:
    """The FileDescriptorProto the generated module registers (`AddSerializedFile(b'...')`)."""
    tree = ast.parse(Path(pb2).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "AddSerializedFile"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, bytes)
        ):
            return descriptor_pb2.FileDescriptorProto.FromString(node.args[0].value)
    raise RuntimeError(f"{pb2}: no AddSerializedFile(b'...') with the file descriptor")


def source_comments(proto: Path = PROTO) -> dict[tuple[int, ...], str]:
    """Comments by SourceCodeInfo path, from protoc with source info; empty when unavailable."""
    if not proto.is_file():
        return {}
    try:
        from grpc_tools import protoc
    except ImportError:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "descriptor.pb"
        rc = protoc.main(
            [
                "grpc_tools.protoc",
                f"-I{proto.parent}",
                "--include_source_info",
                f"--descriptor_set_out={out}",
                proto.name,
            ]
        )
        if rc != 0 or not out.is_file():
            return {}
        files = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes()).file
    comments: dict[tuple[int, ...], str] = {}
    for file in files:
        if file.name != proto.name:
            continue
        for location in file.source_code_info.location:
            text = location.leading_comments.strip("\n") or location.trailing_comments.strip("\n")
            if text.strip():
                comments[tuple(location.path)] = textwrap.dedent(text).strip()
    return comments


@dataclass
class Field:
    name: str
    parameter: str
    annotation: str
    comment: str


@dataclass
class Rpc:
    name: str
    method: str
    request: str
    response: str
    server_streaming: bool
    comment: str
    fields: list[Field] = field(default_factory=list)


class _Types:
    """Python annotations for the types of one proto file."""

    def __init__(self, file: descriptor_pb2.FileDescriptorProto, comments: dict[tuple[int, ...], str]):
        self.package = file.package
        self.comments = comments
        self.messages: dict[str, tuple[descriptor_pb2.DescriptorProto, tuple[int, ...]]] = {}
        self.enums: set[str] = set()

        def walk(prefix: str, path: tuple[int, ...], messages: Any, enums: Any, tag: int) -> None:
            for enum in enums:
                self.enums.add(f"{prefix}.{enum.name}")
            for index, message in enumerate(messages):
                full = f"{prefix}.{message.name}"
                here = (*path, tag, index)
                self.messages[full] = (message, here)
                walk(full, here, message.nested_type, message.enum_type, 3)

        walk(f".{file.package}", (), file.message_type, file.enum_type, 4)

    def python_name(self, type_name: str) -> str | None:
        """`.discord_api.Channel.Type` → `_pb.Channel.Type`; None for another file's type."""
        prefix = f".{self.package}."
        if not type_name.startswith(prefix):
            return None
        return "_pb." + type_name[len(prefix) :]

    def element(self, f: descriptor_pb2.FieldDescriptorProto) -> str:
        if f.type in _SCALARS:
            return _SCALARS[f.type]
        name = self.python_name(f.type_name)
        if f.type == _F.TYPE_ENUM:
            return f"{name}.ValueType | int" if name else "int"
        return name or "_Message"

    def annotation(self, f: descriptor_pb2.FieldDescriptorProto) -> str:
        if f.label == _F.LABEL_REPEATED:
            entry = self.messages.get(f.type_name)
            if entry is not None and entry[0].options.map_entry:
                key, value = entry[0].field[0], entry[0].field[1]
                return f"Mapping[{self.element(key)}, {self.element(value)}]"
            return f"Sequence[{self.element(f)}]"
        return self.element(f)

    def fields(self, message_type: str) -> list[Field]:
        message, path = self.messages[message_type]
        out = []
        for index, f in enumerate(message.field):
            out.append(
                Field(
                    name=f.name,
                    parameter=parameter_name(f.name),
                    annotation=self.annotation(f),
                    comment=self.comments.get((*path, 2, index), ""),
                )
            )
        return out

    def class_name(self, type_name: str) -> str:
        name = self.python_name(type_name)
        if name is None:
            raise RuntimeError(f"{type_name}: request and response types must be in this file")
        return name


def rpcs(pb2: Path, proto: Path = PROTO) -> list[Rpc]:
    """The service's RPCs, in the proto's order."""
    file = file_descriptor(pb2)
    comments = source_comments(proto)
    types = _Types(file, comments)
    for service_index, service in enumerate(file.service):
        if service.name != SERVICE:
            continue
        out = []
        for index, method in enumerate(service.method):
            if method.client_streaming:
                raise RuntimeError(f"{method.name}: client-streaming RPCs are not supported")
            out.append(
                Rpc(
                    name=method.name,
                    method=method_name(method.name),
                    request=types.class_name(method.input_type),
                    response=types.class_name(method.output_type),
                    server_streaming=method.server_streaming,
                    comment=comments.get((6, service_index, 2, index), ""),
                    fields=types.fields(method.input_type),
                )
            )
        names = [r.method for r in out]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise RuntimeError(f"RPCs with the same method name: {duplicates}")
        return out
    raise RuntimeError(f"{pb2}: no service {SERVICE}")


# ---------------------------------------------------------------------------------------------
# Writing the module
# ---------------------------------------------------------------------------------------------


def _docstring(text: str, indent: str) -> str:
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').rstrip()
    lines = text.splitlines()
    body = "\n".join((indent + line) if line.strip() else "" for line in lines[1:])
    if body:
        return f'{indent}"""{lines[0]}\n{body}\n{indent}"""\n'
    return f'{indent}"""{lines[0]}"""\n'


def _method_doc(rpc: Rpc) -> str:
    summary = rpc.comment or f"The RPC `{rpc.name}`."
    parts = [summary, ""]
    request = rpc.request.removeprefix("_pb.")
    if rpc.fields:
        parts.append(f"Keyword arguments: the fields of `{request}` (None leaves a field unset).")
        parts.append("")
        for f in rpc.fields:
            comment = " ".join(f.comment.split()) if f.comment else ""
            parts.append(f"- {f.parameter}: {comment}".rstrip())
        parts.append("")
    if rpc.server_streaming:
        parts.append(
            "`timeout`: seconds for the whole stream (default: none; the client's timeout is for"
            " unary calls); `metadata`: extra gRPC metadata."
        )
    else:
        parts.append(
            "`timeout`: seconds (default: the client's timeout); `metadata`: extra gRPC metadata."
        )
    response = rpc.response.removeprefix("_pb.")
    if rpc.server_streaming:
        parts.append(f"Returns a stream (iterator) of `{response}`; cancel() ends it.")
    else:
        parts.append(f"Returns `{response}`.")
    parts.append(f"Raises the `discordproxy.exceptions` errors. RPC: `{SERVICE}/{rpc.name}`.")
    return "\n".join(parts)


def _method(rpc: Rpc, asynchronous: bool) -> str:
    params = ["self", "*"]
    for f in rpc.fields:
        params.append(f"{f.parameter}: {f.annotation} | None = None")
    params.append("timeout: float | None = None")
    params.append("metadata: Metadata | None = None")
    if rpc.server_streaming:
        stream = "AsyncServerStream" if asynchronous else "ServerStream"
        returns = f"{stream}[{rpc.response}]"
    else:
        returns = rpc.response
    define = "async def" if asynchronous and not rpc.server_streaming else "def"
    lines = [f"    {define} {rpc.method}(", *(f"        {p}," for p in params), f"    ) -> {returns}:"]
    out = "\n".join(lines) + "\n"
    out += _docstring(_method_doc(rpc), "        ")
    if rpc.fields:
        arguments = "".join(f"                {f.name}={f.parameter},\n" for f in rpc.fields)
        build = f"_request(\n                {rpc.request},\n{arguments}            )"
    else:
        build = f"{rpc.request}()"
    target = "_server_stream" if rpc.server_streaming else "_unary"
    awaiting = "await " if asynchronous and not rpc.server_streaming else ""
    out += (
        f"        return {awaiting}self.{target}(\n"
        f'            "{rpc.name}",\n'
        f"            {build},\n"
        f"            {rpc.response},\n"
        "            timeout,\n"
        "            metadata,\n"
        "        )\n"
    )
    return out


HEADER = '''\
"""The typed methods of `DiscordClient` and `AsyncDiscordClient`: one per RPC of
`discord_api.{service}`.

GENERATED at build time by discordproxy_build/methods.py from proto/discord_api.proto;
do not edit.

Naming rule: the RPC `FooBar` is the method `foo_bar` (`CreateDM` → `create_dm`). Where the
clients define a method of that name by hand, the hand-written one keeps the name and the
generated one gets the suffix `_rpc`:

- `get_guild_channels(guild_id)` is 1.5.1's method and returns the channel list;
  `get_guild_channels_rpc(guild_id=...)` returns the whole `GetGuildChannelsResponse`;
- `stream_events(...)` reconnects after a dropped stream and reports missed events;
  `stream_events_rpc(...)` is one plain `StreamEvents` call.

{renamed}

Every method takes keyword arguments only: one per field of the request message (None, the
default, leaves the field unset, so proto3 `optional` fields stay unset), then `timeout`
(seconds; default: the client's) and `metadata` (extra gRPC metadata pairs). Unary RPCs return
the response message; server-streaming RPCs return a stream of messages (an iterator, or an
async iterator for `AsyncDiscordClient`) with `cancel()`. Errors are the exceptions of
`discordproxy.exceptions`.
"""

from __future__ import annotations

{abc_import}from typing import TypeVar

from google.protobuf.message import Message as _Message

from . import discord_api_pb2 as _pb
from ._base import AsyncServerStream, Metadata, ServerStream
{request_import}
__all__ = ["RPCS", "AsyncDiscordApiMethods", "DiscordApiMethods"]

_R = TypeVar("_R", bound=_Message)

#: Every RPC of the service: name → (method name, request class, response class, server streaming).
RPCS: dict[str, tuple[str, type[_Message], type[_Message], bool]] = {{
{table}}}
'''

SYNC_CLASS = '''

class DiscordApiMethods:
    """The blocking client's methods, one per RPC (mixed into `DiscordClient`)."""

    __slots__ = ()

    def _unary(
        self,
        rpc: str,
        request: _Message,
        response_type: type[_R],
        timeout: float | None,
        metadata: Metadata | None,
    ) -> _R:
        raise NotImplementedError

    def _server_stream(
        self,
        rpc: str,
        request: _Message,
        response_type: type[_R],
        timeout: float | None,
        metadata: Metadata | None,
    ) -> ServerStream[_R]:
        raise NotImplementedError

'''

ASYNC_CLASS = '''

class AsyncDiscordApiMethods:
    """The asyncio client's methods, one per RPC (mixed into `AsyncDiscordClient`)."""

    __slots__ = ()

    async def _unary(
        self,
        rpc: str,
        request: _Message,
        response_type: type[_R],
        timeout: float | None,
        metadata: Metadata | None,
    ) -> _R:
        raise NotImplementedError

    def _server_stream(
        self,
        rpc: str,
        request: _Message,
        response_type: type[_R],
        timeout: float | None,
        metadata: Metadata | None,
    ) -> AsyncServerStream[_R]:
        raise NotImplementedError

'''


def render(all_rpcs: list[Rpc]) -> str:
    renamed = [r for r in all_rpcs if r.method != snake_case(r.name)]
    renamed_text = "Renamed here: " + (
        ", ".join(f"`{r.name}` → `{r.method}`" for r in renamed) if renamed else "none"
    ) + "."
    table = "".join(
        f'    "{r.name}": ("{r.method}", {r.request}, {r.response}, {r.server_streaming}),\n'
        for r in all_rpcs
    )
    annotations = " ".join(f.annotation for r in all_rpcs for f in r.fields)
    abc = [name for name in ("Mapping", "Sequence") if f"{name}[" in annotations]
    abc_import = f"from collections.abc import {', '.join(abc)}\n" if abc else ""
    uses_request = any(r.fields for r in all_rpcs)
    request_import = "from ._base import request as _request\n" if uses_request else ""
    out = HEADER.format(
        service=SERVICE,
        renamed=renamed_text,
        table=table,
        abc_import=abc_import,
        request_import=request_import,
    )
    out += SYNC_CLASS + "\n".join(_method(r, False) for r in all_rpcs)
    out += ASYNC_CLASS + "\n".join(_method(r, True) for r in all_rpcs)
    return out


def write(out: Path, pb2: Path) -> None:
    """Writes the methods module for the service in `pb2` (a generated discord_api_pb2.py)."""
    text = render(rpcs(Path(pb2)))
    compile(text, str(out), "exec")  # a syntax error fails the build, not the import
    Path(out).write_text(text, encoding="utf-8")
