"""Sessions behind the tokens: rotation, reuse ends the session, expiry, revocation."""

from __future__ import annotations

import pytest

from services.accounts.domain import sessions

T0 = 1_750_000_000.0


def refused(session: sessions.Session, refresh_id: str, now: float) -> sessions.RefreshRefused:
    with pytest.raises(sessions.RefreshRefused) as caught:
        sessions.rotate(session, refresh_id, now)
    return caught.value


def test_a_session_lives_thirty_days_and_a_kiosk_session_seven() -> None:
    person = sessions.start("acct-1", T0)
    kiosk = sessions.start("kiosk-1", T0, sessions.KIOSK_SESSION_TTL_S)
    assert person.expires_at == T0 + 30 * 24 * 3600
    assert kiosk.expires_at == T0 + 7 * 24 * 3600
    assert person.account_id == "acct-1"
    assert not person.revoked


def test_every_session_and_refresh_id_is_new() -> None:
    a, b = sessions.start("acct-1", T0), sessions.start("acct-1", T0)
    assert len({a.id, b.id, a.refresh_id, b.refresh_id}) == 4


def test_refresh_rotates_the_refresh_id_and_keeps_the_session() -> None:
    session = sessions.start("acct-1", T0)
    rotated = sessions.rotate(session, session.refresh_id, T0 + 60)
    assert rotated.id == session.id
    assert rotated.refresh_id != session.refresh_id
    assert rotated.expires_at == session.expires_at
    assert not rotated.revoked


def test_a_chain_of_refreshes_each_use_the_latest_id() -> None:
    session = sessions.start("acct-1", T0)
    seen = {session.refresh_id}
    for i in range(5):
        session = sessions.rotate(session, session.refresh_id, T0 + i)
        assert session.refresh_id not in seen
        seen.add(session.refresh_id)


def test_a_reused_refresh_id_is_refused_and_asks_to_revoke() -> None:
    session = sessions.start("acct-1", T0)
    rotated = sessions.rotate(session, session.refresh_id, T0 + 1)
    error = refused(rotated, session.refresh_id, T0 + 2)
    assert error.reason == "reused"
    assert error.revoke is True


def test_a_made_up_refresh_id_is_treated_as_reuse() -> None:
    session = sessions.start("acct-1", T0)
    error = refused(session, "00000000-0000-0000-0000-000000000000", T0 + 1)
    assert (error.reason, error.revoke) == ("reused", True)


def test_a_revoked_session_is_refused_even_with_the_current_id() -> None:
    session = sessions.revoke(sessions.start("acct-1", T0))
    assert session.revoked
    error = refused(session, session.refresh_id, T0 + 1)
    assert (error.reason, error.revoke) == ("revoked", False)


def test_an_expired_session_is_refused() -> None:
    session = sessions.start("acct-1", T0, ttl_s=3600)
    assert sessions.rotate(session, session.refresh_id, T0 + 3600).refresh_id
    error = refused(session, session.refresh_id, T0 + 3600.5)
    assert (error.reason, error.revoke) == ("expired", False)


def test_revoking_keeps_everything_else() -> None:
    session = sessions.start("acct-1", T0)
    revoked = sessions.revoke(session)
    assert (revoked.id, revoked.refresh_id, revoked.expires_at) == (
        session.id,
        session.refresh_id,
        session.expires_at,
    )
