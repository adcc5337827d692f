"""The package's generated `discord_api_pb2` is exactly proto/discord_api.proto of this
checkout: nothing generated went stale (the build generates it; nothing is checked in)."""

from __future__ import annotations

from google.protobuf import descriptor_pb2

from discordproxy import discord_api_pb2, discord_api_pb2_grpc
from test_wire_contract import compile_our_descriptor


def _without_json_names(fdp: descriptor_pb2.FileDescriptorProto) -> None:
    """protoc's --descriptor_set_out adds json_name to every field; generated code has none."""

    def strip(message: descriptor_pb2.DescriptorProto) -> None:
        for field in message.field:
            field.ClearField("json_name")
        for nested in message.nested_type:
            strip(nested)

    for message in fdp.message_type:
        strip(message)


def test_the_package_descriptor_is_the_checkout_proto(tmp_path):
    packaged = descriptor_pb2.FileDescriptorProto.FromString(
        discord_api_pb2.DESCRIPTOR.serialized_pb
    )
    compiled = compile_our_descriptor(tmp_path)
    for fdp in (compiled, packaged):
        fdp.ClearField("source_code_info")
        _without_json_names(fdp)
    assert packaged == compiled, "the package's discord_api_pb2 differs from proto/discord_api.proto"


def test_the_stub_has_every_rpc_of_the_proto(tmp_path):
    compiled = compile_our_descriptor(tmp_path)
    rpcs = [method.name for method in compiled.service[0].method]
    assert len(rpcs) >= 98
    stub_source = discord_api_pb2_grpc.DiscordApiStub.__init__.__code__.co_consts
    missing = [rpc for rpc in rpcs if f"/discord_api.DiscordApi/{rpc}" not in stub_source]
    assert not missing, missing
