"""Wire compatibility: our proto/discord_api.proto against the descriptor shipped in PyPI
discordproxy 1.5.1.

Every package, service, method (name, path, request/response type, streaming), message (nested
ones too), field (name, number, type, label, type_name, packed-ness) and enum value of the
original must be present unchanged in ours. Ours may only add things.

Our descriptor is compiled with grpc_tools.protoc (installed together with discordproxy), so no
system protoc is needed.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2

from discordproxy import discord_api_pb2

REPO_ROOT = Path(__file__).resolve().parents[2]
OUR_PROTO = REPO_ROOT / "proto" / "discord_api.proto"

FDP = descriptor_pb2.FieldDescriptorProto
TYPE_NAMES = {v: k for k, v in FDP.Type.items()}
LABEL_NAMES = {v: k for k, v in FDP.Label.items()}


# --------------------------------------------------------------------------------------------
# Loading the two descriptors
# --------------------------------------------------------------------------------------------


def original_file_descriptor() -> descriptor_pb2.FileDescriptorProto:
    """The FileDescriptorProto that PyPI discordproxy 1.5.1 ships (discord_api_pb2.DESCRIPTOR)."""
    fdp = descriptor_pb2.FileDescriptorProto()
    discord_api_pb2.DESCRIPTOR.CopyToProto(fdp)
    # CopyToProto may leave out nothing we compare, but cross-check with the serialized form.
    raw = descriptor_pb2.FileDescriptorProto.FromString(discord_api_pb2.DESCRIPTOR.serialized_pb)
    assert raw.package == fdp.package and len(raw.message_type) == len(fdp.message_type)
    return raw


def compile_our_descriptor(tmp_dir: Path) -> descriptor_pb2.FileDescriptorProto:
    """Compile proto/discord_api.proto with grpc_tools.protoc into a FileDescriptorSet."""
    from grpc_tools import protoc  # shipped with grpcio-tools (a dependency of discordproxy)
    import grpc_tools

    assert OUR_PROTO.is_file(), f"missing {OUR_PROTO}"
    out = tmp_dir / "discord_api.desc"
    well_known = Path(grpc_tools.__file__).parent / "_proto"
    args = [
        "grpc_tools.protoc",
        f"--proto_path={OUR_PROTO.parent}",
        f"--proto_path={well_known}",
        f"--descriptor_set_out={out}",
        "--include_imports",
        OUR_PROTO.name,
    ]
    rc = protoc.main(args)
    assert rc == 0, f"grpc_tools.protoc failed (exit {rc}) compiling {OUR_PROTO}"
    fds = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    files = [f for f in fds.file if f.name == OUR_PROTO.name]
    assert len(files) == 1, f"{OUR_PROTO.name} not in descriptor set: {[f.name for f in fds.file]}"
    return files[0]


# --------------------------------------------------------------------------------------------
# The comparator: returns a list of human-readable differences (empty = compatible)
# --------------------------------------------------------------------------------------------


def _field_sig(f: descriptor_pb2.FieldDescriptorProto) -> str:
    return (
        f"{f.name} = {f.number} ({LABEL_NAMES.get(f.label, f.label)} "
        f"{TYPE_NAMES.get(f.type, f.type)}{' ' + f.type_name if f.type_name else ''})"
    )


def _packed(f: descriptor_pb2.FieldDescriptorProto):
    return f.options.packed if f.options.HasField("packed") else None


def _compare_enum(where: str, orig: descriptor_pb2.EnumDescriptorProto, ours, diffs: list):
    ours_values = {v.name: v.number for v in ours.value}
    for v in orig.value:
        if v.name not in ours_values:
            diffs.append(f"enum {where}: value {v.name} = {v.number} missing in ours")
        elif ours_values[v.name] != v.number:
            diffs.append(
                f"enum {where}: value {v.name} renumbered: original {v.number}, "
                f"ours {ours_values[v.name]}"
            )
    by_number = {}
    for v in ours.value:
        by_number.setdefault(v.number, []).append(v.name)
    for v in orig.value:
        names = by_number.get(v.number, [])
        if names and v.name not in names:
            diffs.append(
                f"enum {where}: number {v.number} is {v.name} in the original but {names} in ours"
            )


def _compare_message(where: str, orig: descriptor_pb2.DescriptorProto, ours, diffs: list):
    ours_fields = {f.name: f for f in ours.field}
    ours_by_number = {f.number: f for f in ours.field}
    for f in orig.field:
        o = ours_fields.get(f.name)
        if o is None:
            taken = ours_by_number.get(f.number)
            extra = f" (number {f.number} is now '{taken.name}')" if taken else ""
            diffs.append(f"message {where}: field {_field_sig(f)} missing in ours{extra}")
            continue
        for attr in ("number", "type", "label", "type_name"):
            a, b = getattr(f, attr), getattr(o, attr)
            if a != b:
                if attr == "type":
                    a, b = TYPE_NAMES.get(a, a), TYPE_NAMES.get(b, b)
                if attr == "label":
                    a, b = LABEL_NAMES.get(a, a), LABEL_NAMES.get(b, b)
                diffs.append(
                    f"message {where}: field '{f.name}' {attr} differs: original {a!r}, ours {b!r}"
                )
        if _packed(f) != _packed(o):
            diffs.append(
                f"message {where}: field '{f.name}' packed option differs: original "
                f"{_packed(f)!r}, ours {_packed(o)!r}"
            )
        if f.HasField("oneof_index") != o.HasField("oneof_index"):
            diffs.append(
                f"message {where}: field '{f.name}' oneof membership differs: original "
                f"{f.HasField('oneof_index')}, ours {o.HasField('oneof_index')}"
            )
    ours_nested = {m.name: m for m in ours.nested_type}
    for m in orig.nested_type:
        if m.name not in ours_nested:
            diffs.append(f"message {where}.{m.name} missing in ours")
        else:
            _compare_message(f"{where}.{m.name}", m, ours_nested[m.name], diffs)
    ours_enums = {e.name: e for e in ours.enum_type}
    for e in orig.enum_type:
        if e.name not in ours_enums:
            diffs.append(f"enum {where}.{e.name} missing in ours")
        else:
            _compare_enum(f"{where}.{e.name}", e, ours_enums[e.name], diffs)


def compare_descriptors(orig: descriptor_pb2.FileDescriptorProto, ours) -> list[str]:
    """Everything in `orig` must be in `ours` unchanged. Returns the list of differences."""
    diffs: list[str] = []
    if orig.package != ours.package:
        diffs.append(f"package differs: original {orig.package!r}, ours {ours.package!r}")
    if (orig.syntax or "proto2") != (ours.syntax or "proto2"):
        diffs.append(f"syntax differs: original {orig.syntax!r}, ours {ours.syntax!r}")
    ours_msgs = {m.name: m for m in ours.message_type}
    for m in orig.message_type:
        full = f"{orig.package}.{m.name}"
        if m.name not in ours_msgs:
            diffs.append(f"message {full} missing in ours")
        else:
            _compare_message(full, m, ours_msgs[m.name], diffs)
    ours_enums = {e.name: e for e in ours.enum_type}
    for e in orig.enum_type:
        full = f"{orig.package}.{e.name}"
        if e.name not in ours_enums:
            diffs.append(f"enum {full} missing in ours")
        else:
            _compare_enum(full, e, ours_enums[e.name], diffs)
    ours_services = {s.name: s for s in ours.service}
    for s in orig.service:
        full = f"{orig.package}.{s.name}"
        if s.name not in ours_services:
            diffs.append(f"service {full} missing in ours")
            continue
        ours_methods = {m.name: m for m in ours_services[s.name].method}
        for m in s.method:
            path = f"/{orig.package}.{s.name}/{m.name}"
            o = ours_methods.get(m.name)
            if o is None:
                diffs.append(f"rpc {path} missing in ours")
                continue
            our_path = f"/{ours.package}.{s.name}/{o.name}"
            if our_path != path:
                diffs.append(f"rpc path differs: original {path}, ours {our_path}")
            for attr in ("input_type", "output_type", "client_streaming", "server_streaming"):
                a, b = getattr(m, attr), getattr(o, attr)
                if a != b:
                    diffs.append(f"rpc {path}: {attr} differs: original {a!r}, ours {b!r}")
    return diffs


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def original():
    import discordproxy

    if not str(discordproxy.__version__).startswith("1."):
        # The venv holds OUR package (scripts/test.sh step 6): the original's descriptor is not
        # here to compare with; the 1.5.1 run checks it, and tests/python/package checks that
        # our package's descriptor is exactly proto/discord_api.proto.
        pytest.skip("needs the PyPI discordproxy 1.5.1 descriptor (this venv has ours)")
    return original_file_descriptor()


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    return compile_our_descriptor(tmp_path_factory.mktemp("proto"))


def test_original_descriptor_is_the_expected_one(original):
    """Guard against comparing with the wrong thing: the PyPI descriptor has the 3 RPCs."""
    assert original.name == "discord_api.proto"
    assert original.package == "discord_api"
    methods = [(s.name, m.name) for s in original.service for m in s.method]
    assert methods == [
        ("DiscordApi", "SendChannelMessage"),
        ("DiscordApi", "SendDirectMessage"),
        ("DiscordApi", "GetGuildChannels"),
    ]
    names = {m.name for m in original.message_type}
    assert {"Channel", "Embed", "Message", "User", "Role", "GuildMember", "Emoji"} <= names


def test_our_proto_is_wire_compatible_with_pypi_1_5_1(original, ours):
    diffs = compare_descriptors(original, ours)
    assert not diffs, "our proto breaks the wire contract of PyPI discordproxy 1.5.1:\n" + "\n".join(
        diffs
    )


def test_method_paths_match(original, ours):
    def paths(fd):
        return sorted(
            (f"/{fd.package}.{s.name}/{m.name}", m.input_type, m.output_type)
            for s in fd.service
            for m in s.method
        )

    ours_paths = set(paths(ours))
    missing = [p for p in paths(original) if p not in ours_paths]
    assert not missing, f"methods missing or changed in ours: {missing}"


def test_comparator_catches_renumbered_field(original):
    """Self-test: a copy with one renumbered field must be reported, naming the field."""
    assert compare_descriptors(original, original) == []
    mutated = copy.deepcopy(original)
    embed = next(m for m in mutated.message_type if m.name == "Embed")
    field = next(m for m in embed.nested_type if m.name == "Footer").field[1]
    assert field.name == "icon_url" and field.number == 2
    field.number = 99
    diffs = compare_descriptors(original, mutated)
    assert diffs == [
        "message discord_api.Embed.Footer: field 'icon_url' number differs: original 2, ours 99"
    ], diffs


def test_comparator_catches_other_breaking_changes(original):
    """Self-test: retyped field, removed enum value, renamed rpc, removed nested message."""
    mutated = copy.deepcopy(original)
    channel = next(m for m in mutated.message_type if m.name == "Channel")
    next(f for f in channel.field if f.name == "id").type = FDP.TYPE_INT64
    del channel.enum_type[0].value[-1]  # GUILD_NEWS = 6
    mutated.service[0].method[0].name = "SendChannelMsg"
    msg = next(m for m in mutated.message_type if m.name == "Message")
    del msg.nested_type[:]
    diffs = compare_descriptors(original, mutated)
    text = "\n".join(diffs)
    assert "field 'id' type differs: original 'TYPE_UINT64', ours 'TYPE_INT64'" in text
    assert "enum discord_api.Channel.Type: value GUILD_NEWS = 6 missing in ours" in text
    assert "rpc /discord_api.DiscordApi/SendChannelMessage missing in ours" in text
    assert "message discord_api.Message.Attachment missing in ours" in text


def test_comparator_allows_additions(original):
    """Self-test: additions (new field, enum value, message, rpc) are not differences."""
    mutated = copy.deepcopy(original)
    channel = next(m for m in mutated.message_type if m.name == "Channel")
    channel.field.add(name="flags", number=100, type=FDP.TYPE_INT32, label=FDP.LABEL_OPTIONAL)
    channel.enum_type[0].value.add(name="GUILD_FORUM", number=16)
    mutated.message_type.add(name="NewThing")
    mutated.service[0].method.add(
        name="NewRpc",
        input_type=".discord_api.NewThing",
        output_type=".discord_api.NewThing",
    )
    assert compare_descriptors(original, mutated) == []
