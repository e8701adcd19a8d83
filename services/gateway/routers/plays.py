"""Play reports (播放记录): players tell what was played, how far, and likes.

The gateway keeps no database, so a report goes straight onto its own JetStream
stream as an event (the stream's ack is the durability) and the catalog consumes it
through its inbox into resume points and the hot list. The event id is derived from
the caller and the client's event id, so a resent report counts once.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from services.contracts import catalog as c
from services.contracts import subjects
from services.contracts.envelope import Actor, EventEnvelope
from services.gateway.auth import Viewer, limit_per_caller
from services.gateway.errors import ERROR_RESPONSES
from services.runtime.errors import unavailable
from services.runtime.telemetry import current_carrier

router = APIRouter(prefix="/api/v1/plays", tags=["plays 播放"], responses=ERROR_RESPONSES)

PLAY_NAMESPACE = uuid.UUID("5b0f2d1e-8e1a-4c9b-9d55-3c1f0f6a2a77")


@router.post(
    "",
    status_code=202,
    summary="上报播放 report a play, progress, completion or like",
    dependencies=[limit_per_caller("plays", "240/minute")],
    response_class=Response,
    responses={202: {"description": "accepted (no body)", "content": {}}},
)
async def report(body: c.PlayReport, caller: Viewer, request: Request) -> Response:
    event: EventEnvelope[c.PlayRecorded] = EventEnvelope(
        id=str(uuid.uuid5(PLAY_NAMESPACE, f"{caller.sub}|{body.event_id}")),
        type=f"{c.GATEWAY_SERVICE}.{c.EVT_PLAY_REPORTED}",
        site=caller.site,
        actor=Actor(sub=caller.sub, role=caller.role.value),
        trace=current_carrier(),
        data=c.PlayRecorded(
            content_id=body.content_id,
            action=body.action,
            position_s=body.position_s,
            duration_s=body.duration_s,
            viewer=caller.sub,
            viewer_site=caller.site,
        ),
    )
    region = request.app.state.settings.region
    try:
        await request.app.state.bus.broker.publish(
            event.model_dump(mode="json"),
            subjects.evt(region, c.GATEWAY_SERVICE, c.EVT_PLAY_REPORTED),
            headers={"Nats-Msg-Id": event.id},
            stream=subjects.stream_name(region, c.GATEWAY_SERVICE),
            timeout=3.0,
        )
    except Exception as exc:
        raise unavailable("播放记录") from exc
    return Response(status_code=202)
