"""Seeded, realistic zqsite corpora for the benchmark, and the same corpus for Pelican and Hugo.

    python bench/generate.py DEST --posts N [--seed S] [--pelican DIR] [--hugo DIR]

writes, in zqsite's own format:

    DEST/posts/YYYY/YYYY-MM-DD-<slug>.md            English, Chinese (Traditional) or Japanese posts
    DEST/posts/YYYY/YYYY-MM-DD-<slug>.zh-hant.md    translations (`translation_of: <slug>`)
    DEST/posts/YYYY/YYYY-MM-DD-<slug>.ja.md
    DEST/contacts.yaml                              8 contacts
    DEST/labels.yaml                                40 labels with zh-Hant, zh-Hans and ja names
    DEST/site.yaml                                  the site configuration to build it with
                                                    (`--config DEST/site.yaml`; zqsite reads only
                                                    posts/, pages/ and the two registries from DEST)

The same seed gives a byte-identical corpus: one `random.Random(seed)` drives everything, the
vocabulary is fixed below, nothing depends on the clock, on hash order or on the machine.

About the posts: 85 % English (600–1,500 words in paragraphs, `##` headings, bulleted and
numbered lists, external links and links to older posts), 10 % Chinese (Traditional) and 5 %
Japanese, half of those translations of English posts; 1–4 labels each from 40 with a Zipf-like
spread; 0–3 contacts each; dates spread over the 12 years 2013–2024 (all in the past, so no post
is held back as future-dated).

`export_pelican(corpus, dest)` and `export_hugo(corpus, dest)` convert a corpus written by
`generate_corpus` for the two peers (see bench/README.md for what each is set up to build).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

TZ = timezone(timedelta(hours=8))
FIRST_DAY = datetime(2013, 1, 1, tzinfo=TZ)
YEARS = 12
SPAN_SECONDS = int((datetime(2013 + YEARS, 1, 1, tzinfo=TZ) - FIRST_DAY).total_seconds())
POSTS_PER_PAGE = 10
FEED_SIZE = 20

# --- fixed vocabulary ------------------------------------------------------------------------

PLACES = ["Zhaoqing", "Sihui", "Dasha", "Dinghu", "Gaoyao", "Duanzhou", "Guangning", "Deqing", "Fengkai",
          "Huaiji", "Guangdong", "the Greater Bay Area", "the Pearl River Delta", "Foshan", "Guangzhou",
          "Shenzhen", "Jiangsu", "Nanjing", "Hong Kong", "Macao", "the high-tech zone", "the cluster area"]
SUBJECTS = ["The municipal government", "The investment promotion bureau", "The management committee",
            "The district leadership", "Local enterprises", "The project company", "The industrial park",
            "The provincial department", "A delegation of merchants", "The service team",
            "The construction crew", "The planning bureau", "The county government", "Foreign investors",
            "The chamber of commerce", "The logistics company", "The new energy group",
            "The equipment manufacturer", "The research institute", "The township", "The bureau",
            "The startup zone", "The development corporation", "A team of engineers"]
VERBS = ["accelerated", "signed", "completed", "launched", "promoted", "visited", "approved", "expanded",
         "inspected", "introduced", "supported", "coordinated", "planned", "delivered", "opened", "upgraded",
         "reviewed", "attracted", "secured", "improved", "announced", "discussed", "optimised", "built"]
OBJECTS = ["the land acquisition", "the pile foundation works", "the new production line",
           "the investment agreement", "the supporting roads", "the power supply network",
           "the water supply project", "the service centre", "the talent apartments", "the logistics hub",
           "the pipe network", "the business environment", "the approval procedures", "the first phase",
           "the second phase", "the battery materials project", "the auto parts base",
           "the semiconductor workshop", "the metal processing plant", "the electronic information park",
           "the green building materials project", "the cold chain warehouse", "the research centre",
           "the vocational training programme", "the export processing zone", "the standard factory buildings",
           "the sewage treatment plant", "the industrial cluster", "the land reserve", "the special bonds"]
ADJECTIVES = ["high-quality", "large-scale", "advanced", "modern", "efficient", "green", "smart", "strategic",
              "key", "major", "new", "regional", "integrated", "competitive", "sustainable", "digital",
              "low-carbon", "open", "steady", "full-speed"]
PHRASES = ["ahead of schedule", "with the support of the province", "in the first half of the year",
           "within the planned budget", "despite the rainy season", "for the third year in a row",
           "in close cooperation with the township", "under the new policy", "after several rounds of talks",
           "with an investment of {n} million yuan", "on an area of {n} acres", "within {n} working days",
           "together with {n} partner companies", "at a ceremony attended by {n} guests",
           "by the end of the month", "according to the latest figures", "in the western part of the city",
           "along the new expressway", "next to the railway station", "in the municipal startup area"]
CLAUSES = ["which is expected to create {n} jobs", "so that production can start next year",
           "while the approval time was cut by half", "and the remaining work will follow soon",
           "as part of the plan for {year}", "which raised the annual output value to {n} million yuan",
           "because demand from the region keeps growing", "and more companies are expected to follow",
           "so that investors can get their licences faster", "which the visitors praised",
           "and the site now works in three shifts", "while the park keeps its environmental standards"]
OPENERS = ["Recently,", "This week,", "On the morning of the visit,", "In recent years,", "Meanwhile,",
           "At the same time,", "According to the bureau,", "In the past year,", "As planned,",
           "Since the start of construction,", "Today,", "In addition,", "Furthermore,", "Last month,"]
HEADING_WORDS = ["Progress", "Investment", "Construction", "Services", "Outlook", "Background", "Figures",
                 "Cooperation", "Planning", "Industry", "Talent", "Logistics", "Energy", "Environment",
                 "Policy", "Results", "Next steps", "Projects", "Land", "Enterprises"]
TITLE_TOPICS = ["industrial cluster", "investment promotion", "project construction", "business environment",
                "land acquisition", "new energy project", "auto parts base", "logistics park",
                "high-tech zone", "startup area", "production line", "matchmaking meeting",
                "signing ceremony", "service week", "talent programme", "export growth",
                "infrastructure plan", "green factory", "research centre", "battery materials"]
TITLE_ACTIONS = ["accelerates", "starts construction", "signs contracts", "reaches new record",
                 "opens to investors", "completes first phase", "welcomes delegation", "speeds up approvals",
                 "attracts new projects", "enters production", "improves services", "expands capacity"]
LINK_TEXTS = ["the official announcement", "the bureau's notice", "the project page", "the full report",
              "the policy document", "the investment guide", "the press release", "the map of the area"]
LINK_HOSTS = ["www.zhaoqing.gov.cn", "www.sihui.gov.cn", "invest.example.org", "news.example.com",
              "www.gd.gov.cn", "data.example.net"]

ZH_SENTENCES = [
    "肇慶市大型產業集聚區建設全面提速，多個重點項目同步推進。",
    "四會市招商局組織企業代表實地考察大沙鎮產業園區。",
    "項目計劃總投資約三億元，達產後年產值可達四億五千萬元。",
    "今年以來，高新區堅持以項目建設為中心，持續優化營商環境。",
    "施工現場機器轟鳴，工人們正在加緊進行樁基施工。",
    "相關負責人表示，將全力確保項目明年六月順利投產。",
    "市政府主要領導帶隊赴大灣區開展招商引資活動。",
    "園區道路、供水、供電等配套設施已基本完善。",
    "企業負責人對當地的區位優勢和服務效率給予高度評價。",
    "雙方就深化合作、共建產業平台等事項進行了深入交流。",
    "新能源汽車零部件產業鏈不斷延伸，集聚效應日益明顯。",
    "招商部門實行「一企一策」，為企業提供全流程代辦服務。",
    "據統計，上半年全市新簽約項目四十八個，投資總額同比增長。",
    "肇慶地處粵港澳大灣區西部，是連接大西南的重要門戶。",
    "氣象部門提供更細緻的天氣預報，幫助工程提前做好施工安排。",
    "安監部門常到工地走訪，提醒企業做好雷暴天氣的安全防護。",
    "該項目主要生產汽車燈具及電子元器件，市場前景廣闊。",
    "產業園區以綠色低碳為方向，推動製造業高質量發展。",
    "當地還建設了人才公寓，解決企業員工的住房需求。",
    "會上共有十二個項目集中簽約，涵蓋新材料、智能裝備等領域。",
    "「我們現在要搶時間、搶進度」，項目現場負責人說。",
    "鎮政府成立專班，協調解決徵地拆遷中的各類問題。",
    "物流樞紐建成後，將大幅降低企業的運輸成本。",
    "下一步，將繼續加大招商力度，引進更多龍頭企業。",
    "投資者可以直接聯繫招商局，獲取最新的政策資訊。",
    "研究中心與多所高校合作，培養產業急需的技術人才。",
    "標準廠房已經竣工驗收，首批企業即將進駐。",
    "集聚區規劃總面積約九百九十二平方公里。",
    "港口碼頭的擴建工程進展順利，貨物吞吐量穩步上升。",
    "工作人員表示，審批時間已經由三十天縮短至十天。",
    "今年第一季度，工業增加值同比增長百分之八點六。",
    "多家香港企業表示有意在當地設立生產基地。",
]
ZH_TITLE_PARTS = ["肇慶大型產業集聚區", "四會招商引資", "大沙鎮項目建設", "高新區新能源產業", "鼎湖產業園",
                  "高要物流樞紐", "端州營商環境", "廣寧綠色工廠", "德慶人才計劃", "封開港口擴建"]
ZH_TITLE_ENDS = ["全面提速", "再傳捷報", "簽約落地", "順利投產", "加快推進", "成效顯著", "迎來新進展",
                 "跑出加速度", "持續優化", "開局良好"]
ZH_HEADINGS = ["項目進展", "招商成果", "服務保障", "下一步計劃", "產業佈局", "數據一覽"]

JA_SENTENCES = [
    "肇慶市の大規模産業クラスターでは、複数の重点プロジェクトが同時に進められている。",
    "四会市の投資促進局は、企業の代表団を大沙鎮の工業団地に案内した。",
    "プロジェクトの総投資額は約三億元で、本格稼働後の年間生産額は四億五千万元に達する見込みだ。",
    "今年に入ってから、ハイテクゾーンはビジネス環境の改善を続けている。",
    "建設現場では機械の音が響き、作業員たちが杭基礎工事を急いでいる。",
    "担当者は、来年六月の生産開始に向けて全力を尽くすと述べた。",
    "市の幹部は大湾区を訪れ、投資誘致活動を行った。",
    "団地内の道路、上下水道、電力などのインフラはほぼ整っている。",
    "企業の責任者は、地域の立地条件と行政サービスの速さを高く評価した。",
    "双方は協力の深化と産業プラットフォームの共同建設について意見を交換した。",
    "新エネルギー車の部品産業チェーンが延び、集積効果がますます明らかになっている。",
    "投資促進部門は企業ごとに担当者を置き、手続きを代行している。",
    "統計によると、上半期に市内で新たに四十八件のプロジェクトが契約された。",
    "肇慶は粤港澳大湾区の西部に位置し、西南地域への重要な玄関口である。",
    "物流拠点が完成すれば、企業の輸送コストは大幅に下がる。",
    "標準工場の建物はすでに完成し、最初の企業が間もなく入居する。",
    "研究センターは複数の大学と協力し、産業に必要な技術者を育成している。",
    "審査にかかる時間は三十日から十日に短縮されたという。",
    "今後も投資誘致を強化し、より多くの有力企業を呼び込む方針だ。",
    "投資家は投資促進局に直接連絡し、最新の政策情報を得ることができる。",
    "港の拡張工事は順調に進み、貨物取扱量も着実に増えている。",
    "香港の企業数社が、現地に生産拠点を設ける意向を示した。",
]
JA_TITLE_PARTS = ["肇慶の大規模産業クラスター", "四会の投資誘致", "大沙鎮のプロジェクト", "ハイテクゾーンの新エネルギー産業",
                  "鼎湖の工業団地", "高要の物流拠点", "端州のビジネス環境"]
JA_TITLE_ENDS = ["が建設を加速", "で新たな契約", "が生産開始", "が順調に進展", "で成果", "が新段階へ"]
JA_HEADINGS = ["プロジェクトの進捗", "投資誘致の成果", "行政サービス", "今後の計画", "産業の配置"]

# 40 labels, most used first: (key, zh-Hant, zh-Hans, ja)
LABELS = [
    ("zhaoqing", "肇慶", "肇庆", "肇慶"), ("sihui", "四會", "四会", "四会"), ("dasha", "大沙", "大沙", "大沙"),
    ("investment-promotion", "招商引資", "招商引资", "投資誘致"),
    ("industrial-cluster", "產業集聚區", "产业集聚区", "産業クラスター"),
    ("construction", "項目建設", "项目建设", "建設"), ("business-environment", "營商環境", "营商环境", "ビジネス環境"),
    ("infrastructure", "基礎設施", "基础设施", "インフラ"), ("new-energy", "新能源", "新能源", "新エネルギー"),
    ("high-tech-zone", "高新區", "高新区", "ハイテクゾーン"), ("dinghu", "鼎湖", "鼎湖", "鼎湖"),
    ("gaoyao", "高要", "高要", "高要"), ("duanzhou", "端州", "端州", "端州"), ("guangning", "廣寧", "广宁", "広寧"),
    ("deqing", "德慶", "德庆", "徳慶"), ("fengkai", "封開", "封开", "封開"), ("huaiji", "懷集", "怀集", "懐集"),
    ("greater-bay-area", "大灣區", "大湾区", "大湾区"), ("logistics", "物流", "物流", "物流"),
    ("auto-parts", "汽車零部件", "汽车零部件", "自動車部品"), ("batteries", "電池", "电池", "電池"),
    ("semiconductors", "半導體", "半导体", "半導体"), ("metal-processing", "金屬加工", "金属加工", "金属加工"),
    ("electronics", "電子信息", "电子信息", "電子情報"), ("building-materials", "建材", "建材", "建材"),
    ("talent", "人才", "人才", "人材"), ("land", "土地", "土地", "土地"), ("policy", "政策", "政策", "政策"),
    ("exports", "出口", "出口", "輸出"), ("ports", "港口", "港口", "港湾"), ("energy", "能源", "能源", "エネルギー"),
    ("environment", "環境保護", "环境保护", "環境保護"), ("tourism", "旅遊", "旅游", "観光"),
    ("agriculture", "農業", "农业", "農業"), ("jiangsu", "江蘇", "江苏", "江蘇"), ("hong-kong", "香港", "香港", "香港"),
    ("foshan", "佛山", "佛山", "仏山"), ("research", "科研", "科研", "研究開発"),
    ("signing-ceremony", "簽約儀式", "签约仪式", "調印式"), ("matchmaking", "對接會", "对接会", "商談会"),
]
LABEL_WEIGHTS = [1.0 / (rank ** 1.1) for rank in range(1, len(LABELS) + 1)]

CONTACTS = [
    ("sihui-bureau", "government", "Investment Promotion Bureau of Sihui City",
     "3F, Administrative Center, Dongcheng Street, Sihui City, Guangdong Province, China", "0086-758-3611228"),
    ("dinghu-bureau", "government", "Investment Promotion Bureau of Dinghu District",
     "Luoyin Road, Dinghu District, Zhaoqing City, Guangdong Province", "0086-758-2626878"),
    ("gaoyao-bureau", "government", "Investment Promotion Bureau of Gaoyao District",
     "No.201, Nanxing 1st Road, Nan'an Street, Gaoyao District, Zhaoqing City", "0086-758-8392673"),
    ("hitech-zone-bureau", "government", "Zhaoqing High-tech Zone Investment Promotion Bureau",
     "15/F, Fumin Building, Zhaoqing Hi-tech Industrial Development Zone, Guangdong", "0086-758-3983186"),
    ("zhaoqing-bureau", "government", "Zhaoqing Investment Promotion Bureau",
     "6/F, No. 18, Jiangbin West Road, Duanzhou District, Zhaoqing City", "0086-758-2899202"),
    ("sihui-center", "organization", "Sihui City Investment Promotion Center", "", "0086-758-3611229"),
    ("dasha-park", "organization", "Dasha Industrial Park Service Centre",
     "Dasha Town, Sihui City, Guangdong Province", "0086-758-3688001"),
    ("investment-consultant", "person", "Investment consultant for Zhaoqing and Sihui", "", ""),
]
CONTACT_WEIGHTS = [5, 3, 2, 4, 6, 2, 1, 3]


# --- the corpus model ------------------------------------------------------------------------

@dataclass
class PostSpec:
    """One post as generate_corpus writes it; `translation_of` is the original's slug."""

    title: str
    date: datetime
    slug: str
    language: str
    labels: list[str]
    contacts: list[str]
    body: str
    translation_of: str | None = None
    stem: str = ""  # file name without .md: YYYY-MM-DD-<slug>[.zh-hant|.ja]
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def rel_path(self) -> str:
        return f"posts/{self.date:%Y}/{self.stem}.md"

    @property
    def url_slug(self) -> str:
        """The slug zqsite publishes the post under (translations: `<original>-<language>`)."""
        if self.translation_of:
            return f"{self.translation_of}-{self.language.lower()}"
        return self.slug


def _number(rng: random.Random) -> int:
    return rng.choice([3, 5, 8, 12, 15, 20, 30, 45, 60, 80, 120, 150, 200, 300, 450, 600, 1200])


def _fill(text: str, rng: random.Random) -> str:
    return text.replace("{n}", str(_number(rng))).replace("{year}", str(rng.randint(2013, 2025)))


def english_sentence(rng: random.Random) -> str:
    parts = []
    if rng.random() < 0.35:
        parts.append(rng.choice(OPENERS))
    subject = rng.choice(SUBJECTS)
    parts.append(subject if not parts else subject[0].lower() + subject[1:])
    if rng.random() < 0.3:
        parts.append(f"of {rng.choice(PLACES)}")
    parts.append(rng.choice(VERBS))
    if rng.random() < 0.5:
        obj = rng.choice(OBJECTS)
        parts.append(obj.replace("the ", f"the {rng.choice(ADJECTIVES)} ", 1))
    else:
        parts.append(rng.choice(OBJECTS))
    parts.append(_fill(rng.choice(PHRASES), rng))
    if rng.random() < 0.45:
        parts[-1] += ","
        parts.append(_fill(rng.choice(CLAUSES), rng))
    text = " ".join(parts) + "."
    return text[0].upper() + text[1:]


def english_title(rng: random.Random) -> str:
    place = rng.choice(PLACES[:10])
    topic = rng.choice(TITLE_TOPICS)
    action = rng.choice(TITLE_ACTIONS)
    title = f"{place} {topic} {action}"
    if rng.random() < 0.5:
        title += " " + _fill(rng.choice(PHRASES), rng)
    return title[0].upper() + title[1:]


def slug_of(title: str, rng: random.Random) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    words = [w for w in words if w not in ("the", "of", "a", "in", "on", "to", "for", "and", "with", "by", "at")]
    return "-".join(words[:7]) or f"post-{rng.randrange(10**6)}"


def english_body(rng: random.Random, link_targets: list[str]) -> str:
    """600–1,500 words: paragraphs, some `##` headings, lists and links."""
    target_words = rng.randint(600, 1500)
    blocks: list[str] = []
    words = 0
    since_heading = 0
    while words < target_words:
        roll = rng.random()
        if since_heading >= 3 and roll < 0.3:
            heading = " ".join(rng.sample(HEADING_WORDS, rng.randint(1, 3)))
            heading = "## " + heading[0].upper() + heading[1:].lower()
            if heading not in blocks:  # zqsite warns about a repeated paragraph (or heading)
                blocks.append(heading)
                since_heading = 0
            continue
        if roll < 0.12:
            marker = "1." if rng.random() < 0.4 else "-"
            items = []
            for number in range(1, rng.randint(3, 6) + 1):
                item = english_sentence(rng).rstrip(".")
                items.append(f"{number}. {item}" if marker == "1." else f"- {item}")
                words += len(item.split())
            blocks.append("\n".join(items))
            since_heading += 1
            continue
        sentences = [english_sentence(rng) for _ in range(rng.randint(3, 6))]
        if rng.random() < 0.25:
            where = rng.randrange(len(sentences))
            if link_targets and rng.random() < 0.4:
                url = rng.choice(link_targets)
                link = f"See [our earlier report]({url}) for the background."
            else:
                link = (f"Details are in [{rng.choice(LINK_TEXTS)}](https://{rng.choice(LINK_HOSTS)}/"
                        f"news/{rng.randint(10000, 99999)}.html).")
            sentences.insert(where, link)
        paragraph = " ".join(sentences)
        words += len(paragraph.split())
        blocks.append(paragraph)
        since_heading += 1
    return "\n\n".join(blocks) + "\n"


def cjk_body(rng: random.Random, sentences: list[str], headings: list[str]) -> str:
    """1,200–3,600 characters of Chinese or Japanese from the fixed sentences; no repeated paragraph."""
    target = rng.randint(1200, 3600)
    blocks: list[str] = []
    seen: set[str] = set()
    chars = 0
    unused_headings = list(headings)
    while chars < target:
        if blocks and len(blocks) % 4 == 0 and unused_headings and rng.random() < 0.5:
            blocks.append("## " + unused_headings.pop(rng.randrange(len(unused_headings))))
            continue
        paragraph = "".join(rng.sample(sentences, rng.randint(2, 5)))
        if paragraph in seen:
            continue
        seen.add(paragraph)
        blocks.append(paragraph)
        chars += len(paragraph)
    return "\n\n".join(blocks) + "\n"


def _labels(rng: random.Random) -> list[str]:
    count = rng.choices([1, 2, 3, 4], weights=[2, 4, 3, 2])[0]
    chosen: list[str] = []
    while len(chosen) < count:
        key = rng.choices(LABELS, weights=LABEL_WEIGHTS)[0][0]
        if key not in chosen:
            chosen.append(key)
    return chosen


def _contacts(rng: random.Random) -> list[str]:
    count = rng.choices([0, 1, 2, 3], weights=[4, 4, 2, 1])[0]
    chosen: list[str] = []
    while len(chosen) < count:
        key = rng.choices(CONTACTS, weights=CONTACT_WEIGHTS)[0][0]
        if key not in chosen:
            chosen.append(key)
    return chosen


def _random_date(rng: random.Random) -> datetime:
    return FIRST_DAY + timedelta(seconds=rng.randrange(SPAN_SECONDS) // 60 * 60)


def plan_corpus(posts: int, seed: int = 1) -> list[PostSpec]:
    """The posts of a corpus (not written): `posts` files, translations included, oldest first."""
    if posts < 1:
        raise ValueError("a corpus needs at least one post")
    rng = random.Random(seed)
    n_zh = round(posts * 0.10)
    n_ja = round(posts * 0.05)
    n_en = posts - n_zh - n_ja
    if n_en < 1:
        n_en, n_zh, n_ja = posts, 0, 0
    zh_translations = min(n_zh // 2, n_en)
    ja_translations = min(n_ja // 2, n_en)

    # Dates first, so that links can point to older posts.
    originals = [("en", _random_date(rng)) for _ in range(n_en)]
    originals += [("zh-Hant", _random_date(rng)) for _ in range(n_zh - zh_translations)]
    originals += [("ja", _random_date(rng)) for _ in range(n_ja - ja_translations)]
    originals.sort(key=lambda item: item[1])

    specs: list[PostSpec] = []
    used_slugs: set[str] = set()
    linkable: list[str] = []
    for language, date in originals:
        if language == "en":
            title = english_title(rng)
            slug = slug_of(title, rng)
        else:
            parts, ends = (ZH_TITLE_PARTS, ZH_TITLE_ENDS) if language == "zh-Hant" else (JA_TITLE_PARTS, JA_TITLE_ENDS)
            title = rng.choice(parts) + rng.choice(ends)
            slug = f"{'zh' if language == 'zh-Hant' else 'ja'}-{slug_of(english_title(rng), rng)}"
        base, number = slug, 2
        while slug in used_slugs:
            slug = f"{base}-{number}"
            number += 1
        used_slugs.add(slug)
        if language == "en":
            # Links only to posts at least 60 posts older: the benchmark edits, adds and deletes
            # among the newest posts, and no link should break when it does.
            body = english_body(rng, linkable[:-60] if len(linkable) > 60 else [])
        elif language == "zh-Hant":
            body = cjk_body(rng, ZH_SENTENCES, ZH_HEADINGS)
        else:
            body = cjk_body(rng, JA_SENTENCES, JA_HEADINGS)
        spec = PostSpec(title, date, slug, language, _labels(rng), _contacts(rng), body,
                        stem=f"{date:%Y-%m-%d}-{slug}")
        specs.append(spec)
        if language == "en":
            linkable.append(f"/{date:%Y}/{date:%m}/{slug}.html")

    english = [spec for spec in specs if spec.language == "en"]
    for language, count in (("zh-Hant", zh_translations), ("ja", ja_translations)):
        for original in rng.sample(english, count):
            if language == "zh-Hant":
                title = rng.choice(ZH_TITLE_PARTS) + rng.choice(ZH_TITLE_ENDS)
                body = cjk_body(rng, ZH_SENTENCES, ZH_HEADINGS)
            else:
                title = rng.choice(JA_TITLE_PARTS) + rng.choice(JA_TITLE_ENDS)
                body = cjk_body(rng, JA_SENTENCES, JA_HEADINGS)
            specs.append(PostSpec(title, original.date, "", language, list(original.labels),
                                  list(original.contacts), body, translation_of=original.slug,
                                  stem=f"{original.stem}.{language.lower()}"))
    specs.sort(key=lambda spec: (spec.date, spec.stem))
    return specs


def post_text(spec: PostSpec) -> str:
    """The post file in zqsite's format."""
    lines = ["---", f'title: "{spec.title}"', f"date: {spec.date.isoformat()}"]
    if spec.slug:
        lines.append(f"slug: {spec.slug}")
    lines.append(f"labels: [{', '.join(spec.labels)}]")
    lines.append(f"language: {spec.language}")
    if spec.contacts:
        lines.append(f"contacts: [{', '.join(spec.contacts)}]")
    if spec.translation_of:
        lines.append(f"translation_of: {spec.translation_of}")
    lines += ["---", "", spec.body]
    return "\n".join(lines)


def contacts_yaml() -> str:
    lines = ["# Contact registry of the benchmark corpus (generated by bench/generate.py)."]
    for contact_id, kind, name, address, tel in CONTACTS:
        lines.append(f"{contact_id}:")
        if kind != "government":
            lines.append(f'  kind: "{kind}"')
        lines.append(f'  name: "{name}"')
        if address:
            lines.append(f'  address: "{address}"')
        if tel:
            lines.append(f'  tel: "{tel}"')
        if kind == "person":
            lines.append('  whatsapp: "+852 6000 0000"')
            lines.append('  wechat: "+86 130 0000 0000"')
        else:
            lines.append(f'  fax: "{tel[:-1]}0"' if tel else '  email: "invest@example.org"')
    return "\n".join(lines) + "\n"


def labels_yaml() -> str:
    lines = ["# Display names of the benchmark corpus's labels (generated by bench/generate.py)."]
    for key, hant, hans, ja in LABELS:
        lines += [f"{key}:", "  names:", f'    zh-Hant: "{hant}"', f'    zh-Hans: "{hans}"', f'    ja: "{ja}"']
    return "\n".join(lines) + "\n"


def site_yaml(posts: int, seed: int) -> str:
    return "\n".join([
        "# zqsite configuration of a benchmark corpus (generated by bench/generate.py).",
        f'title: "zqsite benchmark: {posts} posts, seed {seed}"',
        'description: "A generated corpus for timing static site generators"',
        'base_url: "https://bench.example.org/"',
        "default_language: en",
        "timezone: Asia/Shanghai",
        f"posts_per_page: {POSTS_PER_PAGE}",
        f"feed_size: {FEED_SIZE}",
        "listing: full",
        # The peers build no search index, so the benchmark's zqsite builds none either.
        "search: false",
    ]) + "\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def generate_corpus(dest: Path, posts: int, seed: int = 1) -> None:
    """Writes a corpus of `posts` post files (translations included) into `dest` (created or emptied)."""
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for spec in plan_corpus(posts, seed):
        _write(dest / spec.rel_path, post_text(spec))
    _write(dest / "contacts.yaml", contacts_yaml())
    _write(dest / "labels.yaml", labels_yaml())
    _write(dest / "site.yaml", site_yaml(posts, seed))


def new_post(corpus: Path, seed: int, number: int = 1) -> tuple[str, str]:
    """A new English post dated a day after the corpus's newest: (path relative to corpus, text)."""
    newest = max((p for p in Path(corpus).glob("posts/*/*.md")), key=lambda p: p.name)
    day = datetime.strptime(newest.name[:10], "%Y-%m-%d").replace(hour=9, tzinfo=TZ) + timedelta(days=1)
    rng = random.Random(f"new-post-{seed}-{number}")
    title = english_title(rng)
    slug = f"{slug_of(title, rng)}-new-{number}"
    spec = PostSpec(title, day, slug, "en", _labels(rng), _contacts(rng), english_body(rng, []),
                    stem=f"{day:%Y-%m-%d}-{slug}")
    return spec.rel_path, post_text(spec)


# --- reading a corpus back (for the exports) -------------------------------------------------

_FRONT = re.compile(r"\A---\n(.*?)\n---\n\n?", re.S)


def read_post(path: Path) -> tuple[dict[str, object], str]:
    """The front matter (as written by post_text) and body of a corpus post."""
    text = path.read_text(encoding="utf-8")
    match = _FRONT.match(text)
    if not match:
        raise ValueError(f"{path}: no front matter")
    front: dict[str, object] = {}
    for line in match.group(1).splitlines():
        key, _, value = line.partition(": ")
        value = value.strip()
        if value.startswith("[") and value.endswith("]"):
            front[key] = [item.strip() for item in value[1:-1].split(",") if item.strip()]
        elif value.startswith('"') and value.endswith('"'):
            front[key] = value[1:-1]
        else:
            front[key] = value
    return front, text[match.end():]


def _corpus_posts(corpus: Path) -> list[tuple[Path, dict[str, object], str]]:
    return [(path, *read_post(path)) for path in sorted(Path(corpus).glob("posts/**/*.md"))]


def _published_slug(front: dict[str, object]) -> str:
    if front.get("translation_of"):
        return f"{front['translation_of']}-{str(front['language']).lower()}"
    return str(front["slug"])


def export_pelican(corpus: Path, dest: Path) -> None:
    """The corpus as a Pelican 4 project: dest/content/YYYY/*.md, dest/pelicanconf.py (+ -cached).

    Translations keep the original's `Slug:` with their own `Lang:` (Pelican's way of linking
    translations); URLs follow zqsite's /YYYY/MM/<slug>.html.
    """
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "content").mkdir(parents=True)
    for path, front, body in _corpus_posts(corpus):
        slug = front.get("translation_of") or front["slug"]
        date = datetime.fromisoformat(str(front["date"]))
        meta = [f"Title: {front['title']}", f"Date: {date:%Y-%m-%d %H:%M}",
                f"Tags: {', '.join(front.get('labels') or [])}", f"Slug: {slug}", f"Lang: {front['language']}"]
        _write(dest / "content" / path.parent.name / path.name, "\n".join(meta) + "\n\n" + body)
    _write(dest / "pelicanconf.py", PELICAN_CONF)
    _write(dest / "pelicanconf_cached.py", PELICAN_CONF_CACHED)
    _write(dest / "templates" / "article_infos.html", PELICAN_ARTICLE_INFOS)


PELICAN_CONF = '''\
"""Pelican settings of the zqsite benchmark (written by bench/generate.py). Paths are relative
to this file. The pages built match zqsite's: post pages (translations included), a paginated
home page (10 a page, full posts), paginated label (tag) pages, year and month archives, the
archive and tag index pages, and feeds (all posts, per language, per tag), 20 items each."""

import os

SITENAME = "zqsite benchmark"
SITEURL = ""
PATH = "content"
OUTPUT_PATH = "output"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"

DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}
SUMMARY_MAX_LENGTH = None  # listing pages show whole posts, as zqsite's `listing: full`

ARTICLE_URL = ARTICLE_SAVE_AS = "{date:%Y}/{date:%m}/{slug}.html"
ARTICLE_LANG_URL = ARTICLE_LANG_SAVE_AS = "{date:%Y}/{date:%m}/{slug}-{lang}.html"
TAG_URL = "label/{slug}/"
TAG_SAVE_AS = "label/{slug}/index.html"
TAGS_SAVE_AS = "label/index.html"
ARCHIVES_SAVE_AS = "archive/index.html"
YEAR_ARCHIVE_SAVE_AS = "{date:%Y}/index.html"
MONTH_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/index.html"
# zqsite has no categories and no authors: Pelican's pages for them are not written.
# The default theme's article_infos.html names the category: ./templates/ has one without it.
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
THEME_TEMPLATES_OVERRIDES = [os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")]
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
PAGE_PATHS = []

FEED_DOMAIN = "https://bench.example.org"
FEED_MAX_ITEMS = 20
FEED_ALL_RSS = "feed.xml"
FEED_ALL_ATOM = "atom.xml"
TRANSLATION_FEED_ATOM = "{lang}/atom.xml"
TRANSLATION_FEED_RSS = "{lang}/feed.xml"
TAG_FEED_RSS = "label/{slug}/feed.xml"
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
CACHE_PATH = "cache"
'''

PELICAN_ARTICLE_INFOS = """<footer class="post-info">
        <abbr class="published" title="{{ article.date.isoformat() }}">
                Published: {{ article.locale_date }}
        </abbr>
        {% include 'taglist.html' %}
        {% import 'translations.html' as translations with context %}
        {{ translations.translations_for(article) }}
</footer><!-- /.post-info -->
"""

PELICAN_CONF_CACHED = '''\
"""The benchmark's Pelican settings with the content cache on (written by bench/generate.py)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: E402,F401,F403

CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
'''


def export_hugo(corpus: Path, dest: Path) -> None:
    """The corpus as a theme-less Hugo site: dest/hugo.yaml, dest/content/posts/*.md, dest/layouts/.

    Every post is a page of the one site language (Hugo's multilingual mode would need one
    content tree per language); translations get zqsite's slug `<original>-<language>`.
    Year and month archives are two taxonomies (`years`, `months`) filled from the date.
    """
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "content" / "posts").mkdir(parents=True)
    for path, front, body in _corpus_posts(corpus):
        date = datetime.fromisoformat(str(front["date"]))
        stem = path.name[:-3].replace(".", "-")
        tags = ", ".join(f'"{label}"' for label in front.get("labels") or [])
        lines = ["---", f'title: "{front["title"]}"', f"date: {date.isoformat()}", f"tags: [{tags}]",
                 f"slug: {_published_slug(front)}", f'years: ["{date:%Y}"]', f'months: ["{date:%Y/%m}"]', "---", ""]
        _write(dest / "content" / "posts" / f"{stem}.md", "\n".join(lines) + body)
    _write(dest / "hugo.yaml", HUGO_CONFIG)
    for taxonomy, title in (("years", "Archive"), ("months", "Months")):
        # Year and month pages without feeds, as zqsite's archives (term pages inherit `outputs`).
        _write(dest / "content" / taxonomy / "_index.md", f"---\ntitle: {title}\ncascade:\n  outputs: [html]\n---\n")
    for name, text in HUGO_LAYOUTS.items():
        _write(dest / "layouts" / name, text)


HUGO_CONFIG = f"""\
# Hugo configuration of the zqsite benchmark (written by bench/generate.py).
baseURL: "https://bench.example.org/"
title: "zqsite benchmark"
locale: en
defaultContentLanguage: en
timeZone: Asia/Shanghai
hasCJKLanguage: true
enableRobotsTXT: true
disableKinds: []
pagination:
  pagerSize: {POSTS_PER_PAGE}
  path: page
services:
  rss:
    limit: {FEED_SIZE}
taxonomies:
  tag: tags
  year: years
  month: months
permalinks:
  page:
    posts: "/:year/:month/:slug"
  term:
    tags: "/label/:slug/"
    years: "/:slug/"
    months: "/:slug/"
  taxonomy:
    tags: "/label/"
    years: "/archive/"
    months: "/months/"
uglyURLs:
  posts: true
outputs:
  home: [html, rss]
  section: [html]
  taxonomy: [html]
  term: [html, rss]
markup:
  goldmark:
    renderer:
      unsafe: false
"""

HUGO_LAYOUTS = {
    "baseof.html": """<!DOCTYPE html>
<html lang="{{ site.Language.Locale }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "/label/" | relURL }}">Labels</a> <a href="{{ "/archive/" | relURL }}">Archive</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<aside>
<h2>Labels</h2>
<ul>{{ range site.Taxonomies.tags.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
</aside>
</body>
</html>
""",
    "_partials/post.html": """<article>
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ range .GetTerms "tags" }} <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ .Content }}
</article>
""",
    "_partials/pager.html": """{{ $p := .Paginator }}{{ if gt $p.TotalPages 1 }}<nav class="pager">
{{ with $p.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }} {{ $p.PageNumber }} / {{ $p.TotalPages }}
{{ with $p.Next }}<a href="{{ .URL }}">Older</a>{{ end }}</nav>{{ end }}
""",
    "home.html": """{{ define "main" }}
{{ $pages := where site.RegularPages "Section" "posts" }}
{{ range (.Paginate $pages).Pages }}{{ partial "post.html" . }}{{ end }}
{{ partial "pager.html" . }}
{{ end }}
""",
    "single.html": """{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ range .GetTerms "tags" }} <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ .Content }}
</article>
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
{{ end }}
""",
    "list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "term.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ range (.Paginate .Pages).Pages }}{{ partial "post.html" . }}{{ end }}
{{ partial "pager.html" . }}
{{ end }}
""",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a seeded zqsite benchmark corpus.")
    parser.add_argument("dest", type=Path, help="corpus folder (created, or emptied if it exists)")
    parser.add_argument("--posts", type=int, required=True, help="number of post files, translations included")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pelican", type=Path, metavar="DIR", help="also export the corpus as a Pelican project")
    parser.add_argument("--hugo", type=Path, metavar="DIR", help="also export the corpus as a Hugo site")
    args = parser.parse_args(argv)
    generate_corpus(args.dest, args.posts, args.seed)
    if args.pelican:
        export_pelican(args.dest, args.pelican)
    if args.hugo:
        export_hugo(args.dest, args.hugo)
    print(f"{args.posts} posts (seed {args.seed}) in {args.dest}; build with --config {args.dest / 'site.yaml'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
