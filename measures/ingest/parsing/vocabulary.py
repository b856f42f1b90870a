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
        },
        key=lambda word: (-len(word), word),
    )
)  # fmt: skip

#: A status after a document's name: X管理办法（试行） is still a 办法.
DOCUMENT_STATUS = r"[(（](?:试行|暂行|修订|修订版|修正|征求意见稿|草案)[)）]"

#: What may follow an instrument's name inside the verb's object without being part of it:
#: 目录编制, 试点工作, 试点基础上, EOD项目建设要素, 垂管制度改革, 基地创建工作, 办法(试行).
TRAILING = re.compile(rf"(?:{DOCUMENT_STATUS})?(?:建设|创建|工作|编制|改革|要素|基础上)*")

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
        },
        key=lambda word: (-len(word), word),
    )
)  # fmt: skip

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

#: A clause that opens with one of these states the means, not the practice (依托…优势).
MEANS_OPENERS = ("依托", "通过", "按照", "结合", "围绕", "以", "会同", "协同", "与", "在")

#: Demonstratives that stand for the region already attributed (该省生态环保产业集团).
DEMONSTRATIVES = ("该省", "该市", "该州", "该县", "本省", "本市", "本州", "本县")

#: 等 that closes a list: 等6项标准规范, 等七项机制, 等政策文件.
LIST_CLOSER = re.compile(
    r"等(?P<count>\d+|[一二三四五六七八九十两几若干多]+)?(?:项|个|种|类|条|部|件|批)?(?P<kind>.*)$"
)
#: The longest list kind after 等 (标准规范, 政策文件); a longer tail is not a list's kind.
LIST_KIND_MAX = 6

#: 等 inside a word, not closing a list.
NOT_LIST_CLOSER = ("平等", "同等", "均等", "对等", "相等", "等级", "等同")

#: A quoted term followed within this many characters by an instrument word forms one name.
QUOTED_STEM_MAX = 8

#: Dashes that introduce an appositive name: 生物处置试点—黑水虻处理厨余垃圾示范基地.
DASHES = "—–－"
