"""Synthetic entries at scale, for benchmarks and scale tests.

`seed_synthetic` fills a database with any number of realistic, reproducible, clearly marked
entries over the real reference data (regions and instrument types), so pages, filters, facets
and exports can be measured at 100,000 entries without inventing a second data model.

What the rows look like:

- One source per `per_source` entries (1,000 by default), slug `synthetic-<seed>-<n>`, title
  marked 【合成数据】 and "(synthetic)", publisher "synthetic", published.
- Each source has the article's shape: 9 reform measures and 4 next-step directions, with slugs
  prefixed by the source's slug (`synthetic-7-3-reform-1`).
- Each entry has a generated name (a topic and an instrument word its type's rule recognises:
  …管理办法 for a rule, …试点 for a pilot), a region from the gazetteer (prefectures weighted
  roughly as active as in the real article), an action, a sentence with the region as subject,
  notes "synthetic", key `synthetic-<seed>-entry-<n>`, and status published.
- Offsets are real: each source's text is built from its measures' paragraphs, each paragraph
  from its entries' sentences, so `start`/`end` and `name_start`/`name_end` point at the
  sentence and the name in `Source.text`, exactly as for a parsed article. Article order,
  highlighting and "see it in the article" therefore behave as on real data, and every entry
  passes `full_clean()`.

Same count, seed and `per_source` give the same rows (all randomness comes from one
`random.Random(seed)`); the database ids depend only on what the database held before.
"""

import hashlib
import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q

from measures import changes, summary_triggers
from measures.identity import comparable_name
from measures.ingest.parsing import classify
from measures.models import Instrument, InstrumentType, Measure, Mention, Source
from regions.models import Region

PUBLISHER = "synthetic"
NOTE = "synthetic"
ENTRIES_PER_SOURCE = 1_000
BATCH_SIZE = 5_000

NUMERALS = "一二三四五六七八九十"

# Subjects of the generated names. None contains a word a type rule looks for (补偿, 试点,
# 考核 …), so the instrument word alone decides the type, as in real names.
TOPICS = (
    "大气污染防治",
    "湟水流域水生态保护",
    "三江源国家公园",
    "祁连山生态保护",
    "青海湖流域保护",
    "柴达木盆地生态保护",
    "盐湖资源综合利用",
    "黄河上游生态保护",
    "草原生态修复",
    "高原湿地保护",
    "冰川冻土保护",
    "地下水污染防治",
    "土壤污染防治",
    "固体废物污染防治",
    "危险废物规范化管理",
    "农村人居环境整治",
    "入河排污口整治",
    "生态环境监测",
    "生态环境执法",
    "排污许可",
    "河湖长制",
    "林长制",
    "生态环境分区管控",
    "重点排污单位监管",
    "新污染物治理",
    "城镇污水处理",
    "饮用水水源地保护",
    "矿山生态修复",
    "荒漠化防治",
    "水土保持",
    "生物多样性保护",
    "野生动物保护",
    "环境信用",
    "绿色金融",
    "清洁能源发展",
    "光伏治沙",
    "“无废城市”建设",
    "生态保护红线",
    "自然保护地",
    "噪声污染防治",
    "化肥农药减量",
    "生态环境督察整改",
)

# Per type slug: how much of the data it is (roughly as in the article), the name patterns
# (ending in, or containing, a word the type's rule matches) and the verbs the article uses.
TYPE_VOCABULARY = {
    "regulation": (4, ("{}条例", "{}管理条例"), ("制定", "修订", "出台")),
    "rule": (
        8,
        ("{}管理办法", "{}实施办法", "{}实施细则", "{}管理规定", "{}工作规则"),
        ("印发", "制定", "出台"),
    ),
    "policy_document": (
        10,
        ("关于加强{}的实施意见", "关于推进{}的指导意见", "{}工作方案", "{}若干措施"),
        ("印发", "出台", "制定"),
    ),
    "list": (4, ("{}责任清单", "{}负面清单", "{}重点单位名录"), ("修订", "编制", "发布")),
    "standard": (4, ("{}技术规范", "{}地方标准", "{}技术导则"), ("制定", "发布")),
    "plan": (6, ("{}专项规划", "{}三年行动计划"), ("编制", "印发")),
    "project": (8, ("{}治理工程", "{}修复项目", "{}重点工程"), ("实施", "启动", "推进")),
    "organization": (
        5,
        ("{}监测中心", "{}专家库", "{}服务平台", "{}投资公司"),
        ("组建", "成立", "建成"),
    ),
    "market": (4, ("{}排污权交易", "{}用水权交易", "{}碳排放配额分配"), ("开展", "推进", "启动")),
    "compensation": (
        4,
        ("{}生态补偿机制", "{}横向生态补偿", "{}损害赔偿制度"),
        ("建立", "实施", "探索"),
    ),
    "evaluation": (
        6,
        ("{}目标考核", "{}成效评估", "{}价值核算", "{}考核评价体系"),
        ("开展", "实施", "建立"),
    ),
    "pilot": (10, ("{}试点", "{}示范区", "{}实践创新基地", "{}改革试点"), ("开展", "创建", "启动")),
    "mechanism": (
        12,
        ("{}协同机制", "{}联动机制", "{}会商机制", "{}长效机制"),
        ("建立", "完善", "健全"),
    ),
    "system": (8, ("{}制度", "{}监测体系", "{}责任体系"), ("建立", "完善", "健全")),
    "other": (7, ("{}专项行动", "{}攻坚行动"), ("开展", "实施", "推进")),
}

# Types whose names the article usually gives in 《》.
DOCUMENT_TYPES = {"regulation", "rule", "policy_document", "list", "standard", "plan"}

# How often each region is an entry's subject, by code; other units by their level.
REGION_WEIGHTS = {
    "630000": 15,
    "630100": 12,
    "630200": 9,
    "632200": 7,
    "632300": 6,
    "632500": 7,
    "632600": 5,
    "632700": 7,
    "632800": 10,
}
LEVEL_WEIGHTS = {"province": 15, "prefecture": 7, "county": 3, "township": 2}

SENTENCE_ENDINGS = (
    "推动生态环境质量持续改善",
    "为高原生态保护提供制度保障",
    "形成可复制可推广的经验",
    "着力解决突出生态环境问题",
    "进一步压实各方责任",
    "助力打造生态文明高地",
    "提升生态环境治理能力",
)

REFORM_FOCUSES = (
    "推动生态环保责任落实",
    "提升生态环保督察效能",
    "完善生态环境法规标准",
    "健全生态环境监管体系",
    "推进生态产品价值实现",
    "强化生态环境分区管控",
    "深化环评与排污许可",
    "推进减污降碳协同增效",
    "健全生态保护补偿",
    "加强生态环境执法",
    "提升生态环境监测能力",
    "推进生态环境治理数字化",
)

DIRECTIONS = (
    "健全生态环境保护基础制度",
    "深化生态环境监管体制改革",
    "完善生态产品价值实现机制",
    "构建现代环境治理体系",
    "推进减污降碳协同增效",
    "强化生态环境法治保障",
)


class SyntheticDataError(Exception):
    """Synthetic data cannot be made: reference data missing, or the seed already used."""


@dataclass
class SyntheticReport:
    seed: int
    dry_run: bool = False
    sources: int = 0
    measures: int = 0
    mentions: int = 0
    #: Entries of an earlier run with the same seed that --replace deleted.
    replaced: int = 0
    seconds: float = 0.0
    by_region: Counter = field(default_factory=Counter)
    by_type: Counter = field(default_factory=Counter)


def source_prefix(seed):
    return f"synthetic-{seed}-"


def synthetic_sources(seed):
    """The synthetic sources made with `seed` (and no others: `synthetic-1-` ≠ `synthetic-12-`)."""
    return Source.objects.filter(publisher=PUBLISHER, slug__startswith=source_prefix(seed))


def synthetic_mentions(seed):
    """The entries of the synthetic sources made with `seed`."""
    return Mention.objects.filter(measure__source__in=synthetic_sources(seed))


def delete_synthetic(seed):
    """Delete the sources, measures and entries made with `seed`; returns the entries deleted.

    Plain DELETE statements: the ordinary delete would load every row and write one history
    record per entry, minutes for 100,000 rows that no editor needs a history of.
    """
    sources = synthetic_sources(seed)
    measures = Measure.objects.filter(source__in=sources)
    with transaction.atomic():
        # `_raw_delete` skips the PROTECT checks, so the rows that point here go first.
        deleted = Mention.objects.filter(measure__in=measures)._raw_delete(Mention.objects.db)
        Measure.continues.through.objects.filter(
            Q(from_measure__in=measures) | Q(to_measure__in=measures)
        ).delete()
        measures._raw_delete(Measure.objects.db)
        sources._raw_delete(Source.objects.db)
        # Plain DELETEs send no signal: the cached pages are made stale here.
        changes.changed()
    return deleted


def seed_synthetic(
    *,
    mentions,
    seed,
    per_source=ENTRIES_PER_SOURCE,
    replace=False,
    dry_run=False,
    batch_size=BATCH_SIZE,
):
    """Create `mentions` synthetic published entries made with `seed`; returns a report.

    Needs the regions and instrument types (`manage.py load_knowledge_base`). Refuses a seed
    already used unless `replace`, which deletes that seed's sources and entries first. All in
    one transaction: a failure leaves the database as it was.
    """
    if mentions < 0:
        raise SyntheticDataError("The number of entries cannot be negative.")
    if per_source < 1:
        raise SyntheticDataError("Each source needs at least one entry.")
    regions = list(Region.objects.order_by("code"))
    types = list(InstrumentType.objects.order_by("precedence"))
    if not regions or not types:
        raise SyntheticDataError(
            "The regions and instrument types are not loaded: "
            "run `manage.py load_knowledge_base` first."
        )
    report = SyntheticReport(seed=seed, dry_run=dry_run)
    started = time.perf_counter()
    existing = synthetic_sources(seed).exists()
    if existing:
        if not replace:
            raise SyntheticDataError(
                f"Synthetic data with seed {seed} is already there "
                f"({synthetic_mentions(seed).count()} entries); "
                "use --replace to delete it and seed again, or choose another seed."
            )
        report.replaced = synthetic_mentions(seed).count()
    generator = Generator(seed=seed, regions=regions, types=types)
    # The summary's triggers would do work for every row; it is written once, afterwards.
    with transaction.atomic(), summary_triggers.suspended():
        if existing and not dry_run:
            delete_synthetic(seed)
        pending, pending_entries = [], 0
        for plan in generator.sources(mentions, per_source):
            report.sources += 1
            report.measures += len(plan.measures)
            report.mentions += len(plan.entries)
            if dry_run:
                continue
            pending.append(plan)
            pending_entries += len(plan.entries)
            if pending_entries >= batch_size:
                write(pending, batch_size)
                pending, pending_entries = [], 0
        if pending and not dry_run:
            write(pending, batch_size)
    report.by_region, report.by_type = generator.by_region, generator.by_type
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class SourcePlan:
    source: Source
    measures: list
    entries: list


def write(plans, batch_size):
    """Insert the planned sources, then their measures, then their entries, in bulk."""
    Source.objects.bulk_create([plan.source for plan in plans])
    for plan in plans:
        for measure in plan.measures:
            measure.source = plan.source  # now it has its id
    Measure.objects.bulk_create([m for plan in plans for m in plan.measures])
    entries = [entry for plan in plans for entry in plan.entries]
    # One instrument per region and comparable name, as the identity rule resolves mentions
    # one by one (bulk_create skips save(), which does that); mentions of an instrument already
    # in the database join it. Aliases are left out: generated names have no variants.
    names = {
        pk: (name, short)
        for pk, name, short in Region.objects.values_list("pk", "name", "short_name")
    }
    keys = [
        (entry.region_id, comparable_name(entry.name, names[entry.region_id])) for entry in entries
    ]
    instruments = {
        (instrument.region_id, instrument.key): instrument
        for instrument in Instrument.objects.filter(
            key__in={key for _region, key in keys}, merged_into=None
        )
        .order_by("-pk")
        .only("pk", "region_id", "key")
    }
    new = {}
    for entry, identity in zip(entries, keys, strict=True):
        if identity not in instruments and identity not in new:
            new[identity] = Instrument(
                name=entry.name, key=identity[1], region_id=entry.region_id, type_id=entry.type_id
            )
    Instrument.objects.bulk_create(new.values(), batch_size=batch_size)
    instruments.update(new)
    for entry, identity in zip(entries, keys, strict=True):
        entry.instrument = instruments[identity]
    # bulk_create takes each entry's measure_id from its measure, saved just above.
    Mention.objects.bulk_create(entries, batch_size=batch_size)
    # bulk_create skips save(), which stores each mention's place in article order.
    Mention.objects.filter(
        measure__source__in=[plan.source for plan in plans]
    ).refresh_article_order()
    # bulk_create sends no signal: the cached pages are made stale here.
    changes.changed()


class Generator:
    """Unsaved sources, measures and entries, from one random stream."""

    def __init__(self, *, seed, regions, types):
        self.seed = seed
        self.random = random.Random(seed)
        self.regions = regions
        self.region_weights = [
            REGION_WEIGHTS.get(r.code, LEVEL_WEIGHTS.get(r.level, 1)) for r in regions
        ]
        # Types an editor added have no vocabulary here; they are simply not generated.
        self.types = [t for t in types if t.slug in TYPE_VOCABULARY]
        self.type_weights = [TYPE_VOCABULARY[t.slug][0] for t in self.types]
        self.types_by_slug = {t.slug: t for t in types}
        self.rules = [t.as_rule() for t in types]
        self.entry_number = 0
        self.by_region, self.by_type = Counter(), Counter()
        self._classified = {}

    def sources(self, count, per_source):
        """SourcePlans holding `count` entries in all, `per_source` in each (fewer in the last)."""
        for index in range(math.ceil(count / per_source)):
            yield self.source(index + 1, min(per_source, count - index * per_source))

    def source(self, number, size):
        rng = self.random
        slug = f"{source_prefix(self.seed)}{number}"
        # Five years before the knowledge base's own article (26 December 2024), so that it
        # stays the newest however many are seeded: home and the matrix show it at every size,
        # and a page's growth from one size to the next compares the same page.
        published_on = date(2019, 1, 1) + timedelta(days=rng.randrange(5 * 365))
        title = f"【合成数据】青海生态环境领域改革措施合成样例 {self.seed}-{number}（synthetic）"
        headings = [
            (Measure.Kind.REFORM, n + 1, f"在{focus}上深化改革")
            for n, focus in enumerate(rng.sample(REFORM_FOCUSES, 9))
        ] + [
            (Measure.Kind.DIRECTION, n + 1, direction)
            for n, direction in enumerate(rng.sample(DIRECTIONS, 4))
        ]
        # Reform measures hold most entries, as in the article.
        per_heading = Counter(rng.choices(range(len(headings)), weights=[3] * 9 + [1] * 4, k=size))
        # Every region appears in every source large enough (a sample of them in a smaller
        # one), so a small run still covers all prefectures; the rest follow the weights.
        if size >= len(self.regions):
            regions = list(self.regions)
        else:
            regions = rng.sample(self.regions, size)
        regions += rng.choices(self.regions, weights=self.region_weights, k=size - len(regions))
        rng.shuffle(regions)
        regions = iter(regions)

        text = [f"{title}\n\n"]
        offset = len(text[0])
        measures, entries = [], []
        for index, (kind, n, heading) in enumerate(headings):
            if kind == Measure.Kind.DIRECTION and n == 1:
                text.append("下一步，青海将重点推进以下工作。\n\n")
                offset += len(text[-1])
            paragraph_start = offset
            opening = f"{NUMERALS[n - 1]}是{heading}。"
            pieces = [opening]
            offset += len(opening)
            measure = Measure(
                status=Measure.Status.PUBLISHED,
                slug=f"{slug}-{kind}-{n}",
                kind=kind,
                number=n,
                title=heading,
                start=paragraph_start,
            )
            for _ in range(per_heading[index]):
                entry, sentence = self.entry(next(regions), measure, offset)
                entries.append(entry)
                pieces.append(sentence)
                offset += len(sentence)
            measure.body = "".join(pieces)
            measure.end = offset
            measures.append(measure)
            text.append(measure.body + "\n\n")
            offset += 2
        text = "".join(text)
        source = Source(
            slug=slug,
            title=title,
            publisher=PUBLISHER,
            published_on=published_on,
            url="",
            text=text,
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            status=Source.Status.PUBLISHED,
        )
        return SourcePlan(source=source, measures=measures, entries=entries)

    def entry(self, region, measure, offset):
        """An unsaved entry whose sentence starts at `offset`, and that sentence."""
        rng = self.random
        chosen = rng.choices(self.types, weights=self.type_weights)[0]
        _weight, patterns, actions = TYPE_VOCABULARY[chosen.slug]
        name = rng.choice(patterns).format(rng.choice(TOPICS))
        # The parser's own rules decide the type, so a name and its type always agree.
        if name not in self._classified:
            self._classified[name] = self.types_by_slug[classify(name, self.rules)]
        type_ = self._classified[name]
        is_document = type_.slug in DOCUMENT_TYPES and rng.random() < 0.6
        action = rng.choice(actions)
        subject = region.name if region.is_province else region.short_name
        before = f"{subject}{action}{'《' if is_document else ''}"
        sentence = f"{before}{name}{'》' if is_document else ''}，{rng.choice(SENTENCE_ENDINGS)}。"
        self.entry_number += 1
        self.by_region[region.code] += 1
        self.by_type[type_.slug] += 1
        entry = Mention(
            key=f"{source_prefix(self.seed)}entry-{self.entry_number}",
            name=name,
            is_document_title=is_document,
            action=action,
            quote=sentence,
            start=offset,
            end=offset + len(sentence),
            name_start=offset + len(before),
            name_end=offset + len(before) + len(name),
            measure=measure,
            # Ids rather than objects: a third faster to build, and 100,000 are built.
            region_id=region.pk,
            type_id=type_.pk,
            status=Mention.Status.PUBLISHED,
            public=True,  # bulk_create skips save(), which keeps the flag; all three are published
            notes=NOTE,
        )
        return entry, sentence
