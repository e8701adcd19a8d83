"""Demo data for one city: Zhangjiagang's practice network (seed 000) and a few items.

Site codes follow GB/T 2260 down to the county (320582) and the statistical
division codes below it (9-digit towns/streets, 12-digit communities/villages).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.contracts.identity import Role

PROVINCE = "320000"
CITY = f"{PROVINCE}/320500"
CENTER = f"{CITY}/320582"
JINGANG = f"{CENTER}/320582001"
JINDU = f"{JINGANG}/320582001001"
HOUCHENG = f"{CENTER}/320582002"
DEJI = f"{CENTER}/320582003"
TANGQIAO = f"{CENTER}/320582102"
HUAYUAN = f"{TANGQIAO}/320582102205"
FENGHUANG = f"{CENTER}/320582103"
HUBIN = f"{FENGHUANG}/320582103004"
NANFENG = f"{CENTER}/320582104"
YONGLIAN = f"{NANFENG}/320582104210"


@dataclass(frozen=True)
class DemoSite:
    path: str
    name: str
    kind: str


SITES = [
    DemoSite(PROVINCE, "江苏省", "province"),
    DemoSite(CITY, "苏州市", "city"),
    DemoSite(CENTER, "张家港市新时代文明实践中心", "center"),
    DemoSite(JINGANG, "金港街道新时代文明实践所", "institute"),
    DemoSite(JINDU, "金都社区新时代文明实践站", "station"),
    DemoSite(f"{JINDU}/P01", "金都社区一楼多功能厅实践点", "point"),
    DemoSite(HOUCHENG, "后塍街道新时代文明实践所", "institute"),
    DemoSite(DEJI, "德积街道新时代文明实践所", "institute"),
    DemoSite(TANGQIAO, "塘桥镇新时代文明实践所", "institute"),
    DemoSite(HUAYUAN, "花园村新时代文明实践站", "station"),
    DemoSite(f"{HUAYUAN}/P01", "花满园幸福餐厅助餐点", "point"),
    DemoSite(FENGHUANG, "凤凰镇新时代文明实践所", "institute"),
    DemoSite(HUBIN, "湖滨社区新时代文明实践站", "station"),
    DemoSite(NANFENG, "南丰镇新时代文明实践所", "institute"),
    DemoSite(YONGLIAN, "永联村新时代文明实践站", "station"),
    DemoSite(f"{YONGLIAN}/P01", "虹筑之家·工友驿站", "point"),
]


DEMO_PASSWORD = "wenming-demo-2026"  # noqa: S105 - printed by `make up` on purpose
BOOTSTRAP_ADMIN = "admin"


@dataclass(frozen=True)
class DemoAdmin:
    username: str
    name: str
    role: Role
    site: str


ADMINS = [
    DemoAdmin("suzhou", "苏州市管理员", Role.municipal_admin, CITY),
    DemoAdmin("zjg-center", "张家港中心管理员", Role.center_admin, CENTER),
    DemoAdmin("jingang", "金港街道实践所管理员", Role.institute_admin, JINGANG),
    DemoAdmin("jindu", "金都社区实践站管理员", Role.station_admin, JINDU),
    DemoAdmin("huayuan", "花园村实践站管理员", Role.station_admin, HUAYUAN),
    DemoAdmin("ops", "运维值班", Role.ops, PROVINCE),
]
RESIDENT_PHONE = "13800000001"
RESIDENT_SITE = f"{HUAYUAN}/P01"
KIOSK_STATION = HUAYUAN
KIOSK_NAME = "花满园助餐点一体机"


@dataclass(frozen=True)
class DemoContent:
    """One demo item. `media`: "tone" uploads a generated audio lecture (no video tools
    here), a URL makes a link, None an article; `episodes` makes a series of tones."""

    publisher: str
    section: str
    kind: str
    title: str
    summary: str
    media: str | None = None
    episodes: tuple[str, ...] = ()


CONTENT = [
    DemoContent(
        "admin",
        "theory",
        "audio",
        "新时代文明实践理论宣讲：身边的变化",
        "用老百姓的话讲清楚新时代的新变化，适合社区集中收听。",
        "tone",
    ),
    DemoContent(
        "admin",
        "health",
        "audio",
        "血糖高和血压高预防和健康生活方式",
        "医生讲解三高预防，配合体检报告解读活动使用。",
        "tone",
    ),
    DemoContent("suzhou", "culture", "audio", "锡剧经典选段欣赏", "适合助餐点餐前播放。", "tone"),
    DemoContent(
        "suzhou", "science", "article", "防范电信诈骗十条提醒", "老年人最容易遇到的骗局和应对办法。"
    ),
    DemoContent(
        "zjg-center",
        "health",
        "article",
        "柔力球入门教学（分解动作）",
        "金都社区老年人点名要的柔力球教学，动作逐步分解。",
    ),
    DemoContent(
        "zjg-center",
        "education",
        "series",
        "老年人手机摄影课",
        "从拿稳手机到构图用光，循序渐进。",
        episodes=("第一讲：拿稳手机", "第二讲：对焦与曝光", "第三讲：构图与用光"),
    ),
    DemoContent(
        "zjg-center",
        "culture",
        "article",
        "非遗剪纸：乐享夕阳巧手相伴",
        "剪纸活动前的热身与步骤分解。",
    ),
    DemoContent(
        "zjg-center",
        "health",
        "audio",
        "心脑血管疾病的预防与治疗",
        "南丰镇人民医院医生讲座录音。",
        "tone",
    ),
    DemoContent(
        "zjg-center",
        "culture",
        "link",
        "友爱港城智慧云平台：点单服务",
        "本地平台的线上点单入口（外部链接）。",
        "https://media.example.org/wenming/youai-gangcheng",
    ),
    DemoContent(
        "jingang", "education", "article", "家庭教育：和孩子一起读书", "巾帼读书分享会推荐书目。"
    ),
    DemoContent("jindu", "culture", "article", "金都社区天天书场节目单", "每天上午九点半开场。"),
]

# Zhangjiagang, around the city centre: where "near me" starts for each station.
LOCATIONS = {
    CENTER: (31.8755, 120.5556),
    JINDU: (31.9301, 120.5410),
    HUAYUAN: (31.7772, 120.6440),
    HUBIN: (31.9215, 120.7520),
    YONGLIAN: (31.9700, 120.6690),
}

VENUES = [
    ("jindu", "金都社区文体活动中心", JINDU, 260.0, 120, ("投影仪", "音响", "乒乓球台")),
    ("huayuan", "花园村村民议事大厅", HUAYUAN, 180.0, 80, ("一体机", "音响")),
    (
        "zjg-center",
        "张家港市新时代文明实践中心报告厅",
        CENTER,
        600.0,
        300,
        ("LED屏", "同声传译", "无障碍通道"),
    ),
]

MENU = [
    ("zjg-center", "防诈骗宣讲进社区", "theory", "市公安局反诈宣讲队", "team", 5),
    ("zjg-center", "体检报告解读与健康咨询", "health", "南丰镇人民医院", "department", 7),
    ("jindu", "柔力球教学", "health", "金都社区柔力球志愿服务队", "team", 3),
]
