"""PDF rosters, attendance sheets and leader's packs, drawn with fpdf2.

One A4 page per group (more when a group is too big for one), a footer on every page
that says the sheet holds personal data. Everything is laid out before anything is
drawn, so "page X of Y" is known without fpdf2's page alias (an alias would also
rewrite a participant's name that happens to contain it).

Speed: 250 groups render in a fraction of a second. The expensive parts of fpdf2 are
kept out of the loop: no `table()`, no `multi_cell()`; text is measured with the
font's own width table and drawn with `text()`. The welcome text is wrapped once per
document. The CJK/Hangul font (4.6 MB, 0.2 s to load) is added only when some text
has characters Noto Sans lacks, and only those characters are drawn with it.

Participant text is untrusted and drawn as plain text: fpdf2 knows no markup unless
`markdown=True`, which is never used here.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from spleis_tui.core.dates import format_day, format_meeting_time
from spleis_tui.core.errors import SpleisError
from spleis_tui.i18n import _, current_language, ngettext

if TYPE_CHECKING:
    from spleis_tui.core.rosters import Contact, Roster, RosterGroup, RosterMember

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
SANS = "NotoSans"
CJK = "WenQuanYiMicroHei"
SANS_FILES = {"": "NotoSans-Regular.ttf", "B": "NotoSans-Bold.ttf"}
CJK_FILE = "WenQuanYiMicroHei.ttf"

Kind = Literal["rosters", "attendance", "pack"]
KINDS: tuple[str, ...] = ("rosters", "attendance", "pack")

# Page geometry in millimetres (A4 portrait).
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 16.0
CONTENT_W = PAGE_W - 2 * MARGIN
CONTENT_BOTTOM = 276.0  # nothing but the footer below this line
ELLIPSIS = "…"
REPLACEMENT = "\ufffd"
INVISIBLE = ("Mn", "Me", "Cf", "Cc")  # marks and format characters: dropped, not replaced
WELCOME_MAX_LINES = 24

INK = (33, 33, 33)
MUTED = (105, 105, 105)
RULE = (190, 190, 190)
RULE_DARK = (90, 90, 90)
SHADE = (242, 242, 242)
WELCOME_SHADE = (238, 243, 248)

# Columns: (heading, width in mm). Each table adds up to CONTENT_W.
ROSTER_ROW_H = 7.0
ATTENDANCE_ROW_H = 10.0
ATTENDANCE_EXTRA_ROWS = 3
CELL_PAD = 1.5


class RenderCancelled(SpleisError):
    """The user stopped a PDF while it was being made."""


@lru_cache(maxsize=1)
def cjk_coverage() -> frozenset[int]:
    """The code points the CJK/Hangul fallback font has (read once: 70 ms)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(FONT_DIR / CJK_FILE), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def _roster_texts(roster: Roster) -> Iterable[str]:
    """Every text a document of this roster may draw (to see which glyphs it needs)."""
    yield roster.round_name
    yield roster.welcome_text
    for group in roster.groups:
        yield group.name
        yield group.campus
        yield group.meeting.activity
        yield group.meeting.place
        if group.leader:
            yield group.leader.name
            yield group.leader.phone
            yield group.leader.email
        for member in group.members:
            yield member.name
            yield member.email
            yield member.phone
            yield member.programme


class _Canvas:
    """An FPDF document with fast measuring, shortening and drawing of one-line text."""

    def __init__(self, texts: Iterable[str]) -> None:
        from fpdf import FPDF

        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.alias_nb_pages(None)  # no "{nb}" substitution inside participants' text
        pdf.c_margin = 0
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf = pdf
        self.fonts: dict[str, Any] = {}
        for style, filename in SANS_FILES.items():
            pdf.add_font(SANS, style, str(FONT_DIR / filename))
            pdf.set_font(SANS, style, 10)
            self.fonts[style] = pdf.current_font
        needed = set().union(*map(set, texts)) - {"\n"}
        self.missing = frozenset(
            char
            for char in needed
            if any(ord(char) not in font.cmap for font in self.fonts.values())
        )
        self.fallback: Any = None
        drawable = frozenset(char for char in self.missing if ord(char) in cjk_coverage())
        if drawable:
            # Only the characters Noto lacks: fpdf2 then reads 30,000 fewer cmap entries.
            pdf.add_font(CJK, "", str(FONT_DIR / CJK_FILE), unicode_range=set(map(ord, drawable)))
            pdf.set_font(CJK, "", 10)
            self.fallback = pdf.current_font
        # What neither font can draw (Arabic, Devanagari, emoji...) shows as "�", never as
        # nothing: a name that silently loses letters looks whole but is wrong.
        self.undrawable: dict[int, str] = {
            ord(char): "" if unicodedata.category(char) in INVISIBLE else REPLACEMENT
            for char in self.missing - drawable
        }
        self.k = pdf.k

    # Measuring

    def _runs(self, text: str, style: str) -> list[tuple[Any, str, str, str]]:
        """Split text into (font, family, style, piece) runs: Noto, else the CJK font."""
        main = self.fonts[style]
        fallback = self.fallback
        runs: list[tuple[Any, str, str, str]] = []
        for char in text:
            run = (main, SANS, style)
            if (
                char in self.missing
                and ord(char) not in main.cmap
                and fallback is not None
                and ord(char) in fallback.cmap
            ):
                run = (fallback, CJK, "")
            if runs and runs[-1][0] is run[0]:
                runs[-1] = (*run, runs[-1][3] + char)
            else:
                runs.append((*run, char))
        return runs

    def _plain(self, text: str) -> bool:
        return not self.missing or self.missing.isdisjoint(text)

    def _prepare(self, text: str) -> str:
        if self.undrawable and not self._plain(text):
            return text.translate(self.undrawable)
        return text

    def width(self, text: str, style: str, size: float) -> float:
        """Width in mm of text in Noto Sans (with the CJK font where Noto lacks a glyph)."""
        text = self._prepare(text)
        if self._plain(text):
            cw = self.fonts[style].cw
            units = sum(cw[ord(char)] for char in text)
        else:
            units = sum(
                font.cw[ord(char)]
                for font, _family, _style, piece in self._runs(text, style)
                for char in piece
            )
        return units * size * 0.001 / self.k

    def _char_widths(self, text: str, style: str, size: float) -> list[float]:
        text = self._prepare(text)
        scale = size * 0.001 / self.k
        if self._plain(text):
            cw = self.fonts[style].cw
            return [cw[ord(char)] * scale for char in text]
        return [
            font.cw[ord(char)] * scale
            for font, _family, _style, piece in self._runs(text, style)
            for char in piece
        ]

    def shorten(self, text: str, width: float, style: str, size: float) -> str:
        """The text, or its longest start that fits with "…" after it."""
        text = self._prepare(text)
        if self.width(text, style, size) <= width:
            return text
        budget = width - self.width(ELLIPSIS, style, size)
        used, cut = 0.0, 0
        for cut, char_width in enumerate(self._char_widths(text, style, size)):  # noqa: B007
            used += char_width
            if used > budget:
                break
        # Never separate a letter from its accents.
        while cut > 0 and unicodedata.combining(text[cut]):
            cut -= 1
        return text[:cut].rstrip() + ELLIPSIS

    def fit(
        self, text: str, width: float, style: str, size: float, smallest: float | None = None
    ) -> tuple[str, float]:
        """Text and font size for one line of `width` mm: smaller type first, then "…"."""
        text = self._prepare(text)
        full = self.width(text, style, size)
        if full <= width:
            return text, size
        if smallest is not None:
            scaled = math.floor(size * width / full * 10) / 10
            if scaled >= smallest:
                return text, scaled
            size = smallest
        return self.shorten(text, width, style, size), size

    def wrap(
        self, text: str, width: float, style: str, size: float, max_lines: int | None = None
    ) -> list[str]:
        """Word-wrap text into lines no wider than `width`; blank lines kept, once each."""
        text = self._prepare(text)
        lines: list[str] = []
        space = self.width(" ", style, size)
        for paragraph in text.split("\n"):
            words = paragraph.split()
            if not words:
                if lines and lines[-1] != "":
                    lines.append("")
                continue
            line, line_width = "", 0.0
            for word in words:
                word_width = self.width(word, style, size)
                if line and line_width + space + word_width <= width:
                    line, line_width = f"{line} {word}", line_width + space + word_width
                    continue
                if line:
                    lines.append(line)
                while word_width > width:  # a word longer than a line (or text without spaces)
                    cut = self._longest_fit(word, width, style, size)
                    lines.append(word[:cut])
                    word = word[cut:]
                    word_width = self.width(word, style, size)
                line, line_width = word, word_width
            if line:
                lines.append(line)
        while lines and lines[-1] == "":
            lines.pop()
        if max_lines is not None and len(lines) > max_lines:
            last = lines[max_lines - 1]
            if self.width(last + ELLIPSIS, style, size) <= width:
                last += ELLIPSIS
            else:
                last = self.shorten(last + " " + ELLIPSIS * 3, width, style, size)
            lines = [*lines[: max_lines - 1], last]
        return lines

    def _longest_fit(self, word: str, width: float, style: str, size: float) -> int:
        used = 0.0
        for index, char_width in enumerate(self._char_widths(word, style, size)):
            used += char_width
            if used > width:
                cut = max(index, 1)
                while cut > 1 and unicodedata.combining(word[cut]):
                    cut -= 1
                return cut
        return len(word)

    # Drawing

    def color(self, rgb: tuple[int, int, int]) -> None:
        self.pdf.set_text_color(*rgb)

    def draw(
        self,
        x: float,
        y: float,
        h: float,
        text: str,
        style: str = "",
        size: float = 10,
        *,
        align: str = "L",
        width: float = 0.0,
    ) -> None:
        """One line of text, vertically centred in the band from y to y + h."""
        text = self._prepare(text)
        if not text:
            return
        pdf = self.pdf
        if align != "L":
            text_width = self.width(text, style, size)
            x += (width - text_width) if align == "R" else (width - text_width) / 2
        baseline = y + 0.5 * h + 0.3 * size / self.k
        if self._plain(text):
            pdf.set_font(SANS, style, size)
            pdf.text(x, baseline, text)
            return
        for font, family, piece_style, piece in self._runs(text, style):
            pdf.set_font(family, piece_style, size)
            pdf.text(x, baseline, piece)
            x += sum(font.cw[ord(char)] for char in piece) * size * 0.001 / self.k

    def draw_fit(
        self,
        x: float,
        y: float,
        h: float,
        text: str,
        width: float,
        style: str = "",
        size: float = 10,
        smallest: float | None = None,
        *,
        align: str = "L",
    ) -> None:
        fitted, fitted_size = self.fit(text, width, style, size, smallest)
        self.draw(x, y, h, fitted, style, fitted_size, align=align, width=width)

    def fill(self, x: float, y: float, w: float, h: float, rgb: tuple[int, int, int]) -> None:
        self.pdf.set_fill_color(*rgb)
        self.pdf.rect(x, y, w, h, style="F")

    def rule(
        self, x1: float, y1: float, x2: float, y2: float, rgb=RULE, width: float = 0.2
    ) -> None:
        self.pdf.set_draw_color(*rgb)
        self.pdf.set_line_width(width)
        self.pdf.line(x1, y1, x2, y2)


Page = Callable[[], None]


class _Document:
    """Plans the pages of one PDF, then draws them with a footer that knows the total."""

    def __init__(self, roster: Roster, printed_on: dt.date) -> None:
        self.roster = roster
        self.printed = _("Printed {date}").format(date=format_day(printed_on))
        self.canvas = _Canvas(_roster_texts(roster))
        c = self.canvas
        self.welcome_lines = c.wrap(
            roster.welcome_text, CONTENT_W - 8, "", 10, max_lines=WELCOME_MAX_LINES
        )
        self.roster_columns = (
            (_("Name"), 58.0),
            (_("Programme"), 44.0),
            (_("E-mail"), 50.0),
            (_("Phone"), 26.0),
        )
        self.attendance_columns = (
            ("#", 10.0),
            (_("Name"), 60.0),
            (_("Programme"), 42.0),
            (_("Present"), 18.0),
            (_("Signature"), 48.0),
        )
        self.to_be_agreed = _("to be agreed")
        self.privacy = _(
            "This list holds personal data: share it only with the group and throw it away "
            "when the round is over."
        )

    # Pieces shared by every page

    def round_in(self, template: str, width: float, size: float, **values: object) -> str:
        """The template filled in, with the round's name shortened so the rest still fits."""
        rest = self.canvas.width(template.format(round="", **values), "", size)
        name = self.canvas.shorten(self.roster.round_name, width - rest, "", size)
        return template.format(round=name, **values)

    def header(self, label: str) -> None:
        c = self.canvas
        c.color(MUTED)
        room = CONTENT_W - c.width(self.printed, "", 8) - 6
        c.draw(MARGIN, 9, 5, self.round_in("{round} · {label}", room, 8, label=label), "", 8)
        c.draw(MARGIN, 9, 5, self.printed, "", 8, align="R", width=CONTENT_W)
        c.rule(MARGIN, 14.5, PAGE_W - MARGIN, 14.5)
        c.color(INK)

    def footer(self, page: int, pages: int) -> None:
        c = self.canvas
        c.rule(MARGIN, 279.5, PAGE_W - MARGIN, 279.5)
        c.color(MUTED)
        template = _("Spleis · {round} · page {page} of {pages}")
        line = self.round_in(template, CONTENT_W, 7.5, page=page, pages=pages)
        c.draw(MARGIN, 280.5, 4.5, line, "", 7.5)
        c.draw_fit(MARGIN, 285, 4.5, self.privacy, CONTENT_W, "", 7.5, 6)
        c.color(INK)

    def title(self, text: str, y: float, size: float, h: float) -> None:
        self.canvas.draw_fit(MARGIN, y, h, text, CONTENT_W, "B", size, size * 0.7)

    def continued(self, group: RosterGroup, label: str) -> float:
        """The top of a continuation page; returns where the table starts."""
        self.header(label)
        template = _("{group} (continued)")
        room = CONTENT_W - self.canvas.width(template.format(group=""), "B", 16)
        name = self.canvas.shorten(group.name, room, "B", 16)
        self.title(template.format(group=name), 19, 16, 9)
        return 32.0

    def meeting_activity(self, group: RosterGroup) -> str:
        if group.meeting.suggested:
            return _("Suggested: {activity}").format(activity=group.meeting.activity)
        return group.meeting.activity

    def meeting_when(self, group: RosterGroup) -> str:
        at = group.meeting.at
        return format_meeting_time(at) if at else self.to_be_agreed

    def member_count(self, n: int) -> str:
        return ngettext("{n} member", "{n} members", n).format(n=n)

    @staticmethod
    def chunks(rows: Sequence, first: int, rest: int) -> list[tuple[int, int]]:
        """(start, end) of the rows on each page: `first` on the first page, `rest` after."""
        spans, start = [(0, min(first, len(rows)))], min(first, len(rows))
        while start < len(rows):
            spans.append((start, min(start + rest, len(rows))))
            start += rest
        return spans

    # Roster pages

    def roster_pages(self, group: RosterGroup) -> list[Page]:
        c = self.canvas
        label = _("Group roster")
        left_x, left_w = MARGIN, 104.0
        right_x, right_w = MARGIN + 110.0, CONTENT_W - 110.0
        value_x, value_w = left_x + 17, left_w - 19
        meeting: list[tuple[str, str]] = []
        for heading, text, most in (
            (_("What"), self.meeting_activity(group), 2),
            (_("When"), self.meeting_when(group), 1),
            (_("Where"), group.meeting.place or self.to_be_agreed, 3),
        ):
            for index, line in enumerate(c.wrap(text, value_w, "", 10, max_lines=most) or [""]):
                meeting.append((heading if index == 0 else "", line))
        leader = group.leader
        welcome_h = 7 + 4.8 * len(self.welcome_lines) if self.welcome_lines else 0.0
        welcome_y = 39.0
        blocks_y = welcome_y + welcome_h + (5 if welcome_h else 0)
        line_h = 5.2
        blocks_h = 7 + line_h * max(len(meeting), 3)
        table_y = blocks_y + blocks_h + 5
        first = max(0, math.floor((CONTENT_BOTTOM - table_y - ROSTER_ROW_H) / ROSTER_ROW_H))
        rest = math.floor((CONTENT_BOTTOM - 32 - ROSTER_ROW_H) / ROSTER_ROW_H)
        if not group.members:
            first = max(first, 1)
        spans = self.chunks(group.members, first, rest)

        def first_page() -> None:
            self.header(label)
            self.title(group.name, 18, 22, 11)
            c.color(MUTED)
            facts = [self.member_count(len(group.members))]
            if group.campus:
                facts.insert(0, group.campus)
            c.draw_fit(MARGIN, 30, 5, " · ".join(facts), CONTENT_W, "", 9.5)
            c.color(INK)
            if self.welcome_lines:
                c.fill(MARGIN, welcome_y, CONTENT_W, welcome_h, WELCOME_SHADE)
                y = welcome_y + 3.5
                for line in self.welcome_lines:
                    c.draw(MARGIN + 4, y, 4.8, line, "", 10)
                    y += 4.8
            c.draw(left_x, blocks_y, 7, _("First meeting"), "B", 11.5)
            c.draw(right_x, blocks_y, 7, _("Leader"), "B", 11.5)
            y = blocks_y + 7
            for heading, line in meeting:
                if heading:
                    c.color(MUTED)
                    c.draw_fit(left_x, y, line_h, heading, 16, "B", 9, 7)
                    c.color(INK)
                c.draw(value_x, y, line_h, line, "", 10)
                y += line_h
            y = blocks_y + 7
            if leader is None:
                c.color(MUTED)
                c.draw_fit(right_x, y, line_h, _("No leader yet"), right_w, "", 10, 8)
                c.color(INK)
            else:
                c.draw_fit(right_x, y, line_h, leader.name, right_w, "B", 10, 7.5)
                for value in (leader.phone, leader.email):
                    y += line_h
                    c.draw_fit(right_x, y, line_h, value, right_w, "", 10, 7)
            start, end = spans[0]
            if end > start or not group.members:
                self.roster_table(table_y, group.members, start, end)

        pages: list[Page] = [first_page]
        for start, end in spans[1:]:

            def more(start: int = start, end: int = end) -> None:
                self.roster_table(self.continued(group, label), group.members, start, end)

            pages.append(more)
        return pages

    def table_head(self, y: float, columns: Sequence[tuple[str, float]], h: float) -> float:
        c = self.canvas
        x = MARGIN
        for heading, width in columns:
            c.draw_fit(x + CELL_PAD, y, h, heading, width - 2 * CELL_PAD, "B", 9, 6.5)
            x += width
        c.rule(MARGIN, y + h, PAGE_W - MARGIN, y + h, RULE_DARK, 0.35)
        return y + h

    def roster_table(self, y: float, members: Sequence[RosterMember], start: int, end: int) -> None:
        c = self.canvas
        columns = self.roster_columns
        y = self.table_head(y, columns, ROSTER_ROW_H)
        if not members:
            c.color(MUTED)
            c.draw(MARGIN + CELL_PAD, y, ROSTER_ROW_H, _("Nobody is in this group yet."), "", 9.5)
            c.color(INK)
            return
        widths = [width for _heading, width in columns]
        for index in range(start, end):
            member = members[index]
            if index % 2:
                c.fill(MARGIN, y, CONTENT_W, ROSTER_ROW_H, SHADE)
            x = MARGIN
            for value, width, style in zip(
                (member.name, member.programme, member.email, member.phone),
                widths,
                ("B", "", "", ""),
                strict=True,
            ):
                c.draw_fit(x + CELL_PAD, y, ROSTER_ROW_H, value, width - 2 * CELL_PAD, style, 9, 7)
                x += width
            y += ROSTER_ROW_H
            c.rule(MARGIN, y, PAGE_W - MARGIN, y, RULE, 0.15)

    # Attendance pages

    def attendance_pages(self, group: RosterGroup) -> list[Page]:
        c = self.canvas
        label = _("Attendance")
        rows: list[RosterMember | None] = [*group.members, *[None] * ATTENDANCE_EXTRA_ROWS]
        fields = (
            (_("Activity"), self.meeting_activity(group)),
            (_("Date"), format_meeting_time(group.meeting.at) if group.meeting.at else ""),
            (_("Place"), group.meeting.place),
        )
        table_y = 40 + 6 * len(fields) + 4
        head_h = 8.0
        first = math.floor((CONTENT_BOTTOM - table_y - head_h) / ATTENDANCE_ROW_H)
        rest = math.floor((CONTENT_BOTTOM - 32 - head_h) / ATTENDANCE_ROW_H)
        spans = self.chunks(rows, first, rest)

        def first_page() -> None:
            self.header(label)
            c.color(MUTED)
            c.draw(MARGIN, 18, 6, label, "B", 11)
            c.color(INK)
            self.title(group.name, 24, 20, 10)
            y = 40.0
            for heading, value in fields:
                c.draw_fit(MARGIN, y, 6, _("{field}:").format(field=heading), 20, "B", 10, 7)
                if value:
                    c.draw_fit(MARGIN + 22, y, 6, value, CONTENT_W - 22, "", 10, 8)
                else:
                    c.rule(MARGIN + 22, y + 5, MARGIN + 110, y + 5, RULE_DARK, 0.25)
                y += 6
            self.attendance_table(table_y, rows, *spans[0])

        pages: list[Page] = [first_page]
        for start, end in spans[1:]:

            def more(start: int = start, end: int = end) -> None:
                self.attendance_table(self.continued(group, label), rows, start, end)

            pages.append(more)
        return pages

    def attendance_table(
        self, y: float, rows: Sequence[RosterMember | None], start: int, end: int
    ) -> None:
        c = self.canvas
        columns = self.attendance_columns
        top = y
        y = self.table_head(y, columns, 8.0)
        h = ATTENDANCE_ROW_H
        widths = [width for _heading, width in columns]
        for index in range(start, end):
            member = rows[index]
            x = MARGIN
            c.color(MUTED)
            c.draw(x, y, h, str(index + 1), "", 9, align="R", width=widths[0] - 2)
            c.color(INK)
            x += widths[0]
            if member is not None:
                c.draw_fit(x + CELL_PAD, y, h, member.name, widths[1] - 2 * CELL_PAD, "B", 10, 7)
                c.draw_fit(
                    x + widths[1] + CELL_PAD,
                    y,
                    h,
                    member.programme,
                    widths[2] - 2 * CELL_PAD,
                    "",
                    9,
                    7,
                )
            box_x = MARGIN + sum(widths[:3]) + (widths[3] - 5) / 2
            c.pdf.set_draw_color(*RULE_DARK)
            c.pdf.set_line_width(0.3)
            c.pdf.rect(box_x, y + (h - 5) / 2, 5, 5)
            y += h
            c.rule(MARGIN, y, PAGE_W - MARGIN, y, RULE, 0.2)
        x = MARGIN
        for width in widths[:-1]:
            x += width
            c.rule(x, top, x, y, RULE, 0.2)

    # Leader's pack cover

    def cover_page(self, leader: Contact, groups: Sequence[RosterGroup]) -> Page:
        c = self.canvas
        label = _("Leader's pack")
        tips = [
            c.wrap(tip, CONTENT_W - 6, "", 10)
            for tip in (
                _("Meet somewhere easy to find, and wait at the entrance so nobody has to look."),
                _("Send a message the day before: time, place and your phone number."),
                _("Learn the names: use the list, and introduce people to each other."),
                _(
                    "Keep it low-threshold: coffee or a walk is plenty. Nobody has to be good at "
                    "anything, and anyone may leave when they like."
                ),
            )
        ]
        tips_h = 9 + sum(5 * len(lines) + 2 for lines in tips)
        list_y, entry_h = 66.0, 11.5
        room = math.floor((CONTENT_BOTTOM - tips_h - 6 - list_y) / entry_h)
        shown = list(groups) if len(groups) <= room else list(groups)[: max(room - 1, 0)]

        def page() -> None:
            self.header(label)
            c.color(MUTED)
            c.draw(MARGIN, 18, 6, label, "B", 11)
            c.color(INK)
            self.title(leader.name, 25, 24, 12)
            c.draw_fit(MARGIN, 38, 6, self.roster.round_name, CONTENT_W, "", 12, 9)
            contact = " · ".join(value for value in (leader.phone, leader.email) if value)
            c.color(MUTED)
            c.draw_fit(MARGIN, 44, 5, contact, CONTENT_W, "", 9.5, 7)
            c.color(INK)
            c.draw(MARGIN, 55, 8, _("Your groups"), "B", 13)
            y = list_y
            for group in shown:
                facts = [group.name, self.member_count(len(group.members))]
                if group.campus:
                    facts.append(group.campus)
                c.draw_fit(MARGIN, y, 5.5, " · ".join(facts), CONTENT_W, "B", 10.5, 8)
                where = group.meeting.place or _("place to be agreed")
                meeting = _("First meeting: {when} · {where} · {activity}").format(
                    when=self.meeting_when(group),
                    where=where,
                    activity=self.meeting_activity(group),
                )
                c.color(MUTED)
                c.draw_fit(MARGIN, y + 5.5, 5, meeting, CONTENT_W, "", 9.5, 7.5)
                c.color(INK)
                y += entry_h
            if len(shown) < len(groups):
                more = len(groups) - len(shown)
                c.draw(
                    MARGIN,
                    y,
                    5.5,
                    _("… and {n} more: see the pages that follow.").format(n=more),
                    "",
                    10,
                )
                y += entry_h
            y += 4
            c.rule(MARGIN, y, PAGE_W - MARGIN, y)
            y += 2
            c.draw(MARGIN, y, 8, _("Tips for leaders"), "B", 13)
            y += 9
            for lines in tips:
                c.draw(MARGIN + 1, y, 5, "•", "B", 10)
                for line in lines:
                    c.draw(MARGIN + 6, y, 5, line, "", 10)
                    y += 5
                y += 2

        return page


def render_roster_pdf(
    roster: Roster,
    *,
    kind: Kind = "rosters",
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    printed_on: dt.date | None = None,
) -> bytes:
    """A PDF of the roster's groups: `rosters`, `attendance` sheets or a leader's `pack`.

    `progress(done, total)` is called after each group; when `cancelled()` turns true the
    work stops with `RenderCancelled`. `printed_on` is the date in the header (today).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if not roster.groups:
        raise SpleisError(_("There are no groups to print in this round."))
    doc = _Document(roster, printed_on or dt.date.today())
    # Each unit is the pages of one group (`True`) or a cover (`False`).
    units: list[tuple[list[Page], bool]] = []

    def group_unit(group: RosterGroup) -> None:
        pages: list[Page] = []
        if kind in ("rosters", "pack"):
            pages += doc.roster_pages(group)
        if kind in ("attendance", "pack"):
            pages += doc.attendance_pages(group)
        units.append((pages, True))

    if kind == "pack":
        by_leader: dict[int, list[RosterGroup]] = {}
        for group in roster.groups:
            if group.leader is not None and group.leader_id is not None:
                by_leader.setdefault(group.leader_id, []).append(group)
        for groups in by_leader.values():
            leader = groups[0].leader
            assert leader is not None
            units.append(([doc.cover_page(leader, groups)], False))
            for group in groups:
                group_unit(group)
        for group in roster.groups:
            if group.leader is None or group.leader_id is None:
                group_unit(group)
    else:
        for group in roster.groups:
            group_unit(group)

    pdf = doc.canvas.pdf
    titles = {
        "rosters": _("Rosters — {round}"),
        "attendance": _("Attendance sheets — {round}"),
        "pack": _("Leader's packs — {round}"),
    }
    pdf.set_title(titles[kind].format(round=roster.round_name))
    pdf.set_creator("Spleis")
    pdf.set_lang("nb" if current_language() == "nb" else "en")
    total_pages = sum(len(pages) for pages, _is_group in units)
    total_groups = len(roster.groups)
    done = page_no = 0
    for pages, is_group in units:
        if cancelled is not None and cancelled():
            raise RenderCancelled(_("Making the PDF was cancelled."))
        for draw in pages:
            page_no += 1
            pdf.add_page()
            doc.canvas.color(INK)
            draw()
            doc.footer(page_no, total_pages)
        if is_group:
            done += 1
            if progress is not None:
                progress(done, total_groups)
    return bytes(pdf.output())


def first_page_text(pdf_bytes: bytes) -> str:
    """The text of the first page, for a preview."""
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf_bytes))
    if not reader.pages:
        return ""
    return reader.pages[0].extract_text() or ""


def write_pdf(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write the PDF atomically, readable by the owner only (it holds personal data)."""
    target = Path(path).expanduser()
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    return target.resolve()
