"""Self-tests of the suite's assertion helpers (no binaries needed): they must catch a wrong
REST sequence, a missing request, an extra request and wrong statuses."""

from __future__ import annotations

import pytest

from support import (
    RestCall,
    assert_calls,
    assert_calls_prefix,
    assert_no_message_created,
    message_body_without_nonce,
)

GET = RestCall("GET", "/api/v10/channels/1", None, 200)
POST = RestCall("POST", "/api/v10/channels/1/messages", {"content": "x"}, 200)
POST_400 = RestCall("POST", "/api/v10/channels/1/messages", {"content": "x"}, 400)
EXPECTED = [("GET", "/api/v10/channels/1", 200), ("POST", "/api/v10/channels/1/messages", 200)]


def test_assert_calls_accepts_the_exact_sequence():
    assert_calls([GET, POST], EXPECTED)
    assert_calls([GET, POST], [e[:2] for e in EXPECTED])  # status optional
    assert_calls([], [])


@pytest.mark.parametrize(
    "calls",
    [[GET], [GET, POST, POST], [POST, GET], [GET, POST_400], []],
    ids=["missing", "extra", "order", "status", "none"],
)
def test_assert_calls_rejects_a_different_sequence(calls):
    with pytest.raises(AssertionError, match="REST requests differ"):
        assert_calls(calls, EXPECTED)


def test_assert_calls_prefix():
    expected = [EXPECTED[0], ("POST", "/api/v10/channels/1/messages", 400)]
    for ok in ([], [GET], [GET, POST_400]):
        assert_calls_prefix(ok, expected)
    for bad in ([POST_400], [GET, POST], [GET, POST_400, POST_400]):
        with pytest.raises(AssertionError):
            assert_calls_prefix(bad, expected)


def test_assert_no_message_created():
    assert_no_message_created([GET, POST_400])
    with pytest.raises(AssertionError, match="a message was created"):
        assert_no_message_created([GET, POST])


def test_message_body_without_nonce():
    body = {"content": "x", "embeds": [{"title": "t"}]}
    assert message_body_without_nonce(body) == body
    with_nonce = {**body, "nonce": "1234567890123456789", "enforce_nonce": True}
    assert message_body_without_nonce(with_nonce) == body
    assert with_nonce["nonce"] == "1234567890123456789", "the input must stay as it was"
    assert message_body_without_nonce({**body, "nonce": "9" * 25, "enforce_nonce": True}) == body
    with pytest.raises(AssertionError, match="not a JSON object"):
        message_body_without_nonce(None)


@pytest.mark.parametrize(
    "extra",
    [
        {"nonce": "", "enforce_nonce": True},
        {"nonce": "9" * 26, "enforce_nonce": True},
        {"nonce": 123, "enforce_nonce": True},
        {"nonce": None, "enforce_nonce": True},
        {"nonce": "123", "enforce_nonce": False},
        {"nonce": "123", "enforce_nonce": "true"},
        {"nonce": "123"},
        {"enforce_nonce": True},
    ],
    ids=["empty", "too-long", "integer", "null", "not-enforced", "enforce-string", "alone", "no-nonce"],
)
def test_message_body_without_nonce_rejects_a_bad_nonce(extra):
    with pytest.raises(AssertionError):
        message_body_without_nonce({"content": "x", **extra})
