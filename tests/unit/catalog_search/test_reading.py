"""How query terms are read (pinyin segmentations) and how typos are corrected."""

from __future__ import annotations

from services.catalog.domain.search.phonetics import readings, title_readings
from services.catalog.domain.search.query import Unit, pair_keys, term_variants
from services.catalog.domain.search.typos import TypoVocabulary


def spelled(term: str) -> list[str]:
    variants, _ = term_variants(term, homophone=False)
    return [" ".join(f"{u.code}:{u.text}" for u in units) for units in variants]


def test_letters_are_read_as_syllables_initials_or_a_mix() -> None:
    assert spelled("xian") == ["p:xian", "s:xia i:n", "s:xi p:an", "l:x l:i l:a l:n"]
    assert spelled("rlqjx") == ["i:r i:l i:q i:j i:x", "l:r l:l l:q l:j l:x"]
    assert "s:rou s:li i:q i:j i:x" in spelled("rouliqjx")
    assert "p:zh i:q i:j" in spelled("zhqj")
    assert spelled("柔力qiu") == ["c:柔 c:力 p:qiu", "c:柔 c:力 l:q l:i l:u"]


def test_readings_keep_common_heteronyms_and_drop_rare_ones() -> None:
    assert set(readings("乐")) == {"le", "yue"}
    assert set(readings("行")) == {"xing", "hang"}
    assert readings("机") == ("ji",)
    assert readings("a") == ()
    音乐 = title_readings("音乐")
    assert 音乐[1][0] == "yue"  # the reading the phrase uses comes first


def test_pair_keys_prove_a_match_only_where_they_can() -> None:
    assert pair_keys(Unit("c", "柔"), Unit("c", "力")) == (["c柔力"], True)
    assert pair_keys(Unit("i", "r"), Unit("i", "l")) == (["irl"], True)
    assert pair_keys(Unit("s", "rou"), Unit("s", "li")) == (["srou li"], True)
    assert pair_keys(Unit("s", "wang"), Unit("i", "s")) == (["mwang s", "mwang sh"], True)
    assert pair_keys(Unit("c", "柔"), Unit("s", "li"))[1] is False


def test_typo_vocabulary_corrects_against_what_titles_contain() -> None:
    words = TypoVocabulary()
    words.add(["rou", "li", "qiu", "jiao", "xue"])
    assert words.corrections("rouliqoi") == ["rouliqiu"]
    assert words.corrections("rouliqu")[0] == "rouliqiu"
    assert words.corrections("jioaxue") == ["jiaoxue"]  # two letters swapped: one edit
    assert words.corrections("rou") == []  # too short to guess
    words.remove(["rou", "li", "qiu", "jiao", "xue"])
    assert words.corrections("rouliqoi") == []
    assert len(words) == 0


def test_a_southern_accent_is_forgiven() -> None:
    words = TypoVocabulary()
    words.add(["shu", "fa"])
    words.add(["zhong", "qiu", "jie"])
    words.add(["lao", "nian", "ren"])
    assert words.corrections("sufa") == ["shufa"]  # s for sh
    assert words.corrections("zongqiujie")[0] == "zhongqiujie"  # z for zh
    assert words.corrections("naonianren")[0] == "laonianren"  # n for l
    assert words.corrections("laonianrin") == ["laonianren"]  # plain spelling still works
