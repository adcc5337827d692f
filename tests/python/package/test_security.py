"""TLS (server certificate, mutual TLS) and API keys, with the blocking and the async client.

Certificates are made at test time with the openssl CLI (see pkg_support.make_certificates)."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from pkg_support import ProxyServer
from support import GENERAL_ID, GUILD_ID

KEY = "0b8e4c7d2f9a61e3c5b7d9f1a3c5e7092b4d6f8a1c3e5a7b9d1f3a5c7e9b1d3f5"
NOTIFIER_KEY = "7f3c9a1e5b2d8f4a6c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6"
WRONG_KEY = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"


def _read(path) -> bytes:
    return path.read_bytes()


@pytest.fixture(scope="module")
def keys_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keys.txt"
    path.write_text(
        "# NAME  KEY  [RPC,...]\n"
        f"app       {KEY}\n"
        f"notifier  {NOTIFIER_KEY}  SendChannelMessage,SendDirectMessage\n"
    )
    return path


@pytest.fixture(scope="module")
def tls_server(emulator, certificates, tmp_path_factory):
    srv = ProxyServer(
        emulator,
        tmp_path_factory.mktemp("tls-server"),
        ["--no-gateway", "--tls-cert", str(certificates["server.pem"]),
         "--tls-key", str(certificates["server.key"])],
    )
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def mtls_server(emulator, certificates, tmp_path_factory):
    srv = ProxyServer(
        emulator,
        tmp_path_factory.mktemp("mtls-server"),
        ["--no-gateway", "--tls-cert", str(certificates["server.pem"]),
         "--tls-key", str(certificates["server.key"]),
         "--tls-client-ca", str(certificates["ca.pem"])],
    )
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def keys_server(emulator, keys_file, tmp_path_factory):
    srv = ProxyServer(
        emulator, tmp_path_factory.mktemp("keys-server"),
        ["--no-gateway", "--api-keys-file", str(keys_file)],
    )
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def tls_keys_server(emulator, certificates, keys_file, tmp_path_factory):
    srv = ProxyServer(
        emulator,
        tmp_path_factory.mktemp("tls-keys-server"),
        ["--no-gateway", "--tls-cert", str(certificates["server.pem"]),
         "--tls-key", str(certificates["server.key"]), "--api-keys-file", str(keys_file)],
    )
    yield srv
    srv.stop()


# ---------------------------------------------------------------------------------------------
# TLS
# ---------------------------------------------------------------------------------------------


def test_tls_with_the_ca(tls_server, certificates):
    from discordproxy.client import DiscordClient

    with DiscordClient(tls_server.target, timeout=20,
                       root_certificates=_read(certificates["ca.pem"])) as client:
        channels = client.get_guild_channels(GUILD_ID)
        assert GENERAL_ID in {c.id for c in channels}
        assert client.create_channel_message(GENERAL_ID, "over TLS").content == "over TLS"


def test_tls_by_host_name(tls_server, certificates):
    from discordproxy.client import DiscordClient

    # The certificate names localhost; the override checks it against that name.
    with DiscordClient(
        tls_server.target, [("grpc.ssl_target_name_override", "localhost")], 20,
        root_certificates=_read(certificates["ca.pem"]),
    ) as client:
        assert client.get_guild(guild_id=GUILD_ID).guild.id == GUILD_ID


def test_tls_refuses_an_untrusted_server_and_plain_text(tls_server, certificates):
    from discordproxy.client import DiscordClient
    from discordproxy.exceptions import DiscordProxyGrpcError

    with DiscordClient(tls_server.target, timeout=10,
                       root_certificates=_read(certificates["other-ca.pem"])) as client:
        with pytest.raises(DiscordProxyGrpcError) as info:
            client.get_guild_channels(GUILD_ID)
        assert info.value.status is grpc.StatusCode.UNAVAILABLE
    with DiscordClient(tls_server.target, timeout=10) as plain:  # no TLS
        with pytest.raises(DiscordProxyGrpcError) as info:
            plain.get_guild_channels(GUILD_ID)
        assert info.value.status is grpc.StatusCode.UNAVAILABLE


def test_mutual_tls(mtls_server, certificates):
    from discordproxy.client import DiscordClient
    from discordproxy.exceptions import DiscordProxyGrpcError

    ca = _read(certificates["ca.pem"])
    with DiscordClient(mtls_server.target, timeout=20, root_certificates=ca,
                       private_key=_read(certificates["client.key"]),
                       certificate_chain=_read(certificates["client.pem"])) as client:
        assert GENERAL_ID in {c.id for c in client.get_guild_channels(GUILD_ID)}
    with DiscordClient(mtls_server.target, timeout=10, root_certificates=ca) as anonymous:
        with pytest.raises(DiscordProxyGrpcError) as info:
            anonymous.get_guild_channels(GUILD_ID)
        assert info.value.status is grpc.StatusCode.UNAVAILABLE


def test_tls_arguments_are_checked(certificates):
    from discordproxy.client import DiscordClient

    with pytest.raises(ValueError):
        DiscordClient(private_key=_read(certificates["client.key"]))  # without the chain
    with pytest.raises(ValueError):
        DiscordClient(tls=False, root_certificates=b"x")
    with pytest.raises(TypeError):
        DiscordClient(root_certificates=str(certificates["ca.pem"]))  # type: ignore[arg-type]


def test_async_client_over_mutual_tls(mtls_server, certificates):
    from discordproxy.aio import AsyncDiscordClient

    async def main():
        async with AsyncDiscordClient(
            mtls_server.target, timeout=20, root_certificates=_read(certificates["ca.pem"]),
            private_key=_read(certificates["client.key"]),
            certificate_chain=_read(certificates["client.pem"]),
        ) as client:
            return await client.get_guild_channels(GUILD_ID)

    assert GENERAL_ID in {c.id for c in asyncio.run(main())}


# ---------------------------------------------------------------------------------------------
# API keys
# ---------------------------------------------------------------------------------------------


def test_the_right_key_works(keys_server):
    from discordproxy.client import DiscordClient

    with DiscordClient(keys_server.target, timeout=20, api_key=KEY) as client:
        assert GENERAL_ID in {c.id for c in client.get_guild_channels(GUILD_ID)}
        assert client.get_guild(guild_id=GUILD_ID).guild.id == GUILD_ID
        assert client.create_channel_message(GENERAL_ID, "with a key").content == "with a key"


@pytest.mark.parametrize("key", [None, WRONG_KEY], ids=["missing", "wrong"])
def test_a_missing_or_wrong_key_is_unauthenticated(keys_server, key):
    from discordproxy.client import DiscordClient
    from discordproxy.exceptions import DiscordProxyGrpcError, DiscordProxyHttpError

    with DiscordClient(keys_server.target, timeout=20, api_key=key) as client:
        with pytest.raises(DiscordProxyGrpcError) as info:
            client.create_channel_message(GENERAL_ID, "refused")
        assert not isinstance(info.value, DiscordProxyHttpError)
        assert info.value.status is grpc.StatusCode.UNAUTHENTICATED
        assert str(info.value).startswith("gRPC error. Status code: UNAUTHENTICATED - ")


def test_a_key_outside_its_rpcs_is_permission_denied(keys_server):
    from discordproxy.client import DiscordClient
    from discordproxy.exceptions import DiscordProxyGrpcError

    with DiscordClient(keys_server.target, timeout=20, api_key=NOTIFIER_KEY) as client:
        assert client.create_channel_message(GENERAL_ID, "notifier").content == "notifier"
        with pytest.raises(DiscordProxyGrpcError) as info:
            client.get_guild_channels(GUILD_ID)
        assert info.value.status is grpc.StatusCode.PERMISSION_DENIED


def test_per_call_metadata_and_client_metadata(keys_server):
    """The key may also come as call metadata; a call's `authorization` replaces the client's."""
    from discordproxy.client import DiscordClient
    from discordproxy.exceptions import DiscordProxyGrpcError

    with DiscordClient(keys_server.target, timeout=20) as client:
        response = client.get_guild(guild_id=GUILD_ID,
                                    metadata=[("authorization", f"Bearer {KEY}")])
        assert response.guild.id == GUILD_ID
    with DiscordClient(keys_server.target, timeout=20, api_key=WRONG_KEY,
                       metadata=[("x-app", "tests")]) as client:
        response = client.get_guild(guild_id=GUILD_ID,
                                    metadata=[("authorization", f"Bearer {KEY}")])
        assert response.guild.id == GUILD_ID
        with pytest.raises(DiscordProxyGrpcError):
            client.get_guild(guild_id=GUILD_ID)


def test_api_key_is_checked():
    from discordproxy.client import DiscordClient

    for bad in ("", "  ", "line\nbreak", "nön-ascii-key-0123456789"):
        with pytest.raises(ValueError):
            DiscordClient(api_key=bad)


def test_keys_with_tls_sync_and_async(tls_keys_server, certificates):
    from discordproxy.aio import AsyncDiscordClient
    from discordproxy.client import DiscordClient
    from discordproxy.exceptions import DiscordProxyGrpcError

    ca = _read(certificates["ca.pem"])
    with DiscordClient(tls_keys_server.target, timeout=20, root_certificates=ca,
                       api_key=KEY) as client:
        assert GENERAL_ID in {c.id for c in client.get_guild_channels(GUILD_ID)}
    with DiscordClient(tls_keys_server.target, timeout=20, root_certificates=ca) as client:
        with pytest.raises(DiscordProxyGrpcError) as info:
            client.get_guild_channels(GUILD_ID)
        assert info.value.status is grpc.StatusCode.UNAUTHENTICATED

    async def main():
        async with AsyncDiscordClient(tls_keys_server.target, timeout=20, root_certificates=ca,
                                      api_key=KEY) as good:
            channels = await good.get_guild_channels(GUILD_ID)
        async with AsyncDiscordClient(tls_keys_server.target, timeout=20, root_certificates=ca,
                                      api_key=WRONG_KEY) as bad:
            try:
                await bad.get_guild(guild_id=GUILD_ID)
            except DiscordProxyGrpcError as err:
                return channels, err
        raise AssertionError("the wrong key was accepted")

    channels, err = asyncio.run(main())
    assert GENERAL_ID in {c.id for c in channels}
    assert err.status is grpc.StatusCode.UNAUTHENTICATED


def test_async_keys_without_tls(keys_server):
    from discordproxy.aio import AsyncDiscordClient
    from discordproxy.exceptions import DiscordProxyGrpcError

    async def main():
        async with AsyncDiscordClient(keys_server.target, timeout=20, api_key=KEY) as client:
            message = await client.create_channel_message(GENERAL_ID, "async with a key")
        async with AsyncDiscordClient(keys_server.target, timeout=20) as client:
            try:
                await client.get_guild_channels(GUILD_ID)
            except DiscordProxyGrpcError as err:
                return message, err
        raise AssertionError("a call without a key was accepted")

    message, err = asyncio.run(main())
    assert message.content == "async with a key"
    assert err.status is grpc.StatusCode.UNAUTHENTICATED
