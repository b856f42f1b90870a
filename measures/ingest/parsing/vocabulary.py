"""The words the extractor recognises. Kept together so that a reader can tune them in one place."""

from __future__ import annotations

import re

#: Verbs that adopt an instrument. Matched longest first, so 探索建立 wins over 建立.
ACTION_VERBS = tuple(
    sorted(
        {
            # compounds the article uses as one action
            "制定出台", "探索建立", "探索实行", "探索实施", "探索推行", "研究制定", "研究建立",
            "持续健全",
            # single verbs
            "修订", "制定", "出台", "印发", "建立", "完善", "健全", "实施", "实行", "开展",
            "推行", "编制", "启动", "写入", "建成", "组建", "荣获", "创新", "深化", "运用",
            "打造", "完成", "优化", "助力", "保障", "设立", "成立", "构建", "发布", "颁布",
            "推广", "试行", "施行",
            # what other articles of the genre write (names before them too: …中心挂牌成立)
            "制定印发", "印发实施", "出台实施", "修订完善", "审议通过", "推出", "搭建", "筹建",
            "挂牌", "揭牌", "上线", "投运", "完工", "竣工", "开工", "获批", "入选", "签订",
            "签署", "引入", "推进",
            # designations and zoning: 获评…示范基地, 划定生态保护红线
            "获评", "划定", "落实",
        },
        key=lambda verb: (-len(verb), verb),
    )
)  # fmt: skip

#: Words an instrument's name ends with. Bare 法 is left out: it would turn 执法 into a law.
INSTRUMENT_WORDS = tuple(
    sorted(
        {
            "条例", "办法", "规定", "规则", "细则", "意见", "措施", "通知", "方案", "决定",
            "清单", "目录", "名录", "标准", "规范", "导则", "规划", "计划", "机制", "制度",
            "体系", "试点", "示范", "示范区", "项目", "工程", "基地", "中心", "专家库", "模式",
            "公司", "集团", "平台",
            # documents, plans and standards
            "纲要", "通则", "指南", "规程", "协议", "政策",
            # funds, institutions, information systems
            "基金", "专项资金", "系统", "数据库", "监测站", "服务站", "工作站", "管护站",
            "委员会", "领导小组", "工作专班", "研究院", "实验室", "联盟", "先行区", "保护区",
            "项目库", "基准",
            # systems named by their holder or rule: 河湖长制, 林长制, 三级包保制, 告知承诺制
            "长制", "责任制", "包保制", "承诺制", "负责制",
            # bodies: 生态环境保护治理协会, 河湖长制办公室, 生态法庭
            "协会", "办公室", "法庭",
            # designations and zones: 国家生态文明建设示范市 (…县), 生态保护红线
            "示范市", "示范县", "红线",
        },
        key=lambda word: (-len(word), word),
    )
)  # fmt: skip

#: Verbs that adopt an instrument only where they open their clause: 建设…平台 is an action,
#: but 美丽青海建设考核体系 is a name.
CLAUSE_INITIAL_VERBS = ("建设",)

#: Titles in 《》 that are reports or publications, not instruments: 《…生态环境状况公报》.
NOT_INSTRUMENT_TITLES = ("公报", "白皮书", "报告", "日报", "晚报", "杂志", "年鉴", "蓝皮书")

#: Generic words that make no name on their own: a bare 重点工程 or 相关制度 is no entry.
GENERIC_MODIFIERS = tuple(
    sorted(
        {
            "重点", "相关", "有关", "各类", "各项", "配套", "系列", "一系列", "多项", "这些",
            "上述", "一批", "各级", "有效", "新", "长效", "全", "一套", "重大", "专项",
            "支持性",
        },
        key=lambda word: (-len(word), word),
    )
)  # fmt: skip

#: A count before a name: 12个草原生态修复项目 → 草原生态修复项目; 一批…项目.
LEADING_COUNT = re.compile(
    r"(?:\d+|[一二三四五六七八九十两百几多若干]+)(?:个|项|座|处|家|批|条|件|类|种|套|所)"
)

#: Kinds of a 等 list that summarise verb phrases rather than name instruments: …等一系列措施.
NON_LENDING_KINDS = ("措施", "举措", "工作", "行动", "手段", "任务", "方式")

#: Verbs that open a verb phrase: a list item starting with one is an action, not a name.
PHRASE_VERBS = (
    "加强", "强化", "推进", "推动", "开展", "实施", "落实", "完善", "健全", "建立", "提升",
    "促进", "深化", "优化", "规范", "加大", "做好", "抓好", "严格", "实行", "推行", "组织",
    "开通", "设立", "压实", "聚焦", "统筹", "坚持", "突出", "清单管理", "挂图作战", "跟踪",
)  # fmt: skip

#: How a clause refers to the article's own subject: 全州 in a 海西州 article is 海西州.
SELF_REFERENCES = tuple(
    sorted(
        {
            "全州", "全市", "全县", "全区", "本州", "本市", "本县", "本区", "州委州政府",
            "州委", "州政府", "州人民政府", "市委市政府", "市委", "市政府", "市人民政府",
            "县委县政府", "县委", "县政府", "县人民政府", "县里", "州里", "市里", "自治区",
        },
        key=lambda word: (-len(word), word),
    )
)  # fmt: skip

#: How a clause refers to the writer's own province: in a 甘肃 paper, 全省 and 省政府 are 甘肃.
PROVINCE_SELF_REFERENCES = ("省委省政府", "省人民政府", "省委", "省政府", "全省")

#: Verbs that say how far something has come, not that it was adopted: in 市场机制逐步健全 the
#: name before the verb is the theme of a paragraph, not a new instrument.
STATE_VERBS = ("完善", "健全", "优化", "深化", "创新")

#: Time phrases that may open a title or lead before its subject: 近日，西藏自治区…
TIME_LEAD = re.compile(
    r"(?:近日|日前|近期|近年来|多年来|今年以来|今年|去年以来|上半年|下半年|(?:截至|截止|至)?目前|"
    r"(?:近|过去)?(?:\d{1,2}|[一二三四五六七八九十]{1,2})年(?:以)?来|"
    r"\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:以来|来)?|\d{1,2}月\d{1,2}日|\d{1,2}日)"
)

#: A news service's dateline before a lead: 黄南新闻网讯, 本报讯, 新华社西宁6月10日电(记者…).
DATELINE = re.compile(
    r"[^\s，,。；;：:]{0,24}?(?:讯|\d{1,2}月\d{1,2}日电)(?:\s*[（(][^（()）]{0,24}[)）])?(?=[\s　：:]|$)"
)

#: A status after a document's name: X管理办法（试行） is still a 办法.
DOCUMENT_STATUS = (
    r"[(（](?:试行|暂行|修订|修订版|修正|征求意见稿|草案|送审稿|修订稿|\d{4}年(?:修订|修正)?"
    r"|\d{4}\s*[-—–－~至]+\s*\d{4}年?|[^()（）]{0,6}版)[)）]"
)

#: What may follow an instrument's name inside the verb's object without being part of it:
#: 目录编制, 试点工作, 试点基础上, EOD项目建设要素, 垂管制度改革, 基地创建工作, 办法(试行).
TRAILING = re.compile(
    rf"(?:{DOCUMENT_STATUS})?(?:建设|创建|工作|编制|改革|要素|基础上|遴选|申报|评选|验收|研究|称号)*"
    # 推行河湖长制以来; a count after the name: 打造万亩青稞生产基地4个
    r"(?:以来|(?:\d+|[一二三四五六七八九十两]+)(?:个|处|座|家|所|项))?"
)

#: Generic words that belong to a coordinated item's instrument word when it is lent to a
#: neighbour: 青海湖水体环境评价、…技术导则 → 青海湖水体环境评价技术导则.
LENDABLE_MODIFIERS = ("技术", "管理", "工作", "实施")

#: Adverbs and particles between a subject and its verb.
ADVERBS = tuple(
    sorted(
        {
            "积极", "持续", "率先", "及时", "不断", "深入", "全面", "首次", "进一步", "稳妥有序",
            "主动", "常态化", "大力", "着力", "扎实", "切实", "加快", "逐步", "先后", "已经",
            "已", "正式", "顺利", "还", "也", "均", "并", "同时", "努力", "圆满", "相继", "陆续",
            "又", "再", "分别", "统筹", "将", "把", "在", "已于", "成功", "创新性地", "探索",
            "全部", "基本", "如期",
        },
        key=lambda word: (-len(word), word),
    )
)  # fmt: skip

#: Words saying that coordinated items work as one: 河湖长制与林长制协同联动机制 is one
#: mechanism, not 河湖长制 and 林长制…机制.
JOINT_WORDS = ("协同", "联动", "衔接", "联合", "融合", "贯通", "一体化")

#: Words opening a class of things rather than one named instrument: 各类生态功能保护区.
CLASS_OPENERS = ("各类", "各项", "各种")

#: Joiners between coordinated names: 生态环境保护条例和湟水流域水生态保护条例.
NAME_CONJUNCTIONS = ("以及", "和", "与", "及")

#: Joiners between verbs that act on one object: 建立并完善, 修订和完善.
VERB_JOINERS = ("并且", "并", "和", "及", "与")

#: Verbs that describe a practice without adopting an instrument (used to trim a fallback name).
PRACTICE_VERBS = tuple(
    sorted(
        {"推动", "推进", "加强", "强化", "探索", "实现", "积极推进", "着力推进", "坚持", "聚焦"},
        key=lambda word: (-len(word), word),
    )
)  # fmt: skip

#: A clause that opens with one of these gives the source of a statement (据统计, 据介绍), not a
#: practice.
SOURCE_OPENERS = ("据",)

#: A frame that lists the fields a document covers (从打造…、实施…等方面提出要求): the verbs
#: inside it describe content, they adopt nothing.
FIELD_FRAME = re.compile(
    r"(?:从|围绕|就)(?P<fields>.+?)(?:等)?(?:[一二三四五六七八九十\d]+个)?方面"
)

#: A clause that opens with one of these states the means, not the practice (依托…优势).
MEANS_OPENERS = ("依托", "通过", "按照", "结合", "围绕", "以", "会同", "协同", "与", "在")

#: Demonstratives that stand for the region already attributed (该省生态环保产业集团).
DEMONSTRATIVES = ("该省", "该市", "该州", "该县", "本省", "本市", "本州", "本县")

#: 等 that closes a list: 等6项标准规范, 等七项机制, 等政策文件.
LIST_CLOSER = re.compile(
    r"等(?P<count>一系列|系列|\d+|[一二三四五六七八九十两几若干多]+)?(?:项|个|种|类|条|部|件|批)?"
    r"(?P<kind>.*)$"
)
#: The longest list kind after 等 (标准规范, 政策文件); a longer tail is not a list's kind.
LIST_KIND_MAX = 6

#: 等 inside a word, not closing a list.
NOT_LIST_CLOSER = ("平等", "同等", "均等", "对等", "相等", "等级", "等同")

#: A quoted term followed within this many characters by an instrument word forms one name.
QUOTED_STEM_MAX = 8

#: Dashes that introduce an appositive name: 生物处置试点—黑水虻处理厨余垃圾示范基地.
DASHES = "—–－"
