"""The dead-letter stream: events a consumer gave up on, for an admin to see and replay.

JetStream publishes an advisory when a message reaches `max_deliver` or is
terminated; the deployment's dead-letter stream captures those advisories (so none
is lost while no process listens). The advisory names the source stream and
sequence; the event itself stays in its source stream until it ages out.
Replaying republishes the event to its own subject: the consumer that failed gets it
again, and every consumer that already applied it skips it through its inbox.
"""

from __future__ import annotations

import json
from typing import Any

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from services.contracts.ops import DeadLetter
from services.contracts.subjects import dead_letter_stream


def _reason(advisory_type: str) -> str:
    return "terminated" if advisory_type.endswith(".terminated") else "max_deliver"


async def _original(js: JetStreamContext, stream: str, seq: int) -> Any | None:
    try:
        return await js.get_msg(stream, seq)
    except NotFoundError:
        return None


async def _describe(js: JetStreamContext, sequence: int, raw: bytes) -> DeadLetter:
    advisory = json.loads(raw)
    original = await _original(js, advisory["stream"], advisory["stream_seq"])
    event: dict[str, Any] = {}
    if original is not None and original.data:
        try:
            event = json.loads(original.data)
        except ValueError:
            event = {}
    return DeadLetter(
        sequence=sequence,
        reason=_reason(advisory.get("type", "")),
        stream=advisory["stream"],
        consumer=advisory["consumer"],
        stream_seq=advisory["stream_seq"],
        deliveries=advisory.get("deliveries", 0),
        at=advisory.get("timestamp"),
        subject=original.subject if original is not None else None,
        event_id=event.get("id") if isinstance(event, dict) else None,
        event_type=event.get("type") if isinstance(event, dict) else None,
        available=original is not None,
    )


async def list_dead_letters(
    js: JetStreamContext, region: str, limit: int = 100
) -> list[DeadLetter]:
    stream = dead_letter_stream(region)
    info = await js.stream_info(stream)
    letters: list[DeadLetter] = []
    seq = info.state.last_seq
    while seq >= max(1, info.state.first_seq) and len(letters) < limit:
        try:
            message = await js.get_msg(stream, seq)
        except NotFoundError:
            seq -= 1
            continue
        letters.append(await _describe(js, seq, message.data or b"{}"))
        seq -= 1
    return letters


class ReplayError(Exception):
    pass


async def replay(js: JetStreamContext, region: str, sequence: int) -> DeadLetter:
    """Republish the event behind dead letter `sequence`, then remove the dead letter."""
    stream = dead_letter_stream(region)
    try:
        message = await js.get_msg(stream, sequence)
    except NotFoundError as exc:
        raise ReplayError(f"no dead letter {sequence}") from exc
    letter = await _describe(js, sequence, message.data or b"{}")
    original = await _original(js, letter.stream, letter.stream_seq)
    if original is None:
        raise ReplayError(
            f"the event behind dead letter {sequence} has aged out of {letter.stream}"
        )
    headers = {k: v for k, v in (original.headers or {}).items() if k != "Nats-Msg-Id"}
    headers["Nats-Msg-Id"] = f"{letter.event_id or letter.stream_seq}~replay~{sequence}"
    await js.publish(original.subject, original.data or b"", headers=headers, stream=letter.stream)
    await js.delete_msg(stream, sequence)
    return letter
