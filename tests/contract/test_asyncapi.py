"""The committed AsyncAPI documents are what FastStream generates from the code today."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "services" / "contracts" / "asyncapi"


def test_committed_asyncapi_documents_are_fresh() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "deploy.asyncapi", "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_catalog_document_describes_its_event_and_rpc_contracts() -> None:
    doc = json.loads((DOCS / "catalog.json").read_text())
    channels = doc["channels"]
    assert "wm.320582.catalog.evt.content_published" in channels
    assert "wm.320582.catalog.rpc.content.create" in channels
    schemas = json.dumps(doc["components"]["schemas"])
    for field in ("occurred_at", "idempotency_key", "scope", "published_at"):
        assert field in schemas


def test_evaluation_document_names_its_durable_consumer() -> None:
    doc = json.loads((DOCS / "evaluation.json").read_text())
    assert any("evt.content_published" in name for name in doc["channels"])
