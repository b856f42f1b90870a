"""The columns of the exports, with their Chinese headings and what each holds.

Two sets: one row per instrument (the default) or one per mention (`per=mention`). The exports
write them (`browse/exports.py`) and the spreadsheet import reads the mention columns back
(`ingest/spreadsheets.py`), under either heading, so a file exported with Chinese headings
imports as one with the column names. A file of instruments is refused by the import: it has
`mention_count`, which no file of mentions has.
"""

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _


class Column(NamedTuple):
    name: str
    heading_zh: str
    meaning: str


#: The columns of a mention export (`per=mention`), in order. Clients depend on the order: new
#: columns go at the end.
COLUMNS = (
    Column("id", "编号", _("The mention's number; its page is /mentions/<id>/.")),
    Column(
        "measure_kind",
        "措施种类代码",
        _(
            "reform (a measure carried out) or direction (a next step), as the kind filter takes it."
        ),
    ),
    Column("measure_number", "措施序号", _("The measure's ordinal within its kind.")),
    Column("measure_title", "措施标题", _("The measure's title.")),
    Column(
        "region_code",
        "地区代码",
        _(
            "Code (GB/T 2260) of the region the entry is attributed to, as the region filter takes it."
        ),
    ),
    Column("region_name", "地区", _("That region's name as the article writes it.")),
    Column(
        "prefecture_code",
        "市州代码",
        _("Code of the prefecture the region lies in; empty for province-level entries."),
    ),
    Column(
        "prefecture_name",
        "市州",
        _("That prefecture's short name; empty for province-level entries."),
    ),
    Column(
        "instrument_type",
        "类型代码",
        _("The instrument type, as the type filter takes it."),
    ),
    Column("instrument_type_name", "类型", _("The instrument type's Chinese name.")),
    Column(
        "instrument_category",
        "类别代码",
        _("The type's category, as the category filter takes it."),
    ),
    Column("instrument_name", "政策工具名称", _("The instrument's name, without 《》.")),
    Column("action", "动作", _("The verb the article uses for it.")),
    Column("quote", "原文句子", _("The sentence of the article that states it.")),
    Column("source_title", "来源文章", _("The article's title.")),
    Column(
        "source_published_on",
        "发布日期",
        _("The article's date (YYYY-MM-DD); empty if unknown."),
    ),
    Column("source_url", "来源网址", _("Where the article was published; empty if not recorded.")),
    Column("url", "条目网址", _("The entry's page on this site.")),
    Column(
        "version",
        "版本",
        _("The entry's version; the spreadsheet import refuses a row whose entry was saved since."),
    ),
    Column("measure_kind_name", "措施种类", _("The measure's kind in Chinese.")),
    Column("instrument_category_name", "类别", _("The type's category in Chinese.")),
    Column(
        "instrument_id",
        "政策工具编号",
        _("The instrument it mentions; its page is /instruments/<instrument_id>/."),
    ),
    Column(
        "evidence_url",
        "证据网址",
        _("For a mention an editor added: a link to its evidence; empty otherwise."),
    ),
    Column(
        "evidence_reference",
        "证据出处",
        _("For a mention an editor added: the document that states it; empty otherwise."),
    ),
)

#: The columns of an instrument export (the default), in order; new columns go at the end.
INSTRUMENT_COLUMNS = (
    Column(
        "instrument_id",
        "政策工具编号",
        _("The instrument's number; its page is /instruments/<instrument_id>/."),
    ),
    Column("instrument_name", "政策工具名称", _("The instrument's name, without 《》.")),
    Column("instrument_type", "类型代码", _("The instrument type, as the type filter takes it.")),
    Column("instrument_type_name", "类型", _("The instrument type's Chinese name.")),
    Column(
        "instrument_category",
        "类别代码",
        _("The type's category, as the category filter takes it."),
    ),
    Column("instrument_category_name", "类别", _("The type's category in Chinese.")),
    Column(
        "region_code",
        "地区代码",
        _("Code (GB/T 2260) of the region responsible for the instrument."),
    ),
    Column("region_name", "地区", _("That region's name as articles write it.")),
    Column(
        "prefecture_code",
        "市州代码",
        _("Code of the prefecture that region lies in; empty for province-level instruments."),
    ),
    Column(
        "prefecture_name",
        "市州",
        _("That prefecture's short name; empty for province-level instruments."),
    ),
    Column(
        "stage",
        "阶段代码",
        _(
            "Where it stands: drafting, adopted, revised, piloting or mentioned; an editor's "
            "judgement, or else what its latest mention's verb says."
        ),
    ),
    Column("stage_name", "阶段", _("The stage in Chinese.")),
    Column("stage_on", "阶段日期", _("When it reached that stage (YYYY-MM-DD), if known.")),
    Column("official_title", "正式名称", _("The title of the official document, if recorded.")),
    Column("official_url", "正式文本网址", _("A link to the official document, if recorded.")),
    Column(
        "other_names",
        "其他名称",
        _("Other names mentions give it, separated by “; ”."),
    ),
    Column(
        "mention_count",
        "提及次数",
        _("How many of its mentions the filters select (all of them without filters)."),
    ),
    Column(
        "first_mention_id",
        "首次提及编号",
        _("The first of those mentions in article order; its page is /mentions/<id>/."),
    ),
    Column("measure_kind", "措施种类代码", _("That mention's measure: reform or direction.")),
    Column("measure_number", "措施序号", _("That measure's ordinal within its kind.")),
    Column("measure_title", "措施标题", _("That measure's title.")),
    Column("action", "动作", _("The verb that mention uses.")),
    Column("quote", "原文句子", _("That mention's sentence.")),
    Column("source_title", "来源文章", _("The title of that mention's article.")),
    Column(
        "source_published_on", "发布日期", _("That article's date (YYYY-MM-DD); empty if unknown.")
    ),
    Column("source_url", "来源网址", _("Where that article was published; empty if not recorded.")),
    Column("url", "条目网址", _("The instrument's page on this site.")),
)

#: The column each heading names, Chinese headings and column names alike.
COLUMN_OF_HEADING = {
    **{column.heading_zh: column.name for column in (*COLUMNS, *INSTRUMENT_COLUMNS)},
    **{column.name: column.name for column in (*COLUMNS, *INSTRUMENT_COLUMNS)},
}

#: A column only files of instruments have: the import refuses them.
INSTRUMENTS_ONLY = "mention_count"
