"""One-time sign-in codes with a fake clock: expiry, reuse, tries, resend window, caps."""

from __future__ import annotations

import re

import pytest

from services.accounts.domain import codes

SECRET = b"k" * 32
PHONE = "phone-index-1"
T0 = 1_750_000_000.0


def issued(code: str = "123456", now: float = T0) -> codes.IssuedCode:
    return codes.issue(SECRET, PHONE, code, now)


def presented(code: str) -> str:
    return codes.hash_code(SECRET, PHONE, code)


def refusal(code: codes.IssuedCode, attempt: str, now: float) -> str:
    with pytest.raises(codes.CodeRefused) as caught:
        codes.check(code, presented(attempt), now)
    return caught.value.reason


def test_new_codes_are_six_digits() -> None:
    for _ in range(200):
        assert re.fullmatch(r"[0-9]{6}", codes.new_code())


def test_codes_are_stored_hashed_and_keyed() -> None:
    code = issued("123456")
    assert "123456" not in code.code_hash
    assert code.code_hash != codes.hash_code(b"x" * 32, PHONE, "123456")
    assert code.code_hash != codes.hash_code(SECRET, "another-phone", "123456")


def test_the_right_code_in_time_is_spent() -> None:
    spent = codes.check(issued(), presented("123456"), T0 + 10)
    assert spent.used
    assert spent.tries == 1


def test_a_spent_code_is_refused() -> None:
    spent = codes.check(issued(), presented("123456"), T0 + 10)
    assert refusal(spent, "123456", T0 + 11) == "used"


def test_a_code_lives_five_minutes() -> None:
    code = issued()
    assert code.expires_at == T0 + codes.CODE_TTL_S == T0 + 300
    assert codes.check(code, presented("123456"), T0 + 300).used
    assert refusal(code, "123456", T0 + 300.001) == "expired"
    assert refusal(code, "123456", T0 + 3600) == "expired"


def test_a_wrong_code_is_refused_and_counts_as_a_try() -> None:
    code = issued()
    assert refusal(code, "654321", T0 + 1) == "wrong"
    assert codes.tried(code).tries == 1


def test_after_five_wrong_tries_even_the_right_code_is_refused() -> None:
    code = issued()
    for _ in range(codes.MAX_TRIES):
        assert refusal(code, "000000", T0 + 1) == "wrong"
        code = codes.tried(code)
    assert code.tries == 5
    assert refusal(code, "123456", T0 + 2) == "too_many_tries"


def test_four_wrong_tries_leave_the_right_code_usable() -> None:
    code = issued()
    for _ in range(codes.MAX_TRIES - 1):
        code = codes.tried(code)
    assert codes.check(code, presented("123456"), T0 + 2).used


def test_checking_does_not_change_the_stored_code() -> None:
    code = issued()
    codes.check(code, presented("123456"), T0 + 1)
    assert not code.used
    assert code.tries == 0


# -- resending -------------------------------------------------------------------------------


def test_the_first_code_may_be_sent_at_once() -> None:
    assert codes.retry_after(None, 0, 0, T0) == 0


@pytest.mark.parametrize("elapsed", [0.0, 0.5, 1.0, 30.0, 59.0, 59.9])
def test_resending_within_a_minute_waits_for_the_rest_of_it(elapsed: float) -> None:
    wait = codes.retry_after(T0, 1, 1, T0 + elapsed)
    assert 0 < wait <= codes.RESEND_AFTER_S + 1
    # Waiting exactly as long as told is always enough.
    assert codes.retry_after(T0, 1, 1, T0 + elapsed + wait) == 0


def test_after_a_minute_a_new_code_may_be_sent() -> None:
    assert codes.retry_after(T0, 1, 1, T0 + codes.RESEND_AFTER_S) == 0


def test_ten_codes_a_day_per_phone() -> None:
    assert codes.retry_after(T0, codes.PER_PHONE_PER_DAY - 1, 0, T0 + 3600) == 0
    assert codes.retry_after(T0, codes.PER_PHONE_PER_DAY, 0, T0 + 3600) == 3600


def test_twenty_codes_an_hour_per_client_address() -> None:
    assert codes.retry_after(None, 0, codes.PER_CLIENT_PER_HOUR - 1, T0) == 0
    assert codes.retry_after(None, 0, codes.PER_CLIENT_PER_HOUR, T0) == 3600


def test_caps_win_over_the_resend_window() -> None:
    assert codes.retry_after(T0, codes.PER_PHONE_PER_DAY, 0, T0 + 1) == 3600
