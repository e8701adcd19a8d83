"""Storage conformance: every MongoDB operation `services.runtime` and the services use.

Runs against whatever `MONGODB_URL` names (point it at a real MongoDB 7+ replica set
to check the code against the real thing); unset, against a fresh embedded `nx-27017`
(see `conftest.py`). A green run against both is the promise of DESIGN §2: "use only
what a real MongoDB 7+ also does".

Known nx-27017 (0.8.x) deviations. The code already steers clear of each; every one has
an `xfail(strict=False)` test at the end of this module that shows it (it passes, i.e.
XPASSes, against a real MongoDB):

1. `$set` of a datetime on an existing document (top level, or a dotted path, also
   through `find_one_and_update`) stores a *string* (`'2025-05-06 07:08:09.123000'`).
   Hence the outbox marks entries sent with a boolean flag, not a `sent_at` timestamp,
   and every datetime the code queries on is written by `insert_one`.
2. `$push` of a subdocument containing a datetime (or of a bare datetime) stores a JSON
   *string* (`'{"at":{"$date":"…"},"x":1}'`) instead of the subdocument.
3. A compound index that includes `_id` fails with "JSON path error near '_id'": at
   `create_indexes` on a non-empty collection; on an empty one the index is accepted and
   every later insert fails instead. Hence `OUTBOX_INDEXES` indexes `sent` alone.
4. A transaction started with `readConcern: snapshot` stores `{'level': 'snapshot'}` as a
   document in the collection it writes. Hence `Mongo.transaction` sets no read concern.

12. `find` on an array field through a *single-field* index on it returns nothing
    (`count_documents` still counts right); through a compound index it works. Hence
    every `site_path` (array of ancestors) index is compound.

Found while writing this test (not yet avoided everywhere; see the xfail tests):

5. `$set` of a boolean stores an integer (`True` → `1`, `False` → `0`), and queries treat
   booleans and numbers as equal (`{"f": 0}` matches `False`). Queries on `{"sent": True}`
   keep working, but a reader that checks `doc["sent"] is True` would not.
6. No isolation between a transaction and the rest of the database: a write inside an open
   transaction is visible to every other reader (other sessions, other clients) before
   it commits (dirty read).
7. Aborting a transaction rolls back *every* write made to the same database since it
   began — a concurrent plain write, or another transaction that has already reported
   a successful commit — so acknowledged writes are lost (one transaction is a SQLite
   savepoint on a connection all sessions share). A concurrent transaction that commits
   after another one aborted fails with "no such savepoint".
8. `index_information()` reports names of its own (`idx_<collection>_<fields>`, not the
   names `create_indexes` returned) and every key as ascending (a `-1` key reads `1`).
9. In the filter of `update_*`/`delete_*` (not of `find`/`count_documents`) a datetime is
   compared to the whole second: a document stamped 07:08:09.500 is not `$lt`
   07:08:09.999 there, and not `$gt` 07:08:09.499. `Outbox.purge_sent`'s one-day
   cutoff does not mind; a sub-second cutoff in a write filter would.
10. A collection whose first write was inside a transaction that aborted is left half
    made: `find` sees it empty, but `count_documents` fails with "no such table" until
    something is written to it again. The services create their collections at start
    (`Mongo.ensure_indexes`); a collection with no index (evaluation's `site_stats`) is
    only ever read with `find_one`, so this does not bite yet.
11. A collection name with a hyphen is refused ("Invalid identifier … must contain only
    alphanumeric characters and underscores"); MongoDB allows it.

Also seen, no test (the services do not use them): a dotted projection (`{"a.b": 1}`)
returns a flat `"a.b"` key instead of a nested document; a `uuid.UUID` (standard
representation) reads back as `bytes`; `replace_one` moves `_id` to the end of the
document; a `$lt` on a date also matches date-like strings (real MongoDB compares
across types only by type bracket).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import BaseModel
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError, PyMongoError
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

from services.catalog import store as catalog_store
from services.catalog.domain.content import Content, visible_to
from services.catalog.store import CONTENT, ContentStore, visibility_filter
from services.contracts.catalog import ContentKind, ContentStatus, Section
from services.contracts.envelope import EventEnvelope, new_event_id
from services.contracts.identity import Caller, Role
from services.evaluation.store import SITE_STATS, SiteStatsStore
from services.runtime import sites
from services.runtime.idempotency import IDEMPOTENCY, IdempotentCommands
from services.runtime.inbox import INBOX, Inbox
from services.runtime.mongo import Document, Mongo, Session
from services.runtime.outbox import OUTBOX, Outbox

PROVINCE = "320000"
CITY = f"{PROVINCE}/320500"
CENTER = f"{CITY}/320582"
INSTITUTE = f"{CENTER}/320582001"
INSTITUTE_TRAP = f"{CENTER}/3205820011"  # shares a string prefix with INSTITUTE, not a subtree
STATION = f"{INSTITUTE}/320582001001"
POINT = f"{STATION}/P01"
SIBLING_INSTITUTE = f"{CENTER}/320582102"
SIBLING_STATION = f"{SIBLING_INSTITUTE}/320582102205"

Coll = AsyncCollection[Document]


class Boom(Exception):
    """Raised inside a transaction on purpose."""


def to_ms(moment: datetime) -> datetime:
    """BSON dates keep milliseconds: what a datetime reads back as."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def assert_utc_datetime(value: Any, expected: datetime) -> None:
    assert isinstance(value, datetime), f"expected a datetime, got {value!r}"
    assert value.tzinfo is not None, "tz_aware=True must return aware datetimes"
    assert value.utcoffset() == timedelta(0)
    assert value == to_ms(expected)


async def ids(cursor: Any) -> list[Any]:
    return [doc["_id"] async for doc in cursor]


# -- connection -----------------------------------------------------------------------


async def test_ping(mongo: Mongo) -> None:
    assert await mongo.ping() is True


# -- insert / find ----------------------------------------------------------------------


async def test_insert_one_then_find_one_round_trips_every_value_type(collection: Coll) -> None:
    doc = {
        "_id": new_event_id(),
        "title": "柔力球入门教学",
        "count": 42,
        "big": 2**40,
        "ratio": 0.25,
        "flag": False,
        "nothing": None,
        "tags": ["健康", "体育"],
        "envelope": {"data": {"site": STATION, "n": [1, {"deep": True}]}, "trace": {}},
    }
    result = await collection.insert_one(doc)
    assert result.inserted_id == doc["_id"]
    found = await collection.find_one({"_id": doc["_id"]})
    assert found == doc
    assert found is not None
    assert type(found["count"]) is int
    assert found["flag"] is False
    assert await collection.find_one({"_id": "absent"}) is None


async def test_find_with_sort_limit_to_list(collection: Coll) -> None:
    event_ids = [new_event_id() for _ in range(6)]  # UUIDv7: creation order
    shuffled = [event_ids[i] for i in (3, 0, 5, 1, 4, 2)]
    base = datetime(2025, 1, 1, tzinfo=UTC)
    await collection.insert_many(
        [
            {"_id": event_id, "sent": event_id == event_ids[1], "at": base + timedelta(hours=n)}
            for n, event_id in enumerate(shuffled)
        ]
    )
    oldest_unsent = await collection.find({"sent": False}).sort("_id", ASCENDING).limit(3).to_list()
    assert [doc["_id"] for doc in oldest_unsent] == [event_ids[0], event_ids[2], event_ids[3]]
    newest = await collection.find({}).sort("_id", DESCENDING).limit(2).to_list()
    assert [doc["_id"] for doc in newest] == [event_ids[5], event_ids[4]]
    latest_first = await collection.find({}).sort("at", DESCENDING).to_list()
    assert [doc["_id"] for doc in latest_first] == list(reversed(shuffled))
    assert len(await collection.find({}).to_list()) == 6
    assert await ids(collection.find({"sent": True})) == [event_ids[1]]


async def test_find_sorts_on_two_keys(collection: Coll) -> None:
    await collection.insert_many([{"_id": n, "group": n % 2, "rank": n} for n in range(6)])
    docs = await collection.find({}).sort([("group", DESCENDING), ("rank", ASCENDING)]).to_list()
    assert [doc["_id"] for doc in docs] == [1, 3, 5, 0, 2, 4]


async def test_find_one_with_id_projection(collection: Coll) -> None:
    await collection.insert_one({"_id": "evt-1", "type": "catalog.content_published"})
    assert await collection.find_one({"_id": "evt-1"}, projection={"_id": 1}) == {"_id": "evt-1"}


async def test_count_documents(collection: Coll) -> None:
    await collection.insert_many([{"_id": n, "sent": n < 3} for n in range(5)])
    assert await collection.count_documents({}) == 5
    assert await collection.count_documents({"sent": False}) == 2
    assert await collection.count_documents({"sent": True}) == 3
    assert await collection.count_documents({"missing": 1}) == 0


# -- updates and deletes ----------------------------------------------------------------


async def test_update_one_inc_with_upsert(collection: Coll) -> None:
    first = await collection.update_one({"_id": STATION}, {"$inc": {"published": 1}}, upsert=True)
    assert first.upserted_id == STATION
    assert first.matched_count == 0
    for _ in range(2):
        again = await collection.update_one(
            {"_id": STATION}, {"$inc": {"published": 1}}, upsert=True
        )
        assert again.upserted_id is None
        assert again.matched_count == 1
    await collection.update_one({"_id": STATION}, {"$inc": {"plays": 5}}, upsert=True)
    await collection.update_one({"_id": STATION}, {"$inc": {"plays": -2}}, upsert=True)
    assert await collection.find_one({"_id": STATION}) == {
        "_id": STATION,
        "published": 3,
        "plays": 3,
    }


async def test_site_stats_store_increments_inside_a_transaction(mongo: Mongo) -> None:
    await mongo.collection(SITE_STATS).delete_many({})
    store = SiteStatsStore(mongo)
    for _ in range(2):

        async def count(session: Session) -> None:
            await store.increment(session, sites.ancestors(STATION), "published_content")

        await mongo.transaction(count)
    assert await store.get(STATION) == {"published_content": 2}
    assert await store.get(PROVINCE) == {"published_content": 2}
    assert await store.get(SIBLING_STATION) == {}


async def test_update_many_in_sets_bool_str_int(collection: Coll) -> None:
    await collection.insert_many([{"_id": f"e{n}", "sent": False, "tries": 0} for n in range(5)])
    result = await collection.update_many(
        {"_id": {"$in": ["e1", "e3", "e4", "not-there"]}},
        {"$set": {"sent": True, "label": "已发送", "tries": 7}},
    )
    assert result.matched_count == 3
    assert result.modified_count == 3
    assert await ids(collection.find({"sent": True}).sort("_id", ASCENDING)) == ["e1", "e3", "e4"]
    assert await ids(collection.find({"sent": False}).sort("_id", ASCENDING)) == ["e0", "e2"]
    assert await collection.count_documents({"label": "已发送", "tries": 7}) == 3
    changed = await collection.find_one({"_id": "e3"})
    assert changed is not None
    assert changed["label"] == "已发送"
    assert changed["tries"] == 7
    assert type(changed["tries"]) is int
    assert bool(changed["sent"]) is True  # a bool on MongoDB; 1 on nx-27017 (deviation 5)
    untouched = await collection.find_one({"_id": "e2"})
    assert untouched == {"_id": "e2", "sent": False, "tries": 0}
    nothing = await collection.update_many({"_id": {"$in": []}}, {"$set": {"sent": True}})
    assert nothing.matched_count == 0


async def test_delete_many_with_datetime_lt_on_inserted_field(collection: Coll) -> None:
    now = datetime.now(UTC)
    await collection.insert_many(
        [
            {"_id": "old-sent", "sent": True, "created_at": now - timedelta(days=3)},
            {"_id": "old-unsent", "sent": False, "created_at": now - timedelta(days=3)},
            {"_id": "new-sent", "sent": True, "created_at": now - timedelta(hours=1)},
            {"_id": "edge-sent", "sent": True, "created_at": now - timedelta(days=1)},
        ]
    )
    cutoff = now - timedelta(days=1)
    result = await collection.delete_many({"sent": True, "created_at": {"$lt": cutoff}})
    assert result.deleted_count == 1
    assert await ids(collection.find({}).sort("_id", ASCENDING)) == [
        "edge-sent",  # exactly at the cutoff: `$lt` keeps it
        "new-sent",
        "old-unsent",
    ]


# -- indexes ----------------------------------------------------------------------------


async def test_create_indexes_is_idempotent(mongo: Mongo, collection: Coll) -> None:
    models = [*catalog_store.INDEXES[CONTENT], IndexModel([("code", ASCENDING)], unique=True)]
    first = await collection.create_indexes(models)
    second = await collection.create_indexes(models)
    assert first == second
    assert len(first) == len(models)
    # `Mongo.ensure_indexes` goes through the same call; twice is fine too.
    await mongo.ensure_indexes({collection.name: models})
    await mongo.ensure_indexes({collection.name: models})
    info = await collection.index_information()
    key_fields = {tuple(field for field, _ in spec["key"]) for spec in info.values()}
    assert {
        ("_id",),
        ("site_path", "created_at"),
        ("scope", "status"),
        ("status", "publish_at"),
        ("code",),
    } <= key_fields


async def test_unique_index_raises_duplicate_key_11000(collection: Coll) -> None:
    await collection.create_indexes([IndexModel([("code", ASCENDING)], unique=True)])
    await collection.insert_one({"_id": 1, "code": "A-1"})
    with pytest.raises(DuplicateKeyError) as raised:
        await collection.insert_one({"_id": 2, "code": "A-1"})
    assert raised.value.code == 11000
    with pytest.raises(DuplicateKeyError) as raised_on_id:
        await collection.insert_one({"_id": 1, "code": "B-2"})
    assert raised_on_id.value.code == 11000
    assert await collection.count_documents({}) == 1


# -- site scoping: multikey arrays, $in, $or --------------------------------------------


async def test_multikey_site_path_query(collection: Coll) -> None:
    await collection.create_indexes(catalog_store.INDEXES[CONTENT])
    places = {
        "at-institute": INSTITUTE,
        "at-station": STATION,
        "at-point": POINT,
        "at-trap": INSTITUTE_TRAP,
        "at-sibling": SIBLING_STATION,
        "at-center": CENTER,
    }
    await collection.insert_many(
        [{"_id": key, "site_path": sites.ancestors(site)} for key, site in places.items()]
    )
    query = sites.within_query(INSTITUTE)
    assert query == {"site_path": INSTITUTE}
    inside = sorted(await ids(collection.find(query)))
    assert inside == ["at-institute", "at-point", "at-station"]
    assert await collection.count_documents(query) == 3
    assert sorted(await ids(collection.find({"site_path": CENTER}))) == sorted(places)
    either = {"site_path": {"$in": [STATION, SIBLING_STATION]}}
    assert sorted(await ids(collection.find(either))) == ["at-point", "at-sibling", "at-station"]


def _content(key: str, site: str, scope: str, status: ContentStatus, at: datetime) -> Content:
    return Content(
        id=key,
        title=f"内容 {key}",
        section=Section.health,
        kind=ContentKind.article,
        summary="",
        media_url=None,
        site=site,
        scope=scope,
        status=status,
        published_at=at,
        created_by="test-admin",
        created_at=at,
    )


PUBLISHED, RETIRED = ContentStatus.published, ContentStatus.retired
ITEMS = {
    "province-wide": (PROVINCE, PROVINCE, PUBLISHED),
    "center-wide": (CENTER, CENTER, PUBLISHED),
    "center-to-institute": (CENTER, INSTITUTE, PUBLISHED),
    "institute-own": (INSTITUTE, INSTITUTE, PUBLISHED),
    "trap-own": (INSTITUTE_TRAP, INSTITUTE_TRAP, PUBLISHED),
    "station-retired": (STATION, STATION, RETIRED),
    "sibling-own": (SIBLING_STATION, SIBLING_STATION, PUBLISHED),
}
CALLERS = {
    "resident-at-point": (Role.resident, POINT),
    "resident-at-sibling": (Role.resident, f"{SIBLING_STATION}/P07"),
    "resident-at-trap": (Role.resident, f"{INSTITUTE_TRAP}/S1"),
    "resident-at-city": (Role.resident, CITY),
    "station-admin": (Role.station_admin, STATION),
    "institute-admin": (Role.institute_admin, INSTITUTE),
    "center-admin": (Role.center_admin, CENTER),
    "provincial-admin": (Role.provincial_admin, PROVINCE),
}
EXPECTED_VISIBLE = {
    "resident-at-point": {"province-wide", "center-wide", "center-to-institute", "institute-own"},
    "resident-at-sibling": {"province-wide", "center-wide", "sibling-own"},
    "resident-at-trap": {"province-wide", "center-wide", "trap-own"},
    "resident-at-city": {"province-wide"},
    "station-admin": {
        "province-wide",
        "center-wide",
        "center-to-institute",
        "institute-own",
        "station-retired",
    },
    "institute-admin": {
        "province-wide",
        "center-wide",
        "center-to-institute",
        "institute-own",
        "station-retired",
    },
    "center-admin": set(ITEMS),
    "provincial-admin": set(ITEMS),
}


@pytest.fixture
async def content_store(mongo: Mongo) -> ContentStore:
    await mongo.collection(CONTENT).delete_many({})
    await mongo.ensure_indexes(catalog_store.INDEXES)
    store = ContentStore(mongo)
    base = to_ms(datetime.now(UTC))
    for n, (key, (site, scope, status)) in enumerate(ITEMS.items()):
        item = _content(key, site, scope, status, base + timedelta(minutes=n))

        async def write(session: Session, item: Content = item) -> None:
            await store.insert(session, item)

        await mongo.transaction(write)
    return store


@pytest.mark.parametrize("who", sorted(CALLERS))
async def test_visibility_filter_runs_the_domain_rule(
    mongo: Mongo, content_store: ContentStore, who: str
) -> None:
    role, site = CALLERS[who]
    caller = Caller(sub=f"test-{who}", role=role, site=site)
    found = set(await ids(mongo.collection(CONTENT).find(visibility_filter(caller))))
    assert found == EXPECTED_VISIBLE[who]
    # The query and the pure rule (used by the in-memory read model) agree.
    stored = [catalog_store.from_document(doc) async for doc in mongo.collection(CONTENT).find()]
    assert {item.id for item in stored if visible_to(item, caller)} == found
    # `_id` beside the `$or`, as `get_visible` queries.
    for key in ITEMS:
        item = await content_store.get_visible(key, caller)
        assert (item is not None) == (key in found), key


async def test_content_store_round_trips_items(content_store: ContentStore) -> None:
    item = await content_store.get("center-to-institute")
    assert item is not None
    assert (item.site, item.scope, item.status) == (CENTER, INSTITUTE, PUBLISHED)
    assert item.published_at.tzinfo is not None
    assert await content_store.get("nope") is None
    published = await content_store.all_published()
    assert {c.id for c in published} == set(ITEMS) - {"station-retired"}


# -- datetimes --------------------------------------------------------------------------


async def test_datetimes_round_trip_tz_aware(collection: Coll) -> None:
    utc_moment = datetime(2025, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    beijing = datetime(2025, 5, 6, 15, 8, 9, 500000, tzinfo=timezone(timedelta(hours=8)))
    await collection.insert_one(
        {"_id": "t", "at": utc_moment, "local": beijing, "nested": {"at": utc_moment}}
    )
    doc = await collection.find_one({"_id": "t"})
    assert doc is not None
    assert_utc_datetime(doc["at"], utc_moment)
    assert_utc_datetime(doc["local"], beijing)  # same instant, read back in UTC
    assert doc["local"].hour == 7
    assert_utc_datetime(doc["nested"]["at"], utc_moment)
    assert await collection.count_documents({"at": {"$gt": utc_moment - timedelta(1)}}) == 1
    assert await collection.count_documents({"at": {"$lt": utc_moment - timedelta(1)}}) == 0


# -- transactions -----------------------------------------------------------------------


async def test_transaction_commit_is_visible(mongo: Mongo, collection: Coll) -> None:
    other = mongo.collection(f"{collection.name}_other")

    async def work(session: Session) -> str:
        await collection.insert_one({"_id": "state", "v": 1}, session=session)
        await other.update_one({"_id": "ctr"}, {"$inc": {"n": 1}}, upsert=True, session=session)
        inside = await collection.find_one({"_id": "state"}, session=session)
        assert inside == {"_id": "state", "v": 1}  # a transaction reads its own writes
        return "done"

    assert await mongo.transaction(work) == "done"
    assert await collection.find_one({"_id": "state"}) == {"_id": "state", "v": 1}
    assert await other.find_one({"_id": "ctr"}) == {"_id": "ctr", "n": 1}


async def test_exception_inside_transaction_aborts_everything(
    mongo: Mongo, collection: Coll
) -> None:
    await collection.insert_one({"_id": "existing", "n": 1})

    async def work(session: Session) -> None:
        await collection.insert_one({"_id": "new"}, session=session)
        await collection.update_one({"_id": "existing"}, {"$inc": {"n": 10}}, session=session)
        await collection.update_one(
            {"_id": "upserted"}, {"$inc": {"n": 1}}, upsert=True, session=session
        )
        await collection.delete_many({"_id": "existing"}, session=session)
        raise Boom

    with pytest.raises(Boom):
        await mongo.transaction(work)
    assert await collection.find({}).to_list() == [{"_id": "existing", "n": 1}]


@pytest.mark.parametrize("clash", ["_id", "unique-index"])
async def test_duplicate_key_inside_transaction_aborts_it(
    mongo: Mongo, collection: Coll, clash: str
) -> None:
    await collection.create_indexes([IndexModel([("code", ASCENDING)], unique=True)])
    await collection.insert_one({"_id": "taken", "code": "T"})
    duplicate = {"_id": "taken", "code": "X"} if clash == "_id" else {"_id": "other", "code": "T"}

    async def work(session: Session) -> None:
        await collection.insert_one({"_id": "fresh", "code": "F"}, session=session)
        await collection.update_one({"_id": "taken"}, {"$set": {"v": 2}}, session=session)
        await collection.insert_one(duplicate, session=session)

    with pytest.raises(DuplicateKeyError) as raised:
        await asyncio.wait_for(mongo.transaction(work), timeout=30)
    assert raised.value.code == 11000
    assert await collection.find({}).to_list() == [{"_id": "taken", "code": "T"}]


async def test_concurrent_transactions_fail_alone(mongo: Mongo, collection: Coll) -> None:
    """Many at once (on nx-27017 they share commits): one failure loses only its own writes."""
    await collection.insert_one({"_id": "taken"})

    def writer(key: str) -> Callable[[Session], Awaitable[str]]:
        async def work(session: Session) -> str:
            await collection.update_one(
                {"_id": "ctr"}, {"$inc": {"n": 1}}, upsert=True, session=session
            )
            await collection.insert_one({"_id": key}, session=session)
            return key

        return work

    keys = [f"k{i}" for i in range(12)]
    keys[5] = "taken"
    results = await asyncio.wait_for(
        asyncio.gather(*(mongo.transaction(writer(k)) for k in keys), return_exceptions=True),
        timeout=60,
    )
    assert isinstance(results[5], DuplicateKeyError)
    assert [r for i, r in enumerate(results) if i != 5] == [k for k in keys if k != "taken"]
    stored = {doc["_id"] for doc in await collection.find({}).to_list()}
    assert stored == {"ctr", *keys}
    assert await collection.find_one({"_id": "ctr"}) == {"_id": "ctr", "n": 11}


# -- inbox ------------------------------------------------------------------------------


def _event(site: str = STATION) -> EventEnvelope[dict[str, Any]]:
    return EventEnvelope(
        type="catalog.content_published", site=site, data={"id": new_event_id(), "site": site}
    )


async def test_inbox_applies_an_event_once(runtime_mongo: Mongo) -> None:
    await runtime_mongo.collection(SITE_STATS).delete_many({})
    stats = SiteStatsStore(runtime_mongo)
    inbox = Inbox(runtime_mongo, "evaluation")
    calls: list[str] = []

    async def effect(event: EventEnvelope[Any], session: Session) -> None:
        calls.append(event.id)
        await stats.increment(session, sites.ancestors(event.site), "published_content")

    event = _event()
    assert await inbox.seen(event.id) is False
    assert await inbox.apply(event, effect) is True
    redelivered = EventEnvelope[dict[str, Any]].model_validate(event.model_dump(mode="json"))
    assert await inbox.apply(redelivered, effect) is False
    assert calls == [event.id]
    assert await stats.get(STATION) == {"published_content": 1}
    assert await stats.get(CENTER) == {"published_content": 1}
    assert await inbox.seen(event.id) is True
    entry = await runtime_mongo.collection(INBOX).find_one({"_id": event.id})
    assert entry is not None
    assert (entry["type"], entry["consumer"]) == ("catalog.content_published", "evaluation")
    assert isinstance(entry["received_at"], datetime)
    assert entry["received_at"].tzinfo is not None


async def test_inbox_records_nothing_when_the_effect_fails(runtime_mongo: Mongo) -> None:
    await runtime_mongo.collection(SITE_STATS).delete_many({})
    stats = SiteStatsStore(runtime_mongo)
    inbox = Inbox(runtime_mongo, "evaluation")
    event = _event()

    async def failing(event: EventEnvelope[Any], session: Session) -> None:
        await stats.increment(session, [STATION], "published_content")
        raise Boom

    async def working(event: EventEnvelope[Any], session: Session) -> None:
        await stats.increment(session, [STATION], "published_content")

    with pytest.raises(Boom):
        await inbox.apply(event, failing)
    assert await inbox.seen(event.id) is False  # so the redelivery applies it
    assert await stats.get(STATION) == {}
    assert await inbox.apply(event, working) is True
    assert await stats.get(STATION) == {"published_content": 1}


# -- outbox -----------------------------------------------------------------------------


async def test_outbox_add_pending_mark_sent_purge(runtime_mongo: Mongo, collection: Coll) -> None:
    outbox = Outbox(runtime_mongo)
    events = [_event() for _ in range(3)]  # ids ascending
    subject = "wm.320582.catalog.evt.content_published"

    async def write(session: Session) -> None:
        await collection.insert_one({"_id": "state"}, session=session)
        for event in (events[2], events[0], events[1]):
            await outbox.add(session, subject, event)

    await runtime_mongo.transaction(write)
    assert await outbox.pending_count() == 3
    pending = await outbox.pending()
    assert [entry["_id"] for entry in pending] == [event.id for event in events]
    assert [entry["_id"] for entry in await outbox.pending(limit=2)] == [e.id for e in events[:2]]
    first = pending[0]
    assert first["subject"] == subject
    assert first["envelope"] == events[0].model_dump(mode="json")
    assert not first["sent"]
    assert first["created_at"].tzinfo is not None

    await outbox.mark_sent([events[0].id, events[1].id])
    assert await outbox.pending_count() == 1
    assert [entry["_id"] for entry in await outbox.pending()] == [events[2].id]
    assert await outbox.purge_sent() == 0  # sent, but younger than a day
    # A cutoff in the future makes every sent entry old enough. (Seconds ahead, not
    # milliseconds: nx-27017 compares dates in delete filters to the second, deviation 9.)
    assert await outbox.purge_sent(older_than=-timedelta(seconds=2)) == 2
    remaining = await runtime_mongo.collection(OUTBOX).find({}).to_list()
    assert [entry["_id"] for entry in remaining] == [events[2].id]


async def test_outbox_purges_old_sent_entries_only(runtime_mongo: Mongo) -> None:
    outbox = Outbox(runtime_mongo)
    entries = runtime_mongo.collection(OUTBOX)
    old = datetime.now(UTC) - timedelta(days=2)
    await entries.insert_many(
        [
            {"_id": "a-old-sent", "sent": False, "created_at": old, "subject": "s", "envelope": {}},
            {
                "_id": "b-old-unsent",
                "sent": False,
                "created_at": old,
                "subject": "s",
                "envelope": {},
            },
        ]
    )
    await outbox.mark_sent(["a-old-sent"])
    assert await outbox.purge_sent() == 1
    assert await ids(entries.find({})) == ["b-old-unsent"]


async def test_outbox_entry_of_an_aborted_transaction_is_not_pending(runtime_mongo: Mongo) -> None:
    outbox = Outbox(runtime_mongo)

    async def write(session: Session) -> None:
        await outbox.add(session, "wm.320582.catalog.evt.content_published", _event())
        raise Boom

    with pytest.raises(Boom):
        await runtime_mongo.transaction(write)
    assert await outbox.pending_count() == 0
    assert await outbox.pending() == []


# -- idempotency keys -------------------------------------------------------------------


class Answer(BaseModel):
    id: str
    at: datetime


class Counter:
    """A command's effect: one document per run, so concurrent runs never conflict."""

    def __init__(self, collection: Coll) -> None:
        self.collection = collection
        self.calls = 0

    async def work(self, session: Session) -> Answer:
        self.calls += 1
        answer = Answer(id=str(uuid.uuid4()), at=datetime.now(UTC))
        await self.collection.insert_one({"_id": answer.id}, session=session)
        return answer

    async def effects(self) -> int:
        return await self.collection.count_documents({})


async def test_idempotent_command_runs_once_per_key(runtime_mongo: Mongo, collection: Coll) -> None:
    commands = IdempotentCommands(runtime_mongo)
    counter = Counter(collection)

    async def run(caller: str, action: str, key: str | None) -> Answer:
        return await commands.run(
            caller_sub=caller, action=action, key=key, reply_model=Answer, work=counter.work
        )

    first = await run("admin-1", "content.create", "key-00000001")
    again = await run("admin-1", "content.create", "key-00000001")
    assert again == first
    assert (counter.calls, await counter.effects()) == (1, 1)
    stored = await runtime_mongo.collection(IDEMPOTENCY).find_one(
        {"_id": "admin-1:content.create:key-00000001"}
    )
    assert stored is not None
    assert Answer.model_validate(stored["reply"]) == first

    assert await run("admin-2", "content.create", "key-00000001") != first  # other caller
    assert await run("admin-1", "content.retire", "key-00000001") != first  # other action
    assert await run("admin-1", "content.create", "key-00000002") != first  # other key
    assert (counter.calls, await counter.effects()) == (4, 4)
    unkeyed = [await run("admin-1", "content.create", None) for _ in range(2)]
    assert unkeyed[0] != unkeyed[1]
    assert (counter.calls, await counter.effects()) == (6, 6)


async def test_idempotent_command_that_failed_runs_again(
    runtime_mongo: Mongo, collection: Coll
) -> None:
    commands = IdempotentCommands(runtime_mongo)
    counter = Counter(collection)

    async def failing(session: Session) -> Answer:
        await counter.work(session)
        raise Boom

    with pytest.raises(Boom):
        await commands.run(
            caller_sub="a", action="x", key="key-fails-once", reply_model=Answer, work=failing
        )
    assert await counter.effects() == 0
    answer = await commands.run(
        caller_sub="a", action="x", key="key-fails-once", reply_model=Answer, work=counter.work
    )
    assert await counter.effects() == 1
    assert (
        await commands.run(
            caller_sub="a", action="x", key="key-fails-once", reply_model=Answer, work=counter.work
        )
        == answer
    )


# -- nx-27017 deviations (xfail there, pass on a real MongoDB) ---------------------------


@pytest.mark.xfail(strict=False, reason="nx-27017 deviation 1: `$set` of a datetime stores a str")
@pytest.mark.parametrize("how", ["top-level", "dotted-path", "find_one_and_update"])
async def test_deviation_1_set_datetime_on_existing_document(collection: Coll, how: str) -> None:
    moment = datetime(2025, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)
    await collection.insert_one({"_id": "d", "nested": {}})
    if how == "top-level":
        await collection.update_one({"_id": "d"}, {"$set": {"sent_at": moment}})
        doc = await collection.find_one({"_id": "d"})
        assert doc is not None
        value = doc["sent_at"]
    elif how == "dotted-path":
        await collection.update_one({"_id": "d"}, {"$set": {"nested.sent_at": moment}})
        doc = await collection.find_one({"_id": "d"})
        assert doc is not None
        value = doc["nested"]["sent_at"]
    else:
        doc = await collection.find_one_and_update(
            {"_id": "d"}, {"$set": {"sent_at": moment}}, return_document=ReturnDocument.AFTER
        )
        assert doc is not None
        value = doc["sent_at"]
    assert_utc_datetime(value, moment)


@pytest.mark.xfail(strict=False, reason="nx-27017 deviation 2: `$push` with a datetime stores JSON")
@pytest.mark.parametrize("pushed", ["subdocument", "bare-datetime"])
async def test_deviation_2_push_datetime(collection: Coll, pushed: str) -> None:
    moment = datetime(2025, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)
    item: Any = {"at": moment, "by": "admin"} if pushed == "subdocument" else moment
    await collection.insert_one({"_id": "d", "log": []})
    await collection.update_one({"_id": "d"}, {"$push": {"log": item}})
    doc = await collection.find_one({"_id": "d"})
    assert doc is not None
    assert doc["log"] == [item]


@pytest.mark.xfail(strict=False, reason="nx-27017 deviation 3: compound index with `_id` fails")
@pytest.mark.parametrize("when", ["empty-collection", "non-empty-collection"])
async def test_deviation_3_compound_index_with_id(collection: Coll, when: str) -> None:
    if when == "non-empty-collection":
        await collection.insert_one({"_id": "a", "sent": False})
    await collection.create_indexes([IndexModel([("sent", ASCENDING), ("_id", ASCENDING)])])
    await collection.insert_one({"_id": "b", "sent": False})
    pending = await collection.find({"sent": False}).sort("_id", ASCENDING).to_list()
    assert [doc["_id"] for doc in pending][-1] == "b"


@pytest.mark.xfail(strict=False, reason="nx-27017 deviation 4: snapshot read concern stored")
async def test_deviation_4_snapshot_read_concern(mongo: Mongo, collection: Coll) -> None:
    async def work(session: Session) -> None:
        await collection.insert_one({"_id": "only", "v": 1}, session=session)

    async with mongo.client.start_session() as session:
        await session.with_transaction(
            work, read_concern=ReadConcern("snapshot"), write_concern=WriteConcern("majority")
        )
    assert await collection.find({}).to_list() == [{"_id": "only", "v": 1}]


@pytest.mark.xfail(strict=False, reason="nx-27017 deviation 5: `$set` of a bool stores an int")
async def test_deviation_5_set_bool_keeps_its_type(collection: Coll) -> None:
    await collection.insert_many([{"_id": "t", "sent": False}, {"_id": "n", "sent": 0}])
    await collection.update_one({"_id": "t"}, {"$set": {"sent": True}})
    doc = await collection.find_one({"_id": "t"})
    assert doc is not None
    assert doc["sent"] is True
    # A number is not a boolean to a MongoDB query.
    assert await ids(collection.find({"sent": False})) == []
    assert await ids(collection.find({"sent": 0})) == ["n"]


@pytest.mark.xfail(strict=False, reason="nx-27017 deviation 6: uncommitted writes are visible")
async def test_deviation_6_no_dirty_reads(mongo: Mongo, collection: Coll) -> None:
    async def work(session: Session) -> Document | None:
        await collection.insert_one({"_id": "uncommitted"}, session=session)
        return await collection.find_one({"_id": "uncommitted"})  # outside the transaction

    assert await mongo.transaction(work) is None


@pytest.mark.xfail(
    strict=False, reason="nx-27017 deviation 7: an abort rolls back concurrent acknowledged writes"
)
@pytest.mark.parametrize("concurrent", ["plain-write", "committed-transaction"])
async def test_deviation_7_abort_keeps_concurrent_writes(
    mongo: Mongo, collection: Coll, concurrent: str
) -> None:
    started, written = asyncio.Event(), asyncio.Event()

    async def aborted(session: Session) -> None:
        await collection.insert_one({"_id": "aborted"}, session=session)
        started.set()
        await written.wait()
        raise Boom

    async def committed(session: Session) -> None:
        await collection.insert_one({"_id": "acknowledged"}, session=session)

    async def other_writer() -> None:
        await started.wait()
        try:
            if concurrent == "plain-write":
                await collection.insert_one({"_id": "acknowledged"})
            else:
                await mongo.transaction(committed)
        finally:
            written.set()

    outcomes = await asyncio.wait_for(
        asyncio.gather(mongo.transaction(aborted), other_writer(), return_exceptions=True),
        timeout=30,
    )
    assert isinstance(outcomes[0], Boom)
    assert outcomes[1] is None, f"the concurrent write failed: {outcomes[1]!r}"
    assert await ids(collection.find({})) == ["acknowledged"]


@pytest.mark.xfail(
    strict=False, reason="nx-27017 deviation 7: concurrent transactions with one abort fail"
)
async def test_deviation_7_concurrent_retries_of_one_idempotency_key(
    runtime_mongo: Mongo, collection: Coll
) -> None:
    """Two deliveries of one command at once (a client retry racing the original):
    one effect, one answer for both — what `IdempotentCommands.run` promises."""
    commands = IdempotentCommands(runtime_mongo)
    counter = Counter(collection)
    both_inside = asyncio.Barrier(2)
    met = asyncio.Event()

    async def work(session: Session) -> Answer:
        answer = await counter.work(session)
        if not met.is_set():
            await asyncio.wait_for(both_inside.wait(), timeout=5)
            met.set()
        return answer

    async def run() -> Answer:
        return await commands.run(
            caller_sub="admin",
            action="content.create",
            key="key-raced-01",
            reply_model=Answer,
            work=work,
        )

    try:
        first, second = await asyncio.wait_for(asyncio.gather(run(), run()), timeout=60)
    except PyMongoError as exc:  # nx-27017: "no such savepoint" or a DuplicateKeyError
        pytest.fail(f"a concurrent retry failed: {exc!r}")
    assert first == second
    assert await counter.effects() == 1


@pytest.mark.xfail(strict=False, reason="nx-27017 deviation 8: index names and directions")
async def test_deviation_8_index_information(collection: Coll) -> None:
    names = await collection.create_indexes(catalog_store.INDEXES[CONTENT])
    info = await collection.index_information()
    assert set(names) <= set(info)
    assert info["site_path_1_published_at_-1"]["key"] == [("site_path", 1), ("published_at", -1)]


@pytest.mark.xfail(
    strict=False, reason="nx-27017 deviation 9: write filters compare dates by second"
)
@pytest.mark.parametrize("operation", ["update_many", "delete_many"])
async def test_deviation_9_sub_second_dates_in_write_filters(
    collection: Coll, operation: str
) -> None:
    stamped = datetime(2025, 5, 6, 7, 8, 9, 500000, tzinfo=UTC)
    await collection.insert_one({"_id": "d", "created_at": stamped})
    later = {"created_at": {"$lt": stamped + timedelta(milliseconds=200)}}
    assert await collection.count_documents(later) == 1  # find and count get it right
    if operation == "update_many":
        matched = (await collection.update_many(later, {"$set": {"seen": 1}})).matched_count
    else:
        matched = (await collection.delete_many(later)).deleted_count
    assert matched == 1


@pytest.mark.xfail(strict=False, reason="nx-27017 deviation 10: collection of an aborted txn")
async def test_deviation_10_count_on_a_collection_first_written_in_an_aborted_transaction(
    mongo: Mongo,
) -> None:
    never_created = mongo.collection(f"born_aborted_{uuid.uuid4().hex[:8]}")

    async def work(session: Session) -> None:
        await never_created.insert_one({"_id": "x"}, session=session)
        raise Boom

    with pytest.raises(Boom):
        await mongo.transaction(work)
    assert await never_created.find({}).to_list() == []
    assert await never_created.count_documents({}) == 0


@pytest.mark.xfail(strict=False, reason="nx-27017 deviation 11: hyphen in a collection name")
async def test_deviation_11_hyphenated_collection_name(mongo: Mongo) -> None:
    hyphenated = mongo.collection(f"dead-letters-{uuid.uuid4().hex[:8]}")
    await hyphenated.insert_one({"_id": "x"})
    assert await hyphenated.count_documents({}) == 1


@pytest.mark.xfail(
    strict=False, reason="nx-27017 deviation 12: `find` through a single-field array index"
)
async def test_deviation_12_find_through_a_single_field_index_on_an_array(
    collection: Coll,
) -> None:
    await collection.create_indexes([IndexModel([("site_path", ASCENDING)])])
    await collection.insert_many(
        [
            {"_id": n, "site_path": sites.ancestors(f"{INSTITUTE}/{320582001000 + n}")}
            for n in range(1, 4)
        ]
    )
    assert await collection.count_documents({"site_path": INSTITUTE}) == 3
    assert len(await collection.find({"site_path": INSTITUTE}).to_list()) == 3
