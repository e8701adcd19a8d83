"""Write (or check) the AsyncAPI document FastStream generates for each bus service.

`python -m deploy.asyncapi` rewrites services/contracts/asyncapi/<service>.json;
`python -m deploy.asyncapi --check` exits 1 when a committed document is stale.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
from pathlib import Path

from faststream.specification import AsyncAPI

SERVICES = ("accounts", "catalog", "orders", "volunteers", "evaluation", "ops")
DOCS = Path(__file__).resolve().parent.parent / "services" / "contracts" / "asyncapi"
DOC_REGION = "320582"


def generate(service: str) -> str:
    module = importlib.import_module(f"services.{service}.app")
    host = module.create_host()
    spec = AsyncAPI(
        host.broker,
        title=f"wenming {service}",
        version="1",
        description=f"Bus contract of the {service} service (region {DOC_REGION} shown).",
    ).to_specification()
    return json.dumps(json.loads(spec.to_json()), indent=2, ensure_ascii=False, sort_keys=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when a document is stale")
    args = parser.parse_args(argv)
    # Each service reads its own settings class; keys it may create go to a scratch dir.
    os.environ["WENMING_REGION"] = DOC_REGION
    os.environ["WENMING_DATA_DIR"] = tempfile.mkdtemp(prefix="wenming-asyncapi-")
    DOCS.mkdir(parents=True, exist_ok=True)
    stale = []
    for service in SERVICES:
        path = DOCS / f"{service}.json"
        text = generate(service) + "\n"
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(path.name)
        else:
            path.write_text(text)
    if stale:
        print("stale AsyncAPI documents: " + ", ".join(stale) + "; run python -m deploy.asyncapi")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
