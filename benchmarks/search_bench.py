"""Catalog search benchmark, in process: `.venv/bin/python -m benchmarks.search_bench`.

Indexes N generated titles (default 50,000) made from word lists of the five
sections, then runs a fixed mix of queries of every kind the search forgives
(characters, full pinyin, initials, as-you-type prefixes, mixed, homophones,
typos, traditional characters, filters, visibility, nothing-to-find and hostile
input) and prints p50/p99 latency per kind and overall, the time to index, the
memory the index holds (tracemalloc, on a second build) and the cost of adding
and removing one item on the full index. Goal: p99 < 5 ms over the mix.

    python -m benchmarks.search_bench [--docs 50000] [--rounds 1] [--no-memory] [--json]

`make bench` runs it as step C1 (`benchmarks.search_step.measure`: a child process,
`--no-memory --json`; the index memory there is the RSS growth while indexing, after a
collection — the tracemalloc build would double the step's time).

Latency is printed twice: wall clock, and the CPU time of this thread. On a shared
machine (two cores, other work running) the wall clock mostly measures waiting for
a core; the CPU time is what a search costs.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict

import opencc
import psutil
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PINYIN_DICT

from benchmarks.results import percentile
from benchmarks.search_step import MARKER, SearchFigures
from services.catalog.domain.search import SearchDoc, SearchIndex
from services.contracts.catalog import ContentKind, Section

SEED = 20250303

TOPICS: dict[Section, list[str]] = {
    Section.theory: [
        "党史学习教育",
        "二十大精神",
        "新时代文明实践",
        "民法典",
        "宪法",
        "乡村振兴",
        "共同富裕",
        "社会主义核心价值观",
        "红色故事",
        "雷锋精神",
        "张家港精神",
        "长江大保护",
        "廉洁文化",
        "移风易俗",
        "基层治理",
        "志愿服务",
        "国家安全",
        "改革开放史",
        "新质生产力",
        "文明城市",
        "初心使命",
        "时代楷模",
        "村规民约",
        "法治故事",
        "强国复兴",
    ],
    Section.culture: [
        "锡剧",
        "评弹",
        "剪纸",
        "广场舞",
        "书法",
        "国画",
        "非遗传承",
        "河阳山歌",
        "江南丝竹",
        "二胡",
        "葫芦丝",
        "合唱",
        "手指舞",
        "红色电影",
        "抗战电视剧",
        "京剧",
        "越剧",
        "黄梅戏",
        "昆曲",
        "中秋习俗",
        "端午习俗",
        "重阳节",
        "元宵灯谜",
        "春联",
        "读书分享会",
        "方言小品",
        "舞龙舞狮",
        "天天书场",
        "音乐会",
        "乐器",
    ],
    Section.health: [
        "柔力球",
        "太极拳",
        "八段锦",
        "五禽戏",
        "健康养生",
        "中医养生",
        "高血压",
        "糖尿病",
        "心脑血管",
        "骨质疏松",
        "颈椎病",
        "膝关节",
        "心肺复苏",
        "急救知识",
        "减脂操",
        "合理膳食",
        "失眠",
        "老年痴呆",
        "防跌倒",
        "居家养老护理",
        "合理用药",
        "口腔健康",
        "心理健康",
        "健步走",
        "体检报告",
        "长寿秘诀",
        "痛风",
        "流感防护",
    ],
    Section.science: [
        "防诈骗",
        "手机摄影",
        "智能手机",
        "微信视频通话",
        "移动支付",
        "垃圾分类",
        "消防安全",
        "用电安全",
        "燃气安全",
        "防溺水",
        "交通安全",
        "地震避险",
        "人工智能",
        "网上购物",
        "短视频",
        "网络谣言",
        "食品安全",
        "天文科普",
        "节能减排",
        "网上银行",
        "二十四节气",
        "无人机",
        "个人信息保护",
        "智能音箱",
        "新能源汽车",
    ],
    Section.education: [
        "家庭教育",
        "青少年心理健康",
        "亲子阅读",
        "家风家训",
        "未成年人保护",
        "暑期托管",
        "劳动教育",
        "老年大学",
        "普通话",
        "英语入门",
        "电脑入门",
        "安全教育",
        "幼小衔接",
        "手工制作",
        "家长课堂",
        "科学育儿",
        "国学经典",
        "情绪管理",
        "少儿编程",
        "研学旅行",
        "趣味数学",
        "职业技能",
        "学拼音",
        "校园欺凌",
        "好书推荐",
    ],
}
QUALIFIERS = [
    "入门",
    "教学",
    "讲座",
    "知识",
    "技巧",
    "分解动作",
    "精彩回放",
    "专题",
    "问答",
    "跟练",
    "公开课",
    "培训",
    "体验课",
    "小课堂",
    "指南",
    "常识",
    "故事",
    "展播",
    "宣讲",
    "汇演",
]
AUDIENCES = ["老年人", "青少年", "社区居民", "新市民", "妇女", "工友", "亲子", "党员", "志愿者"]
PLACES = [
    "张家港",
    "金港",
    "杨舍",
    "塘桥",
    "凤凰",
    "南丰",
    "乐余",
    "锦丰",
    "大新",
    "常阴沙",
    "后塍",
    "德积",
    "金都社区",
    "花园村",
    "湖滨社区",
    "永联村",
]
EPISODES = ["第一讲", "第二讲", "第三讲", "第四讲", "第五讲", "第六讲", "上集", "下集"]
LEVELS = ["province", "city", "center", "institute", "station"]


def scopes() -> list[str]:
    out = ["320000", "320000/320500", "320000/320500/320582"]
    for institute in range(1, 11):
        inst = f"320000/320500/320582/320582{institute:03d}"
        out.append(inst)
        out.extend(f"{inst}/320582{institute:03d}{station:03d}" for station in range(1, 9))
    return out


def make_title(rng: random.Random, section: Section) -> str:
    topic = rng.choice(TOPICS[section])
    other = rng.choice(TOPICS[rng.choice(list(Section))])
    form = rng.randrange(6)
    if form == 0:
        return f"{topic}{rng.choice(QUALIFIERS)}"
    if form == 1:
        return f"{rng.choice(PLACES)}{rng.choice(AUDIENCES)}{topic}{rng.choice(QUALIFIERS)}"
    if form == 2:
        return f"{topic}{rng.choice(QUALIFIERS)}（{rng.choice(EPISODES)}）"
    if form == 3:
        return f"{rng.choice(AUDIENCES)}{topic}：{rng.choice(QUALIFIERS)}与{other}"
    if form == 4:
        return f"{rng.choice(PLACES)}：{topic}{rng.choice(QUALIFIERS)}"
    return f"{rng.choice(EPISODES)}：{topic}和{other}{rng.choice(QUALIFIERS)}"


def make_docs(count: int, rng: random.Random, prefix: str = "d") -> list[SearchDoc]:
    sites = scopes()
    kinds = list(ContentKind)
    docs = []
    for n in range(count):
        section = rng.choice(list(Section))
        title = make_title(rng, section)
        level = rng.randrange(5)
        scope = rng.choice([s for s in sites if s.count("/") == min(level, 4)])
        docs.append(
            SearchDoc(
                id=f"{prefix}{n:06d}",
                title=title,
                section=section,
                kind=rng.choice(kinds),
                source_level=LEVELS[level],
                scope=scope,
                popularity=float(rng.randrange(10_000)),
                tags=(rng.choice(TOPICS[section]), rng.choice(AUDIENCES)),
            )
        )
    return docs


def homophone(word: str, rng: random.Random) -> str:
    """The word with one character swapped for another read the same way."""
    by_sound: dict[str, list[str]] = defaultdict(list)
    for code, value in PINYIN_DICT.items():
        if 0x4E00 <= code <= 0x9FA5 and "," not in value:
            by_sound[value].append(chr(code))
    at = rng.randrange(len(word))
    sound = PINYIN_DICT.get(ord(word[at]), "").split(",")[0]
    options = [c for c in by_sound.get(sound, []) if c != word[at]]
    return word[:at] + rng.choice(options) + word[at + 1 :] if options else word


def typo(letters: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(letters) - 1)
    if rng.random() < 0.5:
        return letters[:at] + letters[at + 1 :]  # a letter dropped
    return letters[:at] + letters[at + 1] + letters[at] + letters[at + 2 :]  # two swapped


def make_queries(rng: random.Random) -> list[tuple[str, str, dict[str, object]]]:
    to_traditional = opencc.OpenCC("s2t")
    sites = scopes()
    words = [w for section in Section for w in TOPICS[section]]
    out: list[tuple[str, str, dict[str, object]]] = []
    for word in rng.sample(words, 40):
        spoken = lazy_pinyin(word, style=Style.NORMAL)
        full = "".join(spoken)
        initials = "".join(s[0] for s in spoken)
        station = rng.choice([s for s in sites if s.count("/") == 4])
        parts = station.split("/")
        ancestors = {"/".join(parts[: i + 1]) for i in range(len(parts))}
        out += [
            ("chinese", word, {}),
            ("chinese", word[: max(1, len(word) // 2)], {}),
            ("pinyin", full, {}),
            ("pinyin", " ".join(spoken), {}),
            ("prefix", full[: rng.randrange(1, len(full))], {}),
            ("initials", initials, {}),
            ("initials", initials[:2], {}),
            ("mixed", word[:1] + "".join(spoken[1:]), {}),
            ("homophone", homophone(word, rng), {}),
            ("typo", typo(full, rng), {}),
            ("traditional", to_traditional.convert(word), {}),
            ("filters", word, {"section": rng.choice(list(Section)), "kind": ContentKind.video}),
            ("visible", initials, {"visible_scopes": ancestors}),
            ("visible", word, {"visible_scopes": ancestors, "source_level": "station"}),
        ]
    for text in [
        ".*",
        "[",
        "(?i)",
        '{"$ne": null}',
        "$where",
        "' OR 1=1 --",
        "x" * 10_000,
        "😀🎉",
        "\x00\x07",
        "火箭发射",
        "qwxzv",
        "zzzzzz",
        "a" * 64,
        "ab" * 40,
    ]:
        out.append(("none/hostile", text, {}))
    return out


def _row(kind: str, wall: list[float], cpu: list[float], hits: float | None) -> str:
    figures = [percentile(wall, 50), percentile(wall, 99), wall[-1]]
    figures += [percentile(cpu, 50), percentile(cpu, 99), cpu[-1]]
    text = f"{kind:<14}{len(wall):>8}" + "".join(f"{f:>8.2f}" for f in figures[:3]) + " |"
    text += "".join(f"{f:>7.2f}" for f in figures[3:])
    return text + (f"{hits:>10.0f}" if hits is not None else "")


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Seconds of wall clock and of this thread's CPU time that `fn` took."""
    start, start_cpu = time.perf_counter(), time.thread_time()
    fn()
    return time.perf_counter() - start, time.thread_time() - start_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=1, help="2+: later rounds hit warm caches")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc build")
    parser.add_argument("--json", action="store_true", help="end with one SEARCH_RESULT line")
    args = parser.parse_args()

    rng = random.Random(SEED)
    docs = make_docs(args.docs, rng)
    warm = SearchIndex()
    warm.add_many(make_docs(50, random.Random(1), "w"))  # load pypinyin/OpenCC dictionaries
    warm.search("rlq")

    gc.collect()
    rss_before = psutil.Process(os.getpid()).memory_info().rss
    index = SearchIndex()
    build_s, build_cpu = timed(lambda: index.add_many(docs))
    gc.collect()
    rss_after = psutil.Process(os.getpid()).memory_info().rss
    print(
        f"indexed {len(index):,} titles in {build_s:.1f} s wall, {build_cpu:.1f} s CPU "
        f"({build_cpu / len(docs) * 1e6:.0f} µs CPU each); "
        f"RSS +{(rss_after - rss_before) / 2**20:.0f} MiB"
    )

    queries = make_queries(random.Random(SEED + 1))
    wall: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    totals: dict[str, list[int]] = defaultdict(list)
    for _ in range(args.rounds):
        for kind, text, filters in queries:
            start, start_cpu = time.perf_counter(), time.thread_time()
            result = index.search(text, **filters)  # type: ignore[arg-type]
            cpu[kind].append((time.thread_time() - start_cpu) * 1000)
            wall[kind].append((time.perf_counter() - start) * 1000)
            totals[kind].append(result.total)
    for _kind, text, _ in queries[::7]:
        start, start_cpu = time.perf_counter(), time.thread_time()
        index.suggest(text[:3])
        cpu["suggest"].append((time.thread_time() - start_cpu) * 1000)
        wall["suggest"].append((time.perf_counter() - start) * 1000)
        totals["suggest"].append(0)

    print(f"\nlatency in ms (wall clock | this thread's CPU time), {args.rounds} rounds")
    print(
        f"{'kind':<14}{'queries':>8}{'p50':>8}{'p99':>8}{'max':>8} |"
        f"{'p50':>7}{'p99':>7}{'max':>7}{'avg hits':>10}"
    )
    every_wall: list[float] = []
    every_cpu: list[float] = []
    for kind in wall:
        w, c = sorted(wall[kind]), sorted(cpu[kind])
        if kind != "suggest":
            every_wall += w
            every_cpu += c
        print(_row(kind, w, c, sum(totals[kind]) / len(totals[kind])))
    every_wall.sort()
    every_cpu.sort()
    print(_row("overall", every_wall, every_cpu, None))

    fresh = make_docs(1_000, random.Random(SEED + 2), "n")

    def add_fresh() -> None:
        for doc in fresh:
            index.add(doc)

    def remove_fresh() -> None:
        for doc in fresh:
            index.remove(doc.id)

    add_s, add_cpu = timed(add_fresh)
    probe = SearchDoc(
        "probe", "崭新上线柔力球示范课", Section.health, ContentKind.video, "station", "320000", 1.0
    )
    index.add(probe)
    assert index.search("zxsx").items[0].id == "probe", "a new item must be searchable at once"
    remove_s, remove_cpu = timed(remove_fresh)
    index.remove("probe")
    assert not index.search("zxsx").items, "a removed item must be gone at once"
    print(
        f"\nincremental on {len(index):,} (1,000 each, ms per item, wall/CPU): "
        f"add {add_s:.3f}/{add_cpu:.3f}, remove {remove_s:.3f}/{remove_cpu:.3f}; "
        "searchable / gone at once"
    )

    traced_mib: float | None = None
    if not args.no_memory:
        del index, warm
        gc.collect()
        tracemalloc.start()
        traced = SearchIndex()
        traced.add_many(docs)
        gc.collect()
        current, _peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        traced_mib = current / 2**20
        print(
            f"index memory (tracemalloc, the index alone; pypinyin and OpenCC data were "
            f"loaded before): {current / 2**20:.0f} MiB for {len(traced):,} titles "
            f"({current / len(traced):.0f} B each)"
        )

    if args.json:
        figures = SearchFigures(
            docs=len(docs),
            queries=len(every_wall),
            p50_ms=percentile(every_wall, 50),
            p99_ms=percentile(every_wall, 99),
            max_ms=every_wall[-1],
            cpu_p50_ms=percentile(every_cpu, 50),
            cpu_p99_ms=percentile(every_cpu, 99),
            index_wall_s=build_s,
            index_cpu_s=build_cpu,
            rss_growth_mib=(rss_after - rss_before) / 2**20,
            add_ms=add_s,  # 1,000 items: seconds in all = ms per item
            remove_ms=remove_s,
            traced_mib=traced_mib,
            p99_by_kind={k: percentile(sorted(v), 99) for k, v in wall.items()},
        )
        payload = asdict(figures)
        for measured_outside in ("other_cores", "elapsed_s"):
            del payload[measured_outside]
        print(MARKER + json.dumps(payload))


if __name__ == "__main__":
    main()
