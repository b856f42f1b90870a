"""Split source text into sentences and runs, with instrument names marked for linking."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    text: str
    entries: tuple = ()  # the instruments this run names (empty for plain text)


@dataclass(frozen=True)
class Piece:
    runs: list
    sentence_start: int | None = None  # source offset of the extracted sentence, if it is one


def _name_spans(entries, offset, length):
    spans = {}
    for entry in entries:
        if entry.name_start is None or entry.name_end is None:
            continue
        start, end = entry.name_start - offset, entry.name_end - offset
        if 0 <= start < end <= length:
            spans.setdefault((start, end), []).append(entry)
    return spans


def _runs(text, lo, hi, spans):
    """Runs of text[lo:hi]; where names overlap, the earlier and longer one is shown."""
    runs, cursor = [], lo
    for (start, end), group in sorted(spans.items(), key=lambda s: (s[0][0], -s[0][1])):
        if end > hi or start < lo:
            continue
        if start < cursor:
            # Overlaps the name before it: share that run, so every entry still has an anchor.
            runs[-1] = Run(runs[-1].text, runs[-1].entries + tuple(group))
            continue
        if start > cursor:
            runs.append(Run(text[cursor:start]))
        runs.append(Run(text[start:end], tuple(group)))
        cursor = end
    if cursor < hi:
        runs.append(Run(text[cursor:hi]))
    return runs


def highlight(text, offset, entries):
    """Pieces covering `text`, which starts at `offset` in its source.

    Each sentence an entry quotes is one piece (so a page can anchor and style it), the text
    between them are plain pieces; inside, instrument names are runs carrying their entries.
    """
    entries = list(entries)
    spans = _name_spans(entries, offset, len(text))
    sentences = sorted(
        {
            (e.start - offset, e.end - offset)
            for e in entries
            if e.start is not None
            and e.end is not None
            and 0 <= e.start - offset < e.end - offset <= len(text)
        }
    )
    pieces, cursor = [], 0
    for start, end in sentences:
        if start < cursor:
            continue
        if start > cursor:
            pieces.append(Piece(_runs(text, cursor, start, spans)))
        pieces.append(Piece(_runs(text, start, end, spans), sentence_start=start + offset))
        cursor = end
    if cursor < len(text):
        pieces.append(Piece(_runs(text, cursor, len(text), spans)))
    return pieces
