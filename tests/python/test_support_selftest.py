"""Self-tests of the suite's assertion helpers (no binaries needed): they must catch a wrong
REST sequence, a missing request, an extra request and wrong statuses."""

from __future__ import annotations

import pytest

from support import RestCall, assert_calls, assert_calls_prefix, assert_no_message_created

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
