"""The columns of the entry exports, with their Chinese headings and what each holds.

The exports write them (`browse/exports.py`) and the spreadsheet import reads them back
(`ingest/spreadsheets.py`), under either heading, so a file exported with Chinese headings
imports as one with the column names.
"""

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _


class Column(NamedTuple):
    name: str
    heading_zh: str
    meaning: str


#: Every export column, in order. Clients depend on the order: new columns go at the end.
COLUMNS = (
    Column("id", "编号", _("The entry's number; its page is /instruments/<id>/.")),
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
)

#: The column each heading names, Chinese headings and column names alike.
COLUMN_OF_HEADING = {
    **{column.heading_zh: column.name for column in COLUMNS},
    **{column.name: column.name for column in COLUMNS},
}
