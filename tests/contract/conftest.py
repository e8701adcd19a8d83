"""Fixtures for the storage conformance test: a MongoDB to test against.

`MONGODB_URL` set: that server (e.g. a real replica set) is used as it is.
Unset: a fresh `nx-27017` is started on a free port with its own data dir, pid file
and log file inside a temporary directory (the argv of `deploy.processes.Stack`'s
`mongo-…` processes), and stopped at the end of the session.
Either way the tests write only into one database named for this run, dropped at the end.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from itertools import count
from pathlib import Path

import pytest
from pymongo.asynchronous.collection import AsyncCollection

from deploy.ports import free_port, is_listening
from deploy.processes import binary
from services.runtime.idempotency import IDEMPOTENCY, IDEMPOTENCY_INDEXES
from services.runtime.inbox import INBOX, INBOX_INDEXES
from services.runtime.mongo import Document, Mongo
from services.runtime.outbox import OUTBOX, OUTBOX_INDEXES

START_TIMEOUT_S = 20.0
_collection_numbers = count(1)


def _nx_argv(data_dir: Path, port: int) -> list[str]:
    return [
        binary("nx-27017"),
        "--data-dir",
        str(data_dir),
        "--host",
        "127.0.0.1",
        "-p",
        str(port),
        "--pid-file",
        str(data_dir / "nx-27017.pid"),
        "--log-file",
        str(data_dir / "nx-27017.log"),
    ]


@pytest.fixture(scope="session")
def mongodb_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = os.environ.get("MONGODB_URL")
    if configured:
        yield configured
        return
    root = tmp_path_factory.mktemp("nx-27017")
    data_dir = root / "data"
    data_dir.mkdir()
    port = free_port()
    with (root / "stdout.log").open("ab") as out:
        proc = subprocess.Popen(
            _nx_argv(data_dir, port),
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not is_listening(port):
            if proc.poll() is not None:
                raise RuntimeError(f"nx-27017 exited early; see {root / 'stdout.log'}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"nx-27017 did not listen on {port} in {START_TIMEOUT_S}s")
            time.sleep(0.02)
        yield f"mongodb://127.0.0.1:{port}/?directConnection=true"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
async def mongo(mongodb_url: str) -> AsyncIterator[Mongo]:
    """The runtime's own `Mongo` adapter on a database unique to this run."""
    database = f"wm_conformance_{uuid.uuid4().hex[:12]}"
    client = Mongo(mongodb_url, database, "storage-conformance")
    try:
        assert await client.ping(), f"no MongoDB answers at {mongodb_url}"
        yield client
    finally:
        await client.client.drop_database(database)
        await client.close()


@pytest.fixture
async def collection(mongo: Mongo, request: pytest.FixtureRequest) -> AsyncCollection[Document]:
    """A collection no other test writes to, created up front as `ensure_indexes` creates
    a service's collections at start (nx-27017 deviation 10 is tested on its own)."""
    name = re.sub(r"\W+", "_", request.node.name)[:60]
    return await mongo.db.create_collection(f"{name}_{next(_collection_numbers)}")


@pytest.fixture
async def runtime_mongo(mongo: Mongo) -> Mongo:
    """`mongo` with the runtime's collections indexed as `ServiceHost` does, and empty."""
    await mongo.ensure_indexes({**OUTBOX_INDEXES, **INBOX_INDEXES, **IDEMPOTENCY_INDEXES})
    for name in (OUTBOX, INBOX, IDEMPOTENCY):
        await mongo.collection(name).delete_many({})
    return mongo
