"""Instruments in one sentence: what was adopted, by which region, with which verb.

A sentence is read clause by clause (top-level commas). Four readings find names:

1. every title in 《》;
2. the object of an action verb (修订, 制定, 建立 …) that ends in an instrument word (条例, 机制 …),
   split at 、 and at 和/与/及 into coordinated names, with a shared stem or instrument word
   distributed where one side lacks it (免罚办法和清单; 联席会议、信息共享等七项机制);
3. a quoted term followed by an instrument word (“无废城市”试点), or a quoted term that is itself
   an instrument and opens its clause (“拉格日模式”荣膺…);
4. an instrument named before its verb: 青海省生态环保产业有限公司已组建, or fronted by 将
   (将生态环境损害赔偿制度写入《…》).

A sentence or clause that opens with a prefecture or one of its sub-units belongs to it; a unit
named inside an instrument's name is where that instrument applies and wins over the subject.
A local unit's sentence that yields nothing keeps its practice as a fallback entry of type other.
"""

from __future__ import annotations

from dataclasses import dataclass

from .reference import FALLBACK_TYPE, Gazetteer
from .structure import ORDINAL
from .textscan import WHITESPACE, Scanner, Span, strip
from .vocabulary import (
    ACTION_VERBS,
    ADVERBS,
    CLASS_OPENERS,
    CLAUSE_INITIAL_VERBS,
    DASHES,
    DEMONSTRATIVES,
    FIELD_FRAME,
    GENERIC_MODIFIERS,
    INSTRUMENT_WORDS,
    JOINT_WORDS,
    LEADING_COUNT,
    LENDABLE_MODIFIERS,
    LIST_CLOSER,
    LIST_KIND_MAX,
    MEANS_OPENERS,
    NAME_CONJUNCTIONS,
    NON_LENDING_KINDS,
    NOT_INSTRUMENT_TITLES,
    NOT_LIST_CLOSER,
    PHRASE_VERBS,
    PRACTICE_VERBS,
    PROVINCE_SELF_REFERENCES,
    QUOTED_STEM_MAX,
    SELF_REFERENCES,
    SOURCE_OPENERS,
    STATE_VERBS,
    TIME_LEAD,
    TRAILING,
    VERB_JOINERS,
)

OBJECT_LEAD = ("了", "的", "起")
#: The longest practice kept as a fallback entry; longer ones are slogans or descriptions.
FALLBACK_MAX = 16
STEM_STOPS = set("的和与及")


@dataclass(frozen=True)
class Candidate:
    """An instrument found in a sentence, before it is classified."""

    name: str
    parts: tuple[Span, ...]  # the contiguous pieces of the text the name is made of
    extent: Span  # the stretch of text it was read from
    action: str
    region_code: str
    is_document_title: bool = False
    type_slug: str | None = None  # set only where the type is not read from the name
    rule: str = ""  # which reading found it (model.RULES)
    action_span: Span | None = None  # where the action verb stands in the text


@dataclass(frozen=True)
class _Clause:
    start: int
    end: int
    region: str
    body_start: int  # after the clause's subject, if it opens with one
    #: Whether the clause names its unit itself (not 全州, nor a subject carried over).
    named: bool = False


def is_word_char(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or char.isascii() and (char.isalnum() or char == "+")


class SentenceReader:
    """Reads the instruments of text[start:end]; `heading_end` ends the measure's heading."""

    def __init__(
        self,
        text: str,
        start: int,
        end: int,
        gazetteer: Gazetteer,
        heading_end: int,
        subject: str = "",
        fallback: bool = True,
    ):
        self.text = text
        self.start, self.end = start, end
        self.gazetteer = gazetteer
        self.heading_end = heading_end
        #: The article's subject: sentences without a subject of their own belong to it.
        self.subject = subject or gazetteer.root_code
        self.allow_fallback = fallback
        self.scan = Scanner(text, start, end)
        #: The article is about another province (or the nation), not the home province.
        self.elsewhere = not gazetteer.is_within(self.subject, gazetteer.root_code)
        self.clauses = self._attribute_clauses()

    # -- regions -----------------------------------------------------------------------------

    def _attribute_clauses(self) -> list[_Clause]:
        """Each clause with the region it speaks for; a clause opening with a local unit switches."""
        region, named = self.subject, False
        clauses = []
        for index, (start, end) in enumerate(self.scan.clauses(self.start, self.end)):
            body = start
            if index == 0:
                ordinal = ORDINAL.match(self.text, start, end)
                body = strip(self.text, ordinal.end(), end)[0] if ordinal else start
            match = self.gazetteer.match_at(self.text, body, end)
            self_reference = self._word_at(SELF_REFERENCES, body, end)
            province_reference = self._word_at(PROVINCE_SELF_REFERENCES, body, end)
            if province_reference and self.elsewhere:
                # 全省, 省政府 in another province's article: that province, not the home one.
                region, body, named = self.subject, body + len(province_reference), False
            elif match and self._acts(match[0]):
                region, body, named = match[0], body + match[1], True
                # A chain of units names the deepest: 青海省玉树藏族自治州 is 玉树州.
                while (inner := self.gazetteer.match_at(self.text, body, end)) and (
                    self.gazetteer.is_within(inner[0], region) and inner[0] != region
                ):
                    region, body = inner[0], body + inner[1]
            elif self_reference:
                # 全州, 州政府 …: the article's own subject.
                region, body, named = self.subject, body + len(self_reference), False
            clauses.append(_Clause(start, end, region, body, named))
        return clauses

    def _acts(self, code: str) -> bool:
        """Whether a unit opening a clause is its subject.

        A prefecture or county of the home province is; so is another province or the national
        level. The home province itself (青海省, 全省) only where the article is about
        something else (青海省生态环境厅… in a 海西州 or a ministry's article).
        """
        if self.gazetteer.is_local(code):
            return True
        return code != self.gazetteer.root_code or self.subject != code

    def clause_at(self, pos: int) -> _Clause:
        for clause in self.clauses:
            if clause.start <= pos < clause.end:
                return clause
        return min(self.clauses, key=lambda clause: abs(clause.start - pos))

    def _region_for(self, parts: tuple[Span, ...]) -> str:
        named = self.gazetteer.most_specific_local(self.text, parts)
        if named:
            return named
        # A name that opens with a province or the national level is theirs, whoever adopts
        # it: 《生态环境部“十四五”生态环境保护规划》 in an article about 内蒙古.
        opening = self.gazetteer.match_at(self.text, parts[0][0], parts[-1][1])
        # 全国“无废城市”试点, 全省…: a scope word, not the one the name belongs to.
        scope = self.text.startswith("全", parts[0][0])
        if opening and not scope and not self.gazetteer.is_local(opening[0]):
            return opening[0]
        return self.clause_at(parts[0][0]).region

    # -- words -------------------------------------------------------------------------------

    def _word_at(self, words: tuple[str, ...], pos: int, end: int) -> str | None:
        for word in words:
            if pos + len(word) <= end and self.text.startswith(word, pos):
                return word
        return None

    def _ending_word(self, start: int, end: int) -> str | None:
        """The instrument word text[start:end] ends with, if something precedes it."""
        for word in INSTRUMENT_WORDS:
            if end - start > len(word) and self.text.endswith(word, start, end):
                return word
        return None

    def _name_end(self, start: int, end: int) -> int | None:
        """Where a name ending in an instrument word ends, allowing a trailing 工作, 编制 …"""
        for cut in range(end, start, -1):
            if not TRAILING.fullmatch(self.text, cut, end):
                continue
            if self._ending_word(start, cut):
                return cut
            # “国家生态文明建设示范县”称号: the name ends inside its quotation marks
            if self.text[cut - 1] == "”" and self._ending_word(start, cut - 1):
                return cut
        return None

    def _strip_adverbs(self, start: int, end: int) -> tuple[int, int]:
        """Drop adverbs and particles from both ends of text[start:end]."""
        changed = True
        while changed and start < end:
            changed = False
            start, end = strip(self.text, start, end)
            for adverb in ADVERBS:
                if self.text.startswith(adverb, start, end):
                    start, changed = start + len(adverb), True
                    break
            for adverb in (*ADVERBS, "了"):
                if end - start >= len(adverb) and self.text.endswith(adverb, start, end):
                    end, changed = end - len(adverb), True
                    break
        return start, end

    # -- verbs -------------------------------------------------------------------------------

    def _verbs(self, clause: _Clause) -> list[Span]:
        """Action verbs of the clause, adjacent ones (建立完善, 建立并完善) merged into one."""
        found: list[Span] = []
        pos = clause.body_start
        frame = FIELD_FRAME.match(self.text, self._strip_adverbs(pos, clause.end)[0], clause.end)
        if frame:
            pos = frame.end()  # 从打造…、实施…等方面: the fields a document covers
        while pos < clause.end:
            verb = self.scan.top(pos) and self._word_at(ACTION_VERBS, pos, clause.end)
            if not verb and not found and self.scan.top(pos):
                initial = self._word_at(CLAUSE_INITIAL_VERBS, pos, clause.end)
                head = self._strip_adverbs(clause.body_start, pos)
                verb = initial if head[0] == head[1] else None
            if (
                verb
                and self.text.startswith("的", pos + len(verb))
                and self.text.startswith(MEANS_OPENERS, clause.body_start, clause.end)
            ):
                # 在对已出台的…清单研究基础上: background the clause builds on, not an action
                verb = None
            if not verb:
                pos += 1
                continue
            verb_end = pos + len(verb)
            head_start = found[-1][1] if found else clause.body_start
            if not self._is_modifier(head_start, pos, verb_end, clause.end):
                gap = self.text[found[-1][1] : pos].strip(WHITESPACE) if found else None
                if found and (gap == "" or gap in VERB_JOINERS):
                    found[-1] = (found[-1][0], verb_end)
                else:
                    found.append((pos, verb_end))
            pos = verb_end
        return found

    def _is_modifier(self, head_start: int, verb_start: int, verb_end: int, end: int) -> bool:
        """实施 in 工作实施办法, 创新 in 实践创新基地: a verb inside a name, not an action.

        A verb right before an instrument word is part of the name unless nothing but the
        subject, adverbs or another verb precede it (建立专家库, 开展试点 are actions).
        """
        if not self._word_at(INSTRUMENT_WORDS, verb_end, end):
            return False
        head = self._strip_adverbs(head_start, verb_start)
        return head[0] < head[1]

    def _objects(self, clause: _Clause, verbs: list[Span]) -> list[tuple[Span, Span]]:
        """(verb, object) pairs: a later verb opens a new object only after a complete name."""
        pairs: list[list] = []
        for verb in verbs:
            if pairs:
                object_start = pairs[-1][0][1]
                before = strip(self.text, object_start, verb[0], WHITESPACE + "、")
                joined = self.text[before[0] : before[1]]
                for joiner in VERB_JOINERS:
                    if joined.endswith(joiner):
                        before = (before[0], before[1] - len(joiner))
                        break
                if not (joined.endswith("并") or self._name_end(*before)):
                    continue  # the verb sits inside the object (印发…进一步优化…措施)
                pairs[-1][1] = before[1]
            pairs.append([verb, clause.end])
        return [(verb, (verb[1], end)) for verb, end in pairs]

    # -- names in an object ------------------------------------------------------------------

    def _trim_lead(self, start: int, end: int) -> int:
        start = strip(self.text, start, end)[0]
        for lead in (*OBJECT_LEAD, *DEMONSTRATIVES):
            if self.text.startswith(lead, start, end):
                start = strip(self.text, start + len(lead), end)[0]
                break
        # A count is not part of the name: 12个草原生态修复项目, 一批…项目.
        count = LEADING_COUNT.match(self.text, start, end)
        if count and count.end() < end and (start == 0 or self.text[start - 1] != "第"):
            start = count.end()
        return start

    def _list_closer(self, start: int, end: int) -> tuple[int, Span | None] | None:
        """(position of 等, span of the kind after the count) when the object ends in a list."""
        for pos in range(end - 1, start, -1):
            if self.text[pos] != "等" or not self.scan.top(pos):
                continue
            if any(self.text.startswith(word, pos - word.index("等")) for word in NOT_LIST_CLOSER):
                continue
            match = LIST_CLOSER.fullmatch(self.text, pos, end)
            if match and len(match.group("kind")) <= LIST_KIND_MAX:
                kind = (match.start("kind"), end) if match.group("kind") else None
                return pos, kind
        return None

    def _items(self, start: int, end: int) -> list[Span]:
        """Coordinated items at top-level 、 and commas, with 《》 titles and appositions resolved."""
        items = []
        for item_start, item_end in self.scan.split(start, end, "、,，"):
            # Titles in 《》 are read on their own; keep what follows the last one.
            titles = self.scan.titles(item_start, item_end)
            if titles:
                item_start = titles[-1][1]
                for joiner in NAME_CONJUNCTIONS:
                    if self.text.startswith(joiner, item_start, item_end):
                        item_start += len(joiner)
                        break
            # An appositive after a dash names the thing itself: …试点—黑水虻…示范基地.
            for pos in range(item_end - 1, item_start, -1):
                if self.text[pos] in DASHES and self.scan.top(pos):
                    item_start = pos + 1
                    break
            item_start = self._trim_lead(item_start, item_end)
            if item_start < item_end:
                items.append((item_start, item_end))
        return items

    def _lendable(self, start: int, word_end: int) -> Span:
        """The instrument word ending at word_end, with a generic modifier before it (技术导则)."""
        word = self._ending_word(start, word_end)
        word_start = word_end - len(word)
        for modifier in LENDABLE_MODIFIERS:
            if word_start - len(modifier) > start and self.text.endswith(
                modifier, start, word_start
            ):
                return word_start - len(modifier), word_end
        return word_start, word_end

    def _names_in_object(self, start: int, end: int) -> list[tuple[Span, ...]]:
        start = self._trim_lead(start, end)
        closer = self._list_closer(start, end)
        items = self._items(start, closer[0] if closer else end)
        ends = [self._name_end(*item) for item in items]
        names: list[tuple[Span, ...]] = []
        if closer:
            # 联席会议、信息共享等七项机制: an item without its own instrument word borrows the
            # next item's (青海湖水体环境评价、…技术导则) or the list's kind (机制).
            kind = closer[1]
            kind_word = kind and self._name_end(kind[0] - 1, kind[1])
            if kind_word and self.text[kind[0] : kind_word].endswith(NON_LENDING_KINDS):
                kind_word = None  # …等一系列措施 sums up actions; it names no instrument
            if kind_word and self._word_at(GENERIC_MODIFIERS, kind[0], kind_word):
                kind_word = None  # …等重大工程项目 sums up fields of work, not names
            for index, (item, item_end) in enumerate(zip(items, ends, strict=True)):
                if item_end:
                    names.append(((item[0], item_end),))
                    continue
                if self._word_at(PHRASE_VERBS + ACTION_VERBS, item[0], item[1]):
                    continue  # a verb phrase (实施清单管理) borrows no instrument word
                lenders = [(items[j][0], ends[j]) for j in range(index + 1, len(items)) if ends[j]]
                if lenders:
                    names.append((item, self._lendable(*lenders[0])))
                elif kind_word:
                    # with its generic modifier: 等3项管理办法 lends 管理办法
                    names.append((item, self._lendable(kind[0] - 1, kind_word)))
        else:
            # 自然资源、林草和生态环境综合行政执法衔接协同机制: items without an instrument word
            # are modifiers of the next name, which is read whole.
            pending = None
            for item, item_end in zip(items, ends, strict=True):
                if item_end is None:
                    pending = item[0] if pending is None else pending
                    continue
                names.append(((item[0] if pending is None else pending, item_end),))
                pending = None
        result = []
        for parts in names:
            if len(parts) == 1:
                result.extend(self._split_conjoined(*parts[0]))
            else:
                result.append(parts)
        return result

    def _split_conjoined(self, start: int, end: int) -> list[tuple[Span, ...]]:
        """生态环境保护条例和湟水流域水生态保护条例 → two names; 免罚办法和清单 → 免罚办法, 免罚清单.

        Only where the left side is a complete name: 排污权有偿使用和交易试点 stays one.
        """
        for pos in range(start + 1, end):
            if not self.scan.top(pos):
                continue
            joiner = self._word_at(NAME_CONJUNCTIONS, pos, end)
            left_word = joiner and self._ending_word(start, pos)
            if not left_word:
                continue
            right = pos + len(joiner)
            if self._joins(right, end):
                return [((start, end),)]  # 河湖长制与林长制协同联动机制: one mechanism
            if self.text[right:end] in INSTRUMENT_WORDS:
                return [((start, pos),), ((start, pos - len(left_word)), (right, end))]
            if self._ending_word(right, end):
                return [((start, pos),), *self._split_conjoined(right, end)]
        return [((start, end),)]

    def _joins(self, start: int, end: int) -> bool:
        """Whether text[start:end] is a name and then a tail that joins it to its neighbour.

        林长制协同联动机制: 林长制, then 协同联动机制 (with what stands before it).
        """
        return any(
            self._ending_word(start, pos)
            for pos in range(start + 1, end)
            if self.text.startswith(JOINT_WORDS, pos)
        )

    # -- the four readings -------------------------------------------------------------------

    def _make(self, parts, extent, action, is_title=False, type_slug=None, rule="") -> Candidate:
        parts = tuple(parts)
        name = "".join(self.text[s:e] for s, e in parts)
        action_span = None
        if isinstance(action, tuple):  # a verb's span
            action_span, action = action, self.text[action[0] : action[1]]
        return Candidate(
            name=name,
            parts=parts,
            extent=extent,
            action=action,
            region_code=self._region_for(parts),
            is_document_title=is_title,
            type_slug=type_slug,
            rule=rule,
            action_span=action_span,
        )

    def _generic(self, parts: tuple[Span, ...]) -> bool:
        """Generic words and an instrument word, nothing else: 重点工程, 相关制度, 一系列措施."""
        if len(parts) > 1:
            return False
        start, end = parts[0]
        if self.text.startswith(CLASS_OPENERS, start, end):
            return True  # 各类生态功能保护区: a class of things, not one of them
        stripped = False
        while word := self._word_at(GENERIC_MODIFIERS, start, end):
            start, stripped = start + len(word), True
        # 重点工程项目: instrument words after the modifiers, nothing else
        while start < end and (word := self._word_at(INSTRUMENT_WORDS, start, end)):
            start += len(word)
        if stripped and start == end:
            return True
        # 生态保护治理重大工程, 天然草原生态保护等重点工程: works in a field, summed up
        word = self._ending_word(parts[0][0], end)
        return bool(word) and self.text.endswith(("重大", "重点"), parts[0][0], end - len(word))

    def _unquote(self, parts: tuple[Span, ...]) -> tuple[Span, ...]:
        """A name that is exactly one quoted term is stored without the marks, like a 《》 title."""
        if len(parts) == 1:
            start, end = parts[0]
            quotes = self.scan.quotes(start, end)
            if quotes == [(start, end)] and self._ending_word(start + 1, end - 1):
                return ((start + 1, end - 1),)
        return parts

    def _titles(self, verbs_by_clause) -> list[Candidate]:
        found = []
        for start, end in self.scan.titles(self.start, self.end):
            if end - start <= 2 or self.text.endswith(NOT_INSTRUMENT_TITLES, start + 1, end - 1):
                continue
            clause = self.clause_at(start)
            before = [verb for verb in verbs_by_clause[clause] if verb[1] <= start]
            action = before[-1] if before else ""
            found.append(
                self._make([(start + 1, end - 1)], (start, end), action, True, rule="title")
            )
        return found

    def _verb_objects(self, clause: _Clause, verbs: list[Span], next_clauses) -> list[Candidate]:
        found = []
        pairs = self._objects(clause, verbs)
        for index, (verb, (start, end)) in enumerate(pairs):
            if index == len(pairs) - 1:
                end = self._extend_list(end, next_clauses)
            for parts in self._names_in_object(start, end):
                if self._generic(parts):
                    continue
                rule = "list" if len(parts) > 1 else "verb-object"
                found.append(self._make(self._unquote(parts), (start, end), verb, rule=rule))
        return found

    def _extend_list(self, end: int, next_clauses: list[tuple[_Clause, list[Span]]]) -> int:
        """An object continues over verbless clauses when they close the list with 等.

        研究制定…技术导则,电解铝…技术规范等6项标准规范 is one list across the comma.
        """
        for clause, verbs in next_clauses:
            if verbs or clause.body_start != clause.start:
                return end
            if FIELD_FRAME.match(self.text, clause.start, clause.end):
                return end  # 从…等方面: the fields of the document, not more of its list
            if self._list_closer(clause.start, clause.end):
                return clause.end
        return end

    def _quoted_terms(self, taken: list[Candidate], verbs_by_clause) -> list[Candidate]:
        found = []
        for start, end in self.scan.quotes(self.start, self.end):
            clause = self.clause_at(start)
            if clause.end <= self.heading_end or self._covered(start, taken + found):
                continue
            # “无废城市”试点, “绿水青山就是金山银山”实践创新基地
            name_end = None
            for pos in range(end, min(end + QUOTED_STEM_MAX, clause.end) + 1):
                if pos > end and not self._stem_char(pos - 1):
                    break
                word = self._word_at(INSTRUMENT_WORDS, pos, clause.end)
                if word:
                    name_end = pos + len(word)
                    while more := self._word_at(INSTRUMENT_WORDS, name_end, clause.end):
                        name_end += len(more)
                    break
            before = [verb for verb in verbs_by_clause[clause] if verb[1] <= start]
            action = before[-1] if before else ""
            if name_end:
                found.append(
                    self._make([(start, name_end)], (start, name_end), action, rule="quoted")
                )
                continue
            # “拉格日模式”荣膺…: a quoted instrument standing as the clause's subject.
            lead = self._strip_adverbs(clause.body_start, start)
            if lead[0] == lead[1] and self._ending_word(start + 1, end - 1):
                found.append(
                    self._make([(start + 1, end - 1)], (start, end), action, rule="quoted")
                )
        return found

    def _stem_char(self, pos: int) -> bool:
        char = self.text[pos]
        return self.scan.top(pos) and is_word_char(char) and char not in STEM_STOPS

    def _named_before_verb(self, clause: _Clause, verbs: list[Span], taken) -> list[Candidate]:
        """青海省生态环保产业有限公司已组建: the instrument is the clause's subject."""
        if not verbs:
            return []
        start, end = self._strip_adverbs(clause.body_start, verbs[0][0])
        if start >= end or self._covered(start, taken) or not self._ending_word(start, end):
            return []
        if self.scan.titles(start, end) or any(not self.scan.top(p) for p in (start, end - 1)):
            return []
        if any(self.text[p] in "、" for p in range(start, end)):
            return []
        start = self._trim_lead(start, end)
        if self._generic(((start, end),)):
            return []
        if self._word_at(PHRASE_VERBS + PRACTICE_VERBS, start, end):
            return []  # 推动制度落实: a verb phrase, not a name
        opener = self._word_at(MEANS_OPENERS, start, end)
        if opener and self.text[start + len(opener) : end] in INSTRUMENT_WORDS:
            return []  # 以制度创新推进…: a means, not a name
        # Only the first verb: in 已组建并完成注册登记 the second one has an object of its own.
        action = self._word_at(ACTION_VERBS, verbs[0][0], verbs[0][1]) or ""
        if action in STATE_VERBS:
            return []  # 市场机制逐步健全: how far it has come, not an adoption
        action_span = (verbs[0][0], verbs[0][0] + len(action)) if action else ""
        return [self._make([(start, end)], (start, end), action_span, rule="before-verb")]

    def _fallback(self, region: str, clauses: list[_Clause]) -> Candidate | None:
        """The practice of a local unit whose sentence names no instrument: 简易案件项目化."""
        chosen = None
        for clause in clauses:
            start, end = self._strip_adverbs(clause.body_start, clause.end)
            if start >= end:
                continue
            if self.text.startswith(SOURCE_OPENERS, start, end):
                continue  # 据统计: where a figure comes from
            chosen = chosen or (start, end)
            if not self.text.startswith(MEANS_OPENERS, start, end):
                chosen = (start, end)
                break
        if not chosen:
            return None
        start, end = chosen
        action, action_span = "", None
        verb = self._word_at(ACTION_VERBS + PRACTICE_VERBS, start, end)
        if verb and start + len(verb) < end:
            action, action_span = verb, (start, start + len(verb))
            start = self._trim_lead(start + len(verb), end)
        # A statistic, a long slogan, a time phrase (多年来) or an enumeration of features
        # (背靠祁连山、怀拥青海湖) is no practice of its own.
        name = self.text[start:end]
        if len(name) > FALLBACK_MAX or any(char.isdigit() or char in "%％、" for char in name):
            return None
        if TIME_LEAD.fullmatch(name):
            return None
        return Candidate(
            name=name,
            parts=((start, end),),
            extent=(start, end),
            action=action,
            region_code=region,
            type_slug=FALLBACK_TYPE,
            rule="fallback",
            action_span=action_span,
        )

    @staticmethod
    def _covered(pos: int, candidates: list[Candidate]) -> bool:
        return any(c.extent[0] <= pos < c.extent[1] for c in candidates)

    # -- the sentence ------------------------------------------------------------------------

    def candidates(self) -> list[Candidate]:
        verbs_by_clause = {clause: self._verbs(clause) for clause in self.clauses}
        found = self._titles(verbs_by_clause)
        content = [c for c in self.clauses if c.end > self.heading_end]
        for index, clause in enumerate(content):
            following = [(c, verbs_by_clause[c]) for c in content[index + 1 :]]
            found += self._verb_objects(clause, verbs_by_clause[clause], following)
        found += self._quoted_terms(found, verbs_by_clause)
        for clause in content:
            found += self._named_before_verb(clause, verbs_by_clause[clause], found)
        if self.allow_fallback:
            found += self._fallbacks(content, found)
        return self._unique(sorted(found, key=lambda c: (c.parts[0][0], c.parts[-1][1])))

    def _fallbacks(self, content: list[_Clause], found: list[Candidate]) -> list[Candidate]:
        """Every local unit a clause speaks for keeps at least one entry."""
        extra = []
        # Only a unit the sentence names itself: in an article about 玉树州, a sentence of 全州
        # or one without a subject is the article's running text, not one unit's practice.
        regions = dict.fromkeys(
            c.region for c in content if c.named and self.gazetteer.is_local(c.region)
        )
        for region in regions:
            if any(self.gazetteer.is_within(c.region_code, region) for c in found):
                continue
            fallback = self._fallback(region, [c for c in content if c.region == region])
            if fallback:
                extra.append(fallback)
        return extra

    @staticmethod
    def _unique(candidates: list[Candidate]) -> list[Candidate]:
        seen, unique = set(), []
        for candidate in candidates:
            key = (candidate.name, candidate.region_code)
            if key not in seen and candidate.name:
                seen.add(key)
                unique.append(candidate)
        return unique


def sentence_candidates(
    text: str,
    start: int,
    end: int,
    gazetteer: Gazetteer,
    heading_end: int = 0,
    *,
    subject: str = "",
    fallback: bool = True,
) -> list[Candidate]:
    """The instruments text[start:end] states, in text order.

    `subject` is the article's subject (default: the gazetteer's home province); `fallback`
    allows the entry of a prefecture's practice without an instrument word.
    """
    return SentenceReader(text, start, end, gazetteer, heading_end, subject, fallback).candidates()
