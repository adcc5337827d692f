"""`retry_after` from the `google.rpc.RetryInfo` the server sends with RESOURCE_EXHAUSTED when a
call's rate-limit slot comes after its deadline (README, Errors): an emulator of our own limits
channel messages to 5 per 5 s; the sixth message, with a 1 s deadline, is refused at once."""

from __future__ import annotations

import asyncio
import time

import grpc
import pytest

from pkg_support import ProxyServer
from support import GENERAL_ID, Emulator

ROUTE_LIMIT = "POST /channels/{channel_id}/messages=5/5000"


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    emulator = Emulator(
        tmp_path_factory.mktemp("limited-emulator"), extra_args=["--route-limit", ROUTE_LIMIT]
    )
    server = ProxyServer(emulator, tmp_path_factory.mktemp("limited-server"), ["--no-gateway"])
    yield server
    server.stop()
    emulator.stop()


def _fill(client, channel_id: int) -> None:
    for n in range(5):
        client.create_channel_message(channel_id, f"fill {n}")


def test_retry_after_on_a_slot_beyond_the_deadline(limited):
    from discordproxy.client import DiscordClient
    from discordproxy.exceptions import DiscordProxyGrpcError, DiscordProxyHttpError

    with DiscordClient(limited.target, timeout=30) as client:
        _fill(client, GENERAL_ID)
        started = time.monotonic()
        with pytest.raises(DiscordProxyGrpcError) as info:
            client.create_channel_message(GENERAL_ID, "sixth", timeout=1)
        took = time.monotonic() - started
    err = info.value
    assert not isinstance(err, DiscordProxyHttpError)
    assert err.status is grpc.StatusCode.RESOURCE_EXHAUSTED, err
    assert took < 0.9, f"refused after {took:.2f} s"
    assert err.retry_after is not None, "no RetryInfo read from grpc-status-details-bin"
    assert 3.0 < err.retry_after <= 5.0, err.retry_after
    assert "retry after" in err.details, err.details
    # 1.5.1's text is unchanged.
    assert str(err) == f"gRPC error. Status code: RESOURCE_EXHAUSTED - Error message: {err.details}"


def test_retry_after_with_the_async_client(limited):
    from discordproxy.aio import AsyncDiscordClient
    from discordproxy.exceptions import DiscordProxyGrpcError

    channel = 400000000000000004  # announcements: a bucket of its own (major parameter)

    async def main():
        async with AsyncDiscordClient(limited.target, timeout=30) as client:
            for n in range(5):
                await client.send_channel_message(channel_id=channel, content=f"fill {n}")
            try:
                await client.send_channel_message(channel_id=channel, content="6th", timeout=1)
            except DiscordProxyGrpcError as err:
                return err
        raise AssertionError("the sixth message was not refused")

    err = asyncio.run(main())
    assert err.status is grpc.StatusCode.RESOURCE_EXHAUSTED
    assert err.retry_after is not None and 3.0 < err.retry_after <= 5.0, err.retry_after
