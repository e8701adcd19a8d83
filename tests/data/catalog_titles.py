"""A search-quality corpus: 235 content titles in the five sections, and queries.

The titles are written for this suite in the style of the provincial platform and
Zhangjiagang's own programmes (seed 000: 锡剧, 天天书场, 手机摄影课, 剪纸, 柔力球,
糖尿病 and 高血压 talks, 居家养老护理, 巾帼读书分享会 …). Each title gets a kind,
a source level and a scope from its position, and a fixed pseudo-random popularity.

Each query names its kind (one per thing the search must forgive), the words a
relevant title contains (a title containing any of them is relevant) and, for the
filter kind, the filters. Kind "none" lists queries that must find nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from services.contracts.catalog import ContentKind, Section

V, A, T, S, L = (
    ContentKind.video,
    ContentKind.audio,
    ContentKind.article,
    ContentKind.series,
    ContentKind.link,
)

THEORY: Final = [
    ("党史学习教育：百年党史中的张家港故事", V),
    ("党史小课堂：红船精神的由来", V),
    ("党史知识问答（第一期）", T),
    ("学习二十大精神宣讲报告", V),
    ("二十大报告中的民生关键词", T),
    ("新时代文明实践是什么？一分钟读懂", V),
    ("张家港精神：团结拼搏 负重奋进", V),
    ("长江大保护：守护母亲河", V),
    ("共同富裕路上的港城答卷", T),
    ("乡村振兴看永联：从小村到强村", V),
    ("民法典与百姓生活：婚姻家庭篇", S),
    ("民法典小课堂：遗嘱继承怎么办", V),
    ("宪法宣传周：宪法与我们", T),
    ("社会主义核心价值观儿歌", A),
    ("百姓名嘴话文明", S),
    ("红色故事会：沙洲抗战往事", A),
    ("雷锋精神代代传", V),
    ("身边好人：最美志愿者的一天", V),
    ("廉洁文化进社区", T),
    ("移风易俗倡导文明婚俗", T),
    ("网格化治理的金港经验", V),
    ("基层宣讲员风采展示", V),
    ("两会精神解读：政府工作报告要点", T),
    ("党员冬训专题辅导", S),
    ("理论微宣讲：什么是新质生产力", V),
    ("党的二十届三中全会精神学习", V),
    ("红色电影里的党史故事", V),
    ("全国文明城市六连冠背后的故事", V),
    ("志愿服务条例解读", T),
    ("国家安全教育日：全民国家安全知识", V),
    ("退役军人讲党课", A),
    ("强国复兴有我：青年说", V),
    ("老党员讲初心故事", A),
    ("村规民约与乡风文明", T),
    ("法治故事：小区停车纠纷调解", V),
    ("习近平新时代中国特色社会主义思想学习纲要", S),
    ("四史宣讲：改革开放史", S),
    ("爱国主义教育基地巡礼", V),
    ("张家港方言讲政策：医保新规", A),
    ("文明实践小喇叭：垃圾分类新规", A),
    ("行走的思政课：沙家浜红色之旅", V),
    ("党史上的今天：七月一日", T),
    ("重温入党誓词", V),
    ("时代楷模事迹报告会", V),
    ("长征精神永放光芒", V),
]

CULTURE: Final = [
    ("锡剧经典唱段《珍珠塔》选段", A),
    ("锡剧名家名段欣赏", V),
    ("锡剧入门：怎样唱好锡剧", S),
    ("苏州评弹《三笑》选回", A),
    ("评弹艺术欣赏：弦索叮咚", V),
    ("天天书场：长篇评话连播", S),
    ("剪纸入门：五分钟学会剪窗花", V),
    ("非遗剪纸：十二生肖团花", V),
    ("巧手剪纸迎新春", V),
    ("乐享夕阳巧手相伴剪纸课", S),
    ("河阳山歌传唱", A),
    ("非遗传承：河阳山歌的故事", V),
    ("非遗手作：沙上草编", V),
    ("非遗项目巡礼：港城老手艺", V),
    ("广场舞《最炫民族风》分解教学", V),
    ("广场舞入门基本步", V),
    ("广场舞大赛精彩回放", V),
    ("书法入门：楷书基本笔画", S),
    ("硬笔书法练字课", V),
    ("书法家进社区写春联", V),
    ("国画入门：画梅花", V),
    ("江南丝竹音乐会", A),
    ("民乐欣赏：二胡独奏《二泉映月》", A),
    ("葫芦丝零基础教学", S),
    ("乐器入门：学吹竖笛", V),
    ("老年合唱团排练实录", V),
    ("快乐合唱：红歌大家唱", V),
    ("手指舞热身操", V),
    ("红色电影展播：地道战", V),
    ("抗战电视剧展播：亮剑", S),
    ("京剧名段欣赏", A),
    ("越剧《红楼梦》选段", A),
    ("黄梅戏《天仙配》", A),
    ("昆曲之美", V),
    ("中秋节习俗知多少", T),
    ("端午节包粽子", V),
    ("重阳节敬老文艺汇演", V),
    ("元宵节猜灯谜", V),
    ("春节写春联送祝福", V),
    ("巾帼读书分享会", V),
    ("读书会：共读一本好书", A),
    ("张家港方言小品：邻里之间", V),
    ("沪剧经典选段", A),
    ("摄影展：美丽港城", T),
    ("扇面绘画体验课", V),
    ("庙会民俗风情", V),
    ("舞龙舞狮表演", V),
    ("快乐周末亲子音乐会", V),
    ("长江文化讲堂", S),
    ("戏曲进乡村：锡剧专场演出", V),
]

HEALTH: Final = [
    ("柔力球教学：基本功", S),
    ("柔力球入门第一课", V),
    ("柔力球套路分解动作", V),
    ("太极柔力球表演", V),
    ("柔力球比赛精彩瞬间", V),
    ("二十四式太极拳完整教学", S),
    ("太极拳分解动作详解", V),
    ("太极拳养生功法", V),
    ("八段锦跟练", V),
    ("五禽戏入门", V),
    ("健康养生讲座：春季养生", V),
    ("中医养生：冬病夏治", V),
    ("老年人健康养生知识", T),
    ("高血压的预防和日常管理", V),
    ("高血压患者饮食指南", T),
    ("血糖高和血压高预防与健康生活方式", V),
    ("预防糖尿病知识讲座", V),
    ("糖尿病饮食控制", T),
    ("心脑血管疾病的预防和治疗", V),
    ("多种常见疼痛病症的预防与治疗方法", V),
    ("体检报告怎么看", V),
    ("居家养老护理知识培训", S),
    ("老年人防跌倒小常识", T),
    ("骨质疏松早预防", V),
    ("颈椎病康复操", V),
    ("膝关节保养", V),
    ("心肺复苏急救培训", V),
    ("AED自动除颤器使用方法", V),
    ("海姆立克急救法", V),
    ("减脂操跟练二十分钟", V),
    ("健身气功：易筋经", V),
    ("老年人合理用药", T),
    ("合理膳食：一日三餐怎么吃", T),
    ("失眠怎么办", A),
    ("阿尔茨海默病早识别", V),
    ("健步走：每天一万步", V),
    ("长寿老人的生活习惯", V),
    ("广场舞健身操", V),
    ("夏季防中暑", T),
    ("流感季节防护", T),
    ("眼保健操", V),
    ("手指操预防老年痴呆", V),
    ("乒乓球技巧教学", V),
    ("门球入门规则", V),
    ("健康讲座：痛风的饮食", V),
    ("口腔健康从刷牙开始", V),
    ("心理健康：老年人如何排解孤独", A),
    ("中医针灸与推拿", V),
    ("健康减重：科学饮食", T),
    ("太极扇教学", S),
]

SCIENCE: Final = [
    ("防诈骗：识破冒充客服的骗局", V),
    ("防诈骗知识讲座：老年人如何守好钱袋子", V),
    ("反诈小剧场：保健品骗局", V),
    ("警惕养老诈骗", T),
    ("手机摄影入门：构图技巧", S),
    ("手机摄影课：拍出好看的人像", V),
    ("手机拍照修图小技巧", V),
    ("智能手机入门：微信视频通话", V),
    ("智能手机使用：移动支付安全", V),
    ("老年人学用智能手机", S),
    ("垃圾分类知识问答", T),
    ("垃圾分类从我做起", V),
    ("厨余垃圾怎么分", T),
    ("消防安全知识培训", V),
    ("家庭消防安全隐患排查", T),
    ("灭火器的正确使用", V),
    ("用电安全小常识", T),
    ("燃气安全使用指南", V),
    ("防溺水安全教育", V),
    ("交通安全：电动自行车戴头盔", V),
    ("地震来了怎么办", V),
    ("台风天气防范", T),
    ("人工智能走进生活", V),
    ("5G时代的智慧生活", V),
    ("网上购物防骗", T),
    ("短视频怎么拍", V),
    ("网络谣言辨别", T),
    ("食品安全：如何识别过期食品", T),
    ("天文科普：看星星", V),
    ("节能减排小妙招", T),
    ("科普大篷车进社区", V),
    ("银行卡安全使用", V),
    ("网上银行操作指南", V),
    ("气象科普：二十四节气", V),
    ("农业科技：稻田养虾", V),
    ("科学种菜：阳台小菜园", V),
    ("无人机科普", V),
    ("科技馆里的奥秘", V),
    ("防范电信网络诈骗", V),
    ("个人信息保护小课堂", V),
    ("扫码点餐怎么用", V),
    ("智能音箱使用", V),
    ("长江江豚保护科普", V),
    ("新能源汽车充电安全", T),
    ("科学认识转基因", T),
]

EDUCATION: Final = [
    ("家庭教育讲座：如何与孩子沟通", V),
    ("家庭教育促进法解读", T),
    ("家庭教育：隔代教养的烦恼", A),
    ("好家风好家训", V),
    ("亲子阅读：绘本共读", V),
    ("青少年心理健康", V),
    ("青春期教育", V),
    ("未成年人保护法", T),
    ("暑期托管班开班", T),
    ("劳动教育：学做家务", V),
    ("老年大学公开课", S),
    ("老年大学：电脑入门", S),
    ("普通话学习", A),
    ("英语入门：日常会话", S),
    ("儿童安全教育", V),
    ("防溺水安全教育进校园", V),
    ("小学生学习习惯养成", V),
    ("中考志愿填报指导", V),
    ("职业技能培训：育婴员", S),
    ("技能培训：电工入门", S),
    ("学前教育：幼小衔接", V),
    ("手工制作：纸艺花", V),
    ("手工制作：布艺小玩偶", V),
    ("亲子手工：做灯笼", V),
    ("家长课堂：孩子沉迷手机怎么办", V),
    ("家长学校：正面管教", S),
    ("科学育儿", V),
    ("书法进校园", V),
    ("国学经典诵读：三字经", A),
    ("弟子规诵读", A),
    ("成长的烦恼：青少年情绪管理", V),
    ("学习强国使用指南", L),
    ("法律知识讲座：防范校园欺凌", V),
    ("环保教育：从小爱护环境", V),
    ("少儿编程启蒙", V),
    ("小小志愿者培训", V),
    ("研学旅行：走进博物馆", V),
    ("乐学课堂：趣味数学", V),
    ("阅读推广：好书推荐", T),
    ("家教家风故事", A),
    ("考前心理调适", V),
    ("老年人学拼音", V),
    ("网课学习方法", T),
    ("新市民培训：融入港城", V),
    ("残疾人就业技能培训", V),
]

LEVELS: Final = ("province", "city", "center", "institute", "station")
SCOPES: Final = (
    "320000",
    "320000/320500",
    "320000/320500/320582",
    "320000/320500/320582/320582001",
    "320000/320500/320582/320582001/320582001001",
)


@dataclass(frozen=True)
class Title:
    id: str
    title: str
    section: Section
    kind: ContentKind
    source_level: str
    scope: str
    popularity: float


def _titles() -> list[Title]:
    out: list[Title] = []
    sections = (
        (Section.theory, "T", THEORY),
        (Section.culture, "C", CULTURE),
        (Section.health, "H", HEALTH),
        (Section.science, "S", SCIENCE),
        (Section.education, "E", EDUCATION),
    )
    n = 0
    for section, letter, rows in sections:
        for number, (title, kind) in enumerate(rows, start=1):
            out.append(
                Title(
                    id=f"{letter}{number:03d}",
                    title=title,
                    section=section,
                    kind=kind,
                    source_level=LEVELS[n % 5],
                    scope=SCOPES[n % 5],
                    popularity=float((n * 7919) % 1000),
                )
            )
            n += 1
    return out


TITLES: Final = _titles()


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    about: tuple[str, ...] = ()  # a title containing any of these is relevant
    filters: dict[str, str] = field(default_factory=dict)


KINDS: Final = (
    "chinese",
    "pinyin",
    "initials",
    "mixed",
    "homophone",
    "typo",
    "traditional",
    "filters",
    "none",
    "stretch",
)
# "stretch" goes beyond the brief (dialect sounds, a wrong first letter, ambiguous
# initials): reported in the table, not held to the thresholds.


def q(group: str, text: str, *about: str, **filters: str) -> Query:
    return Query(group, text, about, filters)


QUERIES: Final = [
    # 1. Chinese substrings and words
    q("chinese", "柔力球", "柔力球"),
    q("chinese", "剪纸", "剪纸"),
    q("chinese", "锡剧", "锡剧"),
    q("chinese", "高血压", "高血压"),
    q("chinese", "防诈骗", "防诈骗"),
    q("chinese", "家庭教育", "家庭教育"),
    q("chinese", "垃圾分类", "垃圾分类"),
    q("chinese", "太极拳", "太极拳"),
    q("chinese", "党史", "党史"),
    q("chinese", "评弹", "评弹"),
    q("chinese", "书法", "书法"),
    q("chinese", "糖尿病", "糖尿病"),
    q("chinese", "广场舞", "广场舞"),
    q("chinese", "非遗", "非遗"),
    q("chinese", "柔力球 入门", "柔力球入门"),
    q("chinese", "老年人 手机", "老年人学用智能手机"),
    q("chinese", "入门", "入门"),
    # 2. full pinyin, with or without spaces, any case
    q("pinyin", "rouliqiu", "柔力球"),
    q("pinyin", "rou li qiu", "柔力球"),
    q("pinyin", "RouLiQiu", "柔力球"),
    q("pinyin", "JianZhi", "剪纸", "减脂"),
    q("pinyin", "xiju", "锡剧"),
    q("pinyin", "gaoxueya", "高血压"),
    q("pinyin", "fangzhapian", "防诈骗"),
    q("pinyin", "taijiquan", "太极拳"),
    q("pinyin", "yinyue", "音乐"),
    q("pinyin", "kuaile", "快乐"),
    q("pinyin", "chongyang", "重阳"),
    q("pinyin", "changshou", "长寿"),
    q("pinyin", "yinhang", "银行"),
    q("pinyin", "shoujisheying", "手机摄影"),
    q("pinyin", "laji fenlei", "垃圾分类"),
    q("pinyin", "róu lì qiú", "柔力球"),
    q("pinyin", "rouli", "柔力球"),
    q("pinyin", "taiji", "太极"),
    q("pinyin", "xiaof", "消防"),
    q("pinyin", "yueqi", "乐器"),
    q("pinyin", "xingzou", "行走"),
    q("pinyin", "chengzhang", "成长"),
    q("pinyin", "lvxing", "旅行"),
    # 3. pinyin initials, of whole titles and of pieces
    q("initials", "rlq", "柔力球"),
    q("initials", "rlqjx", "柔力球教学"),
    q("initials", "jkys", "健康养生"),
    q("initials", "gxy", "高血压"),
    q("initials", "fzp", "防诈骗"),
    q("initials", "tjq", "太极拳"),
    q("initials", "jtjy", "家庭教育"),
    q("initials", "ljfl", "垃圾分类"),
    q("initials", "sjsy", "手机摄影"),
    q("initials", "xfaq", "消防安全"),
    q("initials", "gcw", "广场舞"),
    q("initials", "tnb", "糖尿病"),
    q("initials", "HYSG", "河阳山歌"),
    q("initials", "ttsc", "天天书场"),
    q("initials", "ＲＬＱ", "柔力球"),
    q("initials", "zhqj", "中秋节"),
    # 4. characters mixed with pinyin
    q("mixed", "柔力qiu", "柔力球"),
    q("mixed", "剪zhi", "剪纸"),
    q("mixed", "gao血压", "高血压"),
    q("mixed", "防zhapian", "防诈骗"),
    q("mixed", "太极quan", "太极拳"),
    q("mixed", "垃圾fl", "垃圾分类"),
    q("mixed", "家庭jy", "家庭教育"),
    q("mixed", "锡ju", "锡剧"),
    q("mixed", "手机sy", "手机摄影"),
    q("mixed", "太极q", "太极拳"),
    q("mixed", "太極quan", "太极拳"),
    q("mixed", "rou力球", "柔力球"),
    # 5. homophones: a wrong character that sounds the same
    q("homophone", "柔丽球", "柔力球"),
    q("homophone", "减纸", "剪纸"),
    q("homophone", "锡巨", "锡剧"),
    q("homophone", "高血鸭", "高血压"),
    q("homophone", "防炸骗", "防诈骗"),
    q("homophone", "太急拳", "太极拳"),
    q("homophone", "糖尿冰", "糖尿病"),
    q("homophone", "书发", "书法"),
    q("homophone", "评谈", "评弹"),
    q("homophone", "垃极分类", "垃圾分类"),
    q("homophone", "家廷教育", "家庭教育"),
    q("homophone", "广厂舞", "广场舞"),
    q("homophone", "柔丽求", "柔力球"),
    q("homophone", "音月会", "音乐会"),
    # 6. pinyin with a typo
    q("typo", "rouliqoi", "柔力球"),
    q("typo", "rouliqu", "柔力球"),
    q("typo", "taijiqun", "太极拳"),
    q("typo", "gaoxeuya", "高血压"),
    q("typo", "fangzhapain", "防诈骗"),
    q("typo", "jainzhi", "剪纸", "减脂"),
    q("typo", "lajifenlie", "垃圾分类"),
    q("typo", "guangchnagwu", "广场舞"),
    q("typo", "tangniaobign", "糖尿病"),
    q("typo", "xiaofangnaquan", "消防安全"),
    q("typo", "shufs", "书法"),
    q("typo", "taijiqan", "太极拳"),
    # 7. traditional characters
    q("traditional", "養生", "养生"),
    q("traditional", "講座", "讲座"),
    q("traditional", "剪紙", "剪纸"),
    q("traditional", "錫劇", "锡剧"),
    q("traditional", "書法", "书法"),
    q("traditional", "評彈", "评弹"),
    q("traditional", "廣場舞", "广场舞"),
    q("traditional", "垃圾分類", "垃圾分类"),
    q("traditional", "防詐騙", "防诈骗"),
    q("traditional", "太極拳", "太极拳"),
    q("traditional", "手機攝影", "手机摄影"),
    q("traditional", "健康養生", "健康养生"),
    # 8. filters by section, kind and source level
    q("filters", "太极拳", "太极拳", kind="series"),
    q("filters", "讲座", "讲座", section="health"),
    q("filters", "jz", "剪纸", section="culture"),
    q("filters", "防溺水", "防溺水", section="education"),
    q("filters", "书法", "书法", kind="series"),
    q("filters", "安全", "安全", kind="article"),
    q("filters", "锡剧", "锡剧", source_level="province"),
    q("filters", "jtjy", "家庭教育", source_level="center"),
    q("filters", "老年人", "老年人", section="science"),
    q("filters", "jiaoxue", "教学", kind="video", section="health"),
    # 9. nothing to find, and hostile input: no crash, no junk
    q("none", ".*"),
    q("none", "["),
    q("none", "(?i)"),
    q("none", '{"$ne": null}'),
    q("none", "$where"),
    q("none", "'; DROP TABLE content; --"),
    q("none", "' OR 1=1 --"),
    q("none", "<script>alert(1)</script>"),
    q("none", "x" * 10_000),
    q("none", "😀🎉🙏"),
    q("none", "\x00\x07\x1b"),
    q("none", "   \t\n  "),
    q("none", "火箭发射"),
    q("none", "qwxzv"),
    # beyond the brief
    q("stretch", "zongqiujie", "中秋节"),  # z for zh, as in the local accent
    q("stretch", "sufa", "书法"),  # s for sh
    q("stretch", "nao nian ren", "老年人"),  # n for l
    q("stretch", "xouliqiu", "柔力球"),  # the first letter wrong
    q("stretch", "jz", "剪纸"),  # ambiguous: 讲座, 剪纸, 减脂, 家长…
    q("stretch", "柔丽qiu", "柔力球"),  # a homophone and pinyin together
    q("stretch", "rlqjx jbg", "柔力球教学"),  # initials of two parts of a title
    q("stretch", "太极 rlq", "太极柔力球"),
    q("stretch", "柔力", "柔力球"),  # typing stopped half-way
    q("stretch", "yangsheng jiangzuo", "养生讲座"),
]
