"""The search index: writes, filters, visibility, paging, ranking, suggestions."""

from __future__ import annotations

import pytest

from services.catalog.domain.search import MatchKind, SearchDoc, SearchIndex
from services.catalog.domain.search import matching as matching_module
from services.contracts.catalog import ContentKind, Section

PROVINCE = "320000"
CITY = f"{PROVINCE}/320500"
CENTER = f"{CITY}/320582"
INSTITUTE = f"{CENTER}/320582001"
STATION = f"{INSTITUTE}/320582001001"
SIBLING = f"{CENTER}/320582102/320582102205"
ANCESTORS = frozenset({PROVINCE, CITY, CENTER, INSTITUTE, STATION})


def doc(
    doc_id: str,
    title: str,
    *,
    section: Section = Section.health,
    kind: ContentKind = ContentKind.video,
    level: str = "city",
    scope: str = CITY,
    popularity: float = 0.0,
    tags: tuple[str, ...] = (),
) -> SearchDoc:
    return SearchDoc(doc_id, title, section, kind, level, scope, popularity, tags)


@pytest.fixture
def index() -> SearchIndex:
    built = SearchIndex()
    built.add_many(
        [
            doc("a", "柔力球教学：基本功", popularity=5),
            doc("b", "柔力球入门第一课", popularity=50),
            doc("c", "太极柔力球表演", kind=ContentKind.audio, popularity=500),
            doc("d", "剪纸入门", section=Section.culture, scope=STATION, level="station"),
            doc("e", "剪纸艺术欣赏", section=Section.culture, scope=SIBLING, level="station"),
            doc("f", "减脂操跟练", popularity=1),
            doc("g", "快乐广场舞", section=Section.culture, tags=("健身操", "王老师")),
            doc("h", "音乐欣赏：江南丝竹", section=Section.culture),
        ]
    )
    return built


def ids(result: object) -> list[str]:
    return [hit.id for hit in result.items]  # type: ignore[attr-defined]


def test_added_items_are_found_at_once_and_removed_ones_are_gone(index: SearchIndex) -> None:
    assert len(index) == 8
    index.add(doc("new", "锡剧名段欣赏"))
    assert "new" in index
    assert ids(index.search("xiju")) == ["new"]
    assert index.remove("new") is True
    assert "new" not in index
    assert index.search("锡剧").total == 0
    assert index.search("xiju").total == 0
    assert index.suggest("xj") == []
    assert index.remove("new") is False


def test_adding_an_id_again_replaces_the_item(index: SearchIndex) -> None:
    index.add(doc("a", "八段锦跟练"))
    assert len(index) == 8
    assert "a" not in ids(index.search("柔力球"))
    assert ids(index.search("bdj")) == ["a"]


def test_freed_slots_are_reused_without_leaking_old_matches(index: SearchIndex) -> None:
    for n in range(20):
        index.add(doc(f"tmp{n}", f"高血压讲座第{n}讲"))
    for n in range(20):
        index.remove(f"tmp{n}")
    index.add(doc("z", "糖尿病饮食"))
    assert index.search("高血压").total == 0
    assert ids(index.search("tnb")) == ["z"]


def test_filters_apply_before_paging(index: SearchIndex) -> None:
    assert ids(index.search("柔力球", kind=ContentKind.audio, limit=1)) == ["c"]
    assert index.search("柔力球", kind=ContentKind.audio, limit=1).total == 1
    assert ids(index.search("rm", section=Section.culture)) == ["d"]
    assert index.search("剪纸", source_level="station").total == 2
    assert index.search("剪纸", source_level="province").total == 0


def test_visibility_is_by_the_viewers_ancestor_paths(index: SearchIndex) -> None:
    # e is scoped to a sibling station; f (减脂, a homophone) to the city
    assert ids(index.search("剪纸", visible_scopes=ANCESTORS)) == ["d", "f"]
    assert index.search("剪纸", visible_scopes=ANCESTORS).total == 2
    assert index.search("剪纸", visible_scopes=frozenset()).total == 0
    assert index.search("剪纸").total == 3  # no visibility filter: internal callers
    assert index.suggest("剪", visible_scopes=ANCESTORS) == ["剪纸入门"]
    sibling = {PROVINCE, CITY, CENTER, "320000/320500/320582/320582102", SIBLING}
    assert index.suggest("剪", visible_scopes=sibling) == ["剪纸艺术欣赏"]


def test_paging_is_stable_and_complete(index: SearchIndex) -> None:
    for n in range(30):
        index.add(doc(f"p{n:02d}", f"健康讲座第{n}期", popularity=n % 7))
    every = ids(index.search("健康讲座", limit=100))
    assert len(every) == 30
    pages = [ids(index.search("健康讲座", limit=7, offset=at)) for at in range(0, 30, 7)]
    assert [hit for page in pages for hit in page] == every
    assert index.search("健康讲座", limit=7, offset=28).total == 30
    assert ids(index.search("健康讲座", limit=0)) == []
    assert len(ids(index.search("健康讲座", limit=10_000))) == 30  # capped at 100
    assert ids(index.search("健康讲座", offset=-5, limit=3)) == every[:3]


def test_better_matches_rank_first_then_popularity(index: SearchIndex) -> None:
    index.add(doc("exact", "柔力球", popularity=0))
    result = index.search("柔力球")
    assert ids(result)[0] == "exact"
    assert result.items[0].kind is MatchKind.TITLE_EXACT
    # a part starting with the query beats popularity; then the most popular first
    assert ids(result)[1:] == ["b", "a", "c"]
    scores = [hit.score for hit in result.items]
    assert scores == sorted(scores, reverse=True)
    index.set_popularity("a", 1000)
    assert ids(index.search("柔力球"))[1:] == ["a", "b", "c"]


def test_each_hit_says_why_in_chinese(index: SearchIndex) -> None:
    assert index.search("柔力球").items[0].why == "标题包含：柔力球"
    assert index.search("rouliqiu").items[0].why == "拼音匹配：柔力球"
    assert index.search("rlqjx").items[0].why == "拼音首字母：柔力球教学"
    assert index.search("柔丽球").items[0].why == "同音字：柔力球"
    assert index.search("rouliqoi").items[0].why == "拼音纠错：柔力球"
    assert index.search("健身操").items[0].why == "标签包含：健身操"


def test_the_term_is_what_the_resident_meant(index: SearchIndex) -> None:
    assert index.search("rlq").term == "柔力球"
    assert index.search("柔丽球").term == "柔力球"
    assert index.search("剪纸").term == "剪纸"
    assert index.search("qwxz").term == "qwxz"


def test_heteronyms_match_any_of_their_readings(index: SearchIndex) -> None:
    assert ids(index.search("yinyue")) == ["h"]
    assert ids(index.search("kuaile")) == ["g"]
    assert ids(index.search("yinle")) == ["h"]  # 乐 read le: still found


def test_homophones_only_when_exact_matches_are_few(index: SearchIndex) -> None:
    # 剪纸 matches two titles exactly; 减脂 (same sound) joins only as a homophone
    found = index.search("剪纸")
    assert ids(found) == ["d", "e", "f"]
    assert [hit.kind for hit in found.items][-1] is MatchKind.HOMOPHONE
    for n in range(3):
        index.add(doc(f"jz{n}", f"剪纸课{n}"))
    assert "f" not in ids(index.search("剪纸"))


def test_typos_only_when_nothing_else_matched(index: SearchIndex) -> None:
    assert index.search("rouliqu").items[0].kind is MatchKind.TYPO
    assert all(hit.kind is not MatchKind.TYPO for hit in index.search("rouliqiu").items)


def test_words_apart_are_found_after_words_together(index: SearchIndex) -> None:
    result = index.search("柔力球 基本功")
    assert ids(result) == ["a"]
    assert result.items[0].kind is MatchKind.TITLE_WORDS
    assert result.items[0].why == "标题包含全部关键词：柔力球、基本功"


def test_notes_tell_about_conversion_and_truncation(index: SearchIndex) -> None:
    assert index.search("剪紙").notes == ("已将繁体字转换为简体字",)
    assert ids(index.search("剪紙")) == ids(index.search("剪纸"))
    long = index.search("剪纸" * 100)
    assert "搜索词过长，只使用前64个字" in long.notes
    assert len(long.query) == 64


def test_suggestions_start_with_titles_that_begin_with_the_input(index: SearchIndex) -> None:
    assert index.suggest("rl") == ["柔力球入门第一课", "柔力球教学：基本功", "太极柔力球表演"]
    assert index.suggest("rl", limit=1) == ["柔力球入门第一课"]
    assert index.suggest("") == []
    assert index.suggest("   ") == []
    assert index.suggest("qwxz") == []


def test_a_broad_fuzzy_term_is_checked_on_its_most_popular_part(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(matching_module, "VERIFY_MAX", 5)
    index = SearchIndex()
    index.add_many(doc(f"r{n:02d}", f"柔力球教学第{n}课", popularity=n) for n in range(30))
    result = index.search("rlqjx", limit=3)
    assert result.partial
    assert result.total == 30
    assert ids(result) == ["r29", "r28", "r27"]


def test_loading_many_at_once_ranks_like_adding_one_by_one() -> None:
    docs = [doc(f"d{n}", f"太极拳第{n}式", popularity=(n * 7) % 5) for n in range(12)]
    docs.append(doc("d3", "太极拳新版", popularity=9))  # the same id again: replaces
    one_by_one, at_once = SearchIndex(), SearchIndex()
    for item in docs:
        one_by_one.add(item)
    at_once.add_many(docs)
    assert len(at_once) == 12
    assert ids(at_once.search("tjq")) == ids(one_by_one.search("tjq"))
    assert ids(at_once.search("tjq"))[0] == "d3"
