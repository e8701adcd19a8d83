"""The time, as services see it: real, unless a test moves it.

When `WENMING_FAKE_NOW_FILE` names a file holding an ISO-8601 time, `now()` answers
that time plus however long has passed since the file was written — so scheduled
work (releases, retirements, Thursday reminders) can be driven across processes by
rewriting one file. Unset (always, outside tests), it is the system clock.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path


def now() -> datetime:
    path = os.environ.get("WENMING_FAKE_NOW_FILE")
    if not path:
        return datetime.now(UTC)
    return _faked(Path(path))


def _faked(path: Path) -> datetime:
    try:
        text = path.read_text().strip()
        written = path.stat().st_mtime
    except FileNotFoundError:
        return datetime.now(UTC)
    base = datetime.fromisoformat(text)
    if base.tzinfo is None:
        raise ValueError(f"{path}: the fake time needs a timezone")
    elapsed = datetime.now(UTC).timestamp() - written
    return base.astimezone(UTC) + timedelta(seconds=max(0.0, elapsed))


def set_fake_now(path: Path, moment: datetime) -> None:
    """Tests: move the clock of every process reading `path` to `moment`."""
    path.write_text(moment.isoformat())
