"""gRPC server reflection, as Python's `grpcio-reflection` speaks it (`grpc.reflection.v1alpha`
only; older grpcurl, evans and Postman too). The server serves v1 and v1alpha."""

from __future__ import annotations

import grpc
from google.protobuf import descriptor_pb2
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

ORIGINAL_RPCS = {"SendDirectMessage", "SendChannelMessage", "GetGuildChannels"}


def _ask(target: str, request: reflection_pb2.ServerReflectionRequest):
    with grpc.insecure_channel(target) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        return list(stub.ServerReflectionInfo(iter([request]), timeout=10))


def test_v1alpha_lists_the_services(server):
    (answer,) = _ask(server.target, reflection_pb2.ServerReflectionRequest(list_services=""))
    assert answer.WhichOneof("message_response") == "list_services_response", answer
    names = {service.name for service in answer.list_services_response.service}
    assert "discord_api.DiscordApi" in names, names
    assert "grpc.health.v1.Health" in names, names


def test_v1alpha_describes_the_discord_api_service(server):
    with grpc.insecure_channel(server.target) as channel:
        database = ProtoReflectionDescriptorDatabase(channel)
        assert "discord_api.DiscordApi" in set(database.get_services())
        file = database.FindFileContainingSymbol("discord_api.DiscordApi")
        assert isinstance(file, descriptor_pb2.FileDescriptorProto)
        assert file.package == "discord_api"
        (service,) = [s for s in file.service if s.name == "DiscordApi"]
        methods = {m.name for m in service.method}
        assert ORIGINAL_RPCS <= methods, methods
        message = database.FindFileContainingSymbol("discord_api.SendDirectMessageRequest")
        assert any(m.name == "SendDirectMessageRequest" for m in message.message_type)


def test_v1alpha_unknown_symbol_is_not_found(server):
    # tonic-reflection ends the stream with NOT_FOUND (the reflection protocol also allows an
    # error_response message); either way the client learns the symbol does not exist.
    request = reflection_pb2.ServerReflectionRequest(
        file_containing_symbol="discord_api.NoSuchThing"
    )
    try:
        answers = _ask(server.target, request)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.NOT_FOUND, error
        assert "discord_api.NoSuchThing" in error.details()
        return
    (answer,) = answers
    assert answer.WhichOneof("message_response") == "error_response", answer
    assert answer.error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0]
