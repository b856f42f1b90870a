"""When two mentions name the same policy instrument, and what stage a mention shows it at.

**Identity.** An instrument is known by its responsible region and its name in a comparable
form. Two names are the same instrument when, for the same region, their comparable forms are
equal, or one equals the comparable form of one of the instrument's aliases. The comparable form
(`comparable_name`) is the name

1. in simplified characters, without whitespace and without 《》〈〉「」『』 and quote marks;
2. without trailing status notes in brackets: （试行）, （暂行）, （修订）, （草案）,
   （征求意见稿）, （2024年修订）, (2024年版) …, however many there are;
3. without one leading reference to the region: its full or short name (西宁市, 西宁) or a
   self-reference (该省, 全省, 本市, 我州, 全县 …), which the responsible region already says;
4. without a trailing legal form of an organisation: 集团, 有限公司, 有限责任公司,
   股份有限公司, 集团有限公司 (生态环保产业集团 and 青海省生态环保产业有限公司 are one
   company).

No step leaves an empty name: a step that would is skipped. The rule is exact and deterministic:
nothing else is compared, and names that are only probably the same (an abbreviation, a
reordering) stay apart until an editor merges them.

**Stage.** The verb a sentence uses says where the instrument stood when it was written
(研究制定: being drafted; 印发: adopted). `stage_of` applies an ordered list of `StageRule`s, the
first that matches wins; the rules are data (`fixtures/stages.json`, editable in the admin).
"""

import re
from dataclasses import dataclass

from .ingest.parsing.normalize import to_simplified

QUOTE_MARKS = frozenset("《》〈〉「」『』“”‘’\"'")

# One bracketed note at the end of the name: a status word, or a year with an optional 版/修订.
STATUS_NOTE = re.compile(
    r"[（(](?:[^（）()]*(?:试行|暂行|修订|修正|草案|征求意见稿|送审稿)|\d{4}年?(?:版|修订|修正)?)[）)]$"
)

# 该省, 全省, 本市, 我州, 全县 …: the region the sentence is about, i.e. the responsible one.
SELF_REFERENCE = re.compile(r"^[该本全我](?:省|市|州|县|区)")

LEGAL_FORM = re.compile(r"(?:集团)?(?:股份有限公司|有限责任公司|有限公司)$|集团$")


def comparable_name(name, region_names=()):
    """`name` in the form identity compares (see the module's description); `region_names` are
    the responsible region's names (full and short)."""
    text = "".join(
        char for char in to_simplified(name) if not char.isspace() and char not in QUOTE_MARKS
    )
    while (note := STATUS_NOTE.search(text)) and note.start() > 0:
        text = text[: note.start()]
    text = _without_prefix(text, region_names)
    form = LEGAL_FORM.search(text)
    if form and form.start() > 0:
        text = text[: form.start()]
    return text


def _without_prefix(text, region_names):
    # The longest of the region's names that the text starts with (西宁市 before 西宁).
    prefix = max(
        (name for name in region_names if name and text.startswith(name)), key=len, default=""
    )
    if prefix:
        return text[len(prefix) :] or text
    reference = SELF_REFERENCE.match(text)
    if reference and reference.end() < len(text):
        return text[reference.end() :]
    return text


# Stages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageRule:
    """The stage a mention shows when its action contains one of `action_contains`, or — when
    `name_ends_with` is given too — when it also names something ending so (开展…试点)."""

    stage: str
    action_contains: tuple[str, ...] = ()
    name_ends_with: tuple[str, ...] = ()

    def matches(self, action, name):
        if not any(word in action for word in self.action_contains):
            return False
        return not self.name_ends_with or name.endswith(self.name_ends_with)


#: When no rule matches: the article mentions the instrument without saying where it stands.
MENTIONED = "mentioned"


def stage_of(action, name, rules):
    """The stage of the first of `rules` that matches the mention's `action` and `name`."""
    action, name = to_simplified(action or ""), to_simplified(name or "")
    for rule in rules:
        if rule.matches(action, name):
            return rule.stage
    return MENTIONED
