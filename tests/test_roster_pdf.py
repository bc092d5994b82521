"""PDF rosters, attendance sheets and leader's packs, read back with pypdf the way a
reader (or a screen reader, or search) sees them; and printing through lp."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import stat
import subprocess
import sys
import unicodedata
from io import BytesIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from spleis_tui.core import printing, rosters
from spleis_tui.core.errors import SpleisError
from spleis_tui.core.groups import create_group, set_group_leader
from spleis_tui.core.leaders import add_leader
from spleis_tui.core.models import SignUp
from spleis_tui.core.roster_pdf import (
    RenderCancelled,
    first_page_text,
    render_roster_pdf,
    write_pdf,
)
from spleis_tui.core.signups import add_signup
from spleis_tui.i18n import set_language
from tests.factories import person

INTERNATIONAL = (
    "Kari Ødegård",
    "Łukasz Żółkiewski",
    "Nguyễn Thị Hồng",
    "王小明",
    "Александр Щукин",
    "김민준",
)
PRIVACY = (
    "This list holds personal data: share it only with the group and throw it away when the "
    "round is over."
)
MEETING_AT = dt.datetime(2027, 1, 28, 17, 0)
PRINTED = dt.date(2027, 1, 20)

_emails = itertools.count(1)


def add_members(round_id: int, group_id: int, ref, names) -> None:
    for name in names:
        email = f"member{next(_emails)}@stud.ntnu.no"
        signup = add_signup(round_id, person(name=name, email=email), ref, consent=True)
        SignUp.update(group=group_id).where(SignUp.id == signup.id).execute()


def make_group(round_id: int, ref, name: str, names=(), leader_id: int | None = None) -> int:
    group = create_group(round_id, name)
    add_members(round_id, group.id, ref, names)
    if leader_id is not None:
        set_group_leader(group.id, leader_id)
    return group.id


def make_leader(round_id: int, ref, name: str, phone: str, email: str) -> int:
    return add_leader(round_id, {"name": name, "phone": phone, "email": email}, ref).id


def render(round_id: int, **kwargs) -> bytes:
    kwargs.setdefault("printed_on", PRINTED)
    return render_roster_pdf(rosters.load_roster(round_id), **kwargs)


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages]


def font_names(data: bytes) -> set[str]:
    """The base font names of every font the pages use; each must be embedded."""
    names = set()
    for page in PdfReader(BytesIO(data)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()
            names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


def squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture
def full_group(round_id, ref):
    """One group with international names, a leader, a welcome text and a first meeting."""
    leader = make_leader(round_id, ref, "Ola Leder", "+47 912 00 000", "ola.leder@stud.ntnu.no")
    group_id = make_group(round_id, ref, "Gruppe Nord", INTERNATIONAL, leader)
    rosters.set_welcome_text(round_id, "Velkommen, alle sammen! Vi gleder oss til å møte dere.")
    rosters.set_first_meeting(
        [group_id],
        activity="Brettspill på Realfagbiblioteket",
        place="Stripa, inngang ved Hovedbygningen",
        at=MEETING_AT,
    )
    return group_id


def test_roster_shows_members_leader_welcome_and_first_meeting(round_id, full_group):
    (text,) = pages_text(render(round_id))
    for name in INTERNATIONAL:
        assert name in text
    for expected in (
        "Gruppe Nord",
        "Test round · Group roster",
        "Printed 20 January 2027",
        "Ola Leder",
        "+47 912 00 000",
        "ola.leder@stud.ntnu.no",
        "Velkommen, alle sammen! Vi gleder oss til å møte dere.",
        "Brettspill på Realfagbiblioteket",
        "Stripa, inngang ved Hovedbygningen",
        "Thursday 28 January 2027, 17:00",
        "+47 912 34 567",  # and their phones
        "Spleis · Test round · page 1 of 1",
        PRIVACY,
    ):
        assert expected in text, expected
    assert "Name" in text and "Programme" in text and "E-mail" in text and "Phone" in text
    assert text.count("@stud.ntnu.no") == len(INTERNATIONAL) + 1  # every e-mail and the leader's


def test_roster_in_norwegian_writes_the_date_the_norwegian_way(round_id, full_group):
    set_language("nb")
    try:
        (text,) = pages_text(render(round_id))
    finally:
        set_language("en")
    assert "torsdag 28. januar 2027 kl. 17:00" in text
    assert "Thursday" not in text
    assert "Łukasz Żółkiewski" in text and "王小明" in text


def test_a_group_without_plans_says_what_is_not_decided(round_id, ref):
    make_group(round_id, ref, "Gruppe Sør", ["Kari Nordmann"])
    (text,) = pages_text(render(round_id))
    assert "No leader yet" in text
    assert text.count("to be agreed") == 2  # when and where
    assert "Suggested: Coffee together" in text  # nobody chose an activity


def test_one_page_per_group_and_a_continuation_page_for_a_big_group(round_id, ref):
    make_group(round_id, ref, "Alfa", ["Anne Alfa", "Arne Alfa"])
    make_group(round_id, ref, "Bravo", ["Berit Bravo"])
    big = [f"Medlem {number:02d} Storgruppe" for number in range(1, 41)]
    make_group(round_id, ref, "Charlie", big)
    texts = pages_text(render(round_id))
    assert len(texts) == 4
    assert "Alfa" in texts[0] and "Bravo" in texts[1]
    first, continued = texts[2], texts[3]
    assert "Charlie" in first and "(continued)" not in first
    assert "Charlie (continued)" in continued
    assert "Name" in continued and "Programme" in continued  # the header row again
    for name in big:  # every member once, on one of the two pages
        assert (name in first) != (name in continued), name
    assert "page 3 of 4" in first and "page 4 of 4" in continued
    assert all(PRIVACY in text for text in texts)


def test_fonts_are_embedded_and_the_cjk_font_only_when_a_name_needs_it(round_id, ref):
    noto_only = ["Kari Ødegård", "Łukasz Żółkiewski", "Nguyễn Thị Hồng", "Александр Щукин"]
    group_id = make_group(round_id, ref, "Noto", noto_only)
    assert font_names(render(round_id)) == {"NotoSans", "NotoSansBold"}
    add_members(round_id, group_id, ref, ["王小明"])
    assert font_names(render(round_id)) == {"NotoSans", "NotoSansBold", "WenQuanYiMicroHei"}


def test_attendance_sheet_lists_everyone_with_blank_rows_for_newcomers(round_id, ref, full_group):
    make_group(round_id, ref, "Gruppe Sør", ["Kari Nordmann"])
    texts = pages_text(render(round_id, kind="attendance"))
    assert len(texts) == 2
    north, south = texts
    for text in texts:
        assert "Attendance" in text and "Signature" in text and "Present" in text
        assert PRIVACY in text
    for name in INTERNATIONAL:
        assert name in north
    lines = north.splitlines()
    for number in range(1, len(INTERNATIONAL) + 4):  # six members, then three blank rows
        assert any(line.strip().startswith(str(number)) for line in lines), number
    assert "Thursday 28 January 2027, 17:00" in north
    assert "Stripa, inngang ved Hovedbygningen" in north
    # No time or place yet: labels with a line to write on.
    assert "Date:" in south and "Place:" in south
    assert "to be agreed" not in south
    assert any(line.strip() == "4" for line in south.splitlines())  # 1 member + 3 blank rows


def test_pack_has_a_cover_per_leader_naming_only_their_groups(round_id, ref):
    anna = make_leader(round_id, ref, "Anna Leder", "+47 911 11 111", "anna@stud.ntnu.no")
    bjorn = make_leader(round_id, ref, "Bjørn Leder", "+47 922 22 222", "bjorn@stud.ntnu.no")
    make_group(round_id, ref, "Alfa", ["Anne Alfa", "Arne Alfa"], anna)
    make_group(round_id, ref, "Bravo", ["Berit Bravo"], anna)
    make_group(round_id, ref, "Charlie", ["Cecilie Charlie"], bjorn)
    make_group(round_id, ref, "Delta", ["Dag Delta"])
    texts = pages_text(render(round_id, kind="pack"))
    # Anna's cover, Alfa and Bravo (roster, attendance); Bjørn's cover, Charlie; then Delta.
    assert len(texts) == 10
    cover = texts[0]
    assert "Leader's pack" in cover and "Anna Leder" in cover
    assert "Alfa · 2 members" in cover and "Bravo · 1 member" in cover
    assert "Charlie" not in cover and "Delta" not in cover and "Bjørn" not in cover
    assert "Meet somewhere easy to find" in cover and "Send a message the day before" in cover
    assert "Alfa" in texts[1] and "Group roster" in texts[1]
    assert "Alfa" in texts[2] and "Signature" in texts[2]
    assert "Bjørn Leder" in texts[5] and "Charlie" in texts[5] and "Alfa" not in texts[5]
    assert "Delta" in texts[8] and "Delta" in texts[9]
    assert not any("Leader's pack" in text for text in texts[8:])  # no leader, no cover
    # One leader's own pack.
    own = render_roster_pdf(rosters.load_roster(round_id, leader_id=bjorn), kind="pack")
    own_texts = pages_text(own)
    assert len(own_texts) == 3 and "Bjørn Leder" in own_texts[0]


def test_markup_like_names_are_printed_literally(round_id, ref):
    odd = "[b]Kari[/b] *bold* <i>x</i>"
    make_group(round_id, ref, "**Gruppe** {nb}", [odd, "Ola {nb} Nordmann"])
    for kind in ("rosters", "attendance"):
        text = pages_text(render(round_id, kind=kind))[0]
        assert odd in text
        assert "Ola {nb} Nordmann" in text and "**Gruppe** {nb}" in text


def test_letters_no_font_has_show_as_a_replacement_mark_not_as_nothing(round_id, ref, caplog):
    make_group(round_id, ref, "Alfa", ["Ahmed أحمد Kari", "Ola Nordmann 😀"])
    text = pages_text(render(round_id))[0]
    assert "Ahmed \ufffd\ufffd\ufffd\ufffd Kari" in text
    assert "Ola Nordmann \ufffd" in text
    assert "missing the following glyphs" not in caplog.text


def test_an_empty_round_cannot_be_printed(round_id):
    for kind in ("rosters", "attendance", "pack"):
        with pytest.raises(SpleisError, match="no groups to print"):
            render(round_id, kind=kind)


def test_progress_counts_groups_and_cancel_stops_the_work(round_id, ref):
    for name in ("Alfa", "Bravo", "Charlie"):
        make_group(round_id, ref, name, [f"{name} Person"])
    calls = []
    render(round_id, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]

    calls.clear()
    with pytest.raises(RenderCancelled) as caught:
        render(
            round_id,
            kind="pack",
            progress=lambda done, total: calls.append((done, total)),
            cancelled=lambda: len(calls) >= 2,
        )
    assert isinstance(caught.value, SpleisError)  # shown as one line, like any user error
    assert calls == [(1, 3), (2, 3)]


def test_first_page_text_is_the_first_page_only(round_id, ref):
    make_group(round_id, ref, "Alfa", ["Anne Alfa"])
    make_group(round_id, ref, "Bravo", ["Berit Bravo"])
    text = first_page_text(render(round_id))
    assert "Anne Alfa" in text and "Bravo" not in text


def test_long_values_are_shortened_to_fit_never_wrapped(db, ref):
    from spleis_tui.core.rounds import create_round

    round_id = create_round("Vennespleis med et svært langt navn " * 5).id
    long_name = "Kari " + "Langnavnsen-" * 8 + "Nordmann"
    make_group(round_id, ref, "Alfa", [long_name, "Ola Nordmann"])
    text = pages_text(render(round_id))[0]
    row = next(line for line in text.splitlines() if line.startswith("Kari Langnavnsen"))
    assert "…" in row and long_name not in text
    assert "Ola Nordmann" in text
    # The round's name gives way; what the header and footer say after it stays.
    assert "… · Group roster" in text and "… · page 1 of 1" in text


def test_importing_the_module_does_not_import_fpdf():
    code = "import sys, spleis_tui.core.roster_pdf; print('fpdf' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False"


# Writing and printing


def test_write_pdf_makes_a_private_file_atomically(tmp_path):
    target = tmp_path / "rosters.pdf"
    target.write_bytes(b"old")
    target.chmod(0o644)
    written = write_pdf(target, b"%PDF-1.7 new")
    assert written == target.resolve()
    assert target.read_bytes() == b"%PDF-1.7 new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["rosters.pdf"]  # no temp file left


def test_write_pdf_into_a_missing_folder_fails_and_leaves_nothing(tmp_path):
    with pytest.raises(OSError):
        write_pdf(tmp_path / "missing" / "rosters.pdf", b"%PDF")
    assert os.listdir(tmp_path) == []


def test_write_pdf_that_fails_midway_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "rosters.pdf"
    target.write_bytes(b"old")

    def broken_replace(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_pdf(target, b"%PDF new")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["rosters.pdf"]


def fake_printer(tmp_path, name: str, script: str) -> tuple[str, object]:
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    program = folder / name
    program.write_text("#!/bin/sh\n" + script)
    program.chmod(0o755)
    return str(folder), tmp_path / "args.txt"


def test_print_pdf_without_lp_or_lpr_returns_none(tmp_path, monkeypatch):
    monkeypatch.setattr(printing.shutil, "which", lambda name: None)
    assert printing.print_pdf(tmp_path / "rosters.pdf") is None


def test_print_pdf_sends_the_file_to_lp(tmp_path, monkeypatch):
    args = tmp_path / "args.txt"
    folder, _ = fake_printer(
        tmp_path, "lp", f"printf '%s\\n' \"$@\" > '{args}'\necho 'request id is x-1 (1 file(s))'\n"
    )
    monkeypatch.setenv("PATH", folder)
    pdf = tmp_path / "rosters.pdf"
    pdf.write_bytes(b"%PDF")
    said = printing.print_pdf(pdf)
    assert said is not None and "lp" in said and "request id is x-1" in said
    assert args.read_text().splitlines() == [str(pdf.resolve())]


def test_print_pdf_uses_lpr_when_there_is_no_lp(tmp_path, monkeypatch):
    args = tmp_path / "args.txt"
    folder, _ = fake_printer(tmp_path, "lpr", f"printf '%s\\n' \"$@\" > '{args}'\n")
    monkeypatch.setenv("PATH", folder)
    pdf = tmp_path / "rosters.pdf"
    pdf.write_bytes(b"%PDF")
    assert printing.print_pdf(pdf) == "Sent to the printer with lpr."
    assert args.read_text().strip() == str(pdf.resolve())


def test_print_pdf_reports_what_a_failing_lp_said(tmp_path, monkeypatch):
    folder, _ = fake_printer(
        tmp_path, "lp", "echo 'lp: The printer or class does not exist.' >&2\nexit 1\n"
    )
    monkeypatch.setenv("PATH", folder)
    pdf = tmp_path / "rosters.pdf"
    pdf.write_bytes(b"%PDF")
    with pytest.raises(SpleisError, match="The printer or class does not exist"):
        printing.print_pdf(pdf)


# Any name, in any of the scripts NTNU's students write their names in.

LETTERS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZæøåÆØÅäöüß"
    "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"
    "ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
    "αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ"
    "абвгдежзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹小明华伟芳"
    "김이박최정강조윤장임한오서신권황안송류전홍민준서연지호"
)
names_strategy = st.text(alphabet=LETTERS + " ", min_size=1, max_size=40).filter(
    lambda name: name.strip() != ""
)
_groups = itertools.count(1)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(names=st.lists(names_strategy, min_size=1, max_size=4))
def test_any_name_is_printed_whole_or_visibly_shortened(round_id, ref, names):
    group_id = make_group(round_id, ref, f"Gruppe {next(_groups)}", names)
    roster = rosters.load_roster(round_id, group_id=group_id)
    page = squash(first_page_text(render_roster_pdf(roster, printed_on=PRINTED)))
    for member in roster.groups[0].members:
        expected = " ".join(unicodedata.normalize("NFC", member.name).split())
        if len(expected) <= 20:
            assert squash(expected) in page, expected
        elif squash(expected) not in page:
            # Too wide for its column even in small type: its start, then "…".
            start = squash(expected[:20])
            assert start in page and "…" in page.split(start, 1)[1], expected
