"""Importing form exports: formats, rules, idempotent re-imports, one transaction."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json

import pytest

from spleis_tui.core import db as core_db
from spleis_tui.core.errors import SpleisError
from spleis_tui.core.importing import profiles
from spleis_tui.core.importing.convert import parse_moment
from spleis_tui.core.importing.mapping import CHECKBOX, DUPLICATE, METADATA, UNKNOWN, detect_mapping
from spleis_tui.core.importing.run import ImportOptions, import_file, preview
from spleis_tui.core.importing.sources import ImportFileError, open_source
from spleis_tui.core.models import Option, Person, SignUp, SignUpHistory
from spleis_tui.core.rounds import set_round_status

GOOGLE_HEADER = [
    "Timestamp",
    "Email address",
    "Full name",
    "Phone number",
    "Gender",
    "Age",
    "Campus",
    "Study programme",
    "Year of study",
    "Language",
    "Interests",
    "When are you available?",
    "Comments",
    "I consent to NTNU storing my answers",
]


def google_row(email, name="Kari Nordmann", **changes):
    row = {
        "Timestamp": "2027/01/11 09:01:00 AM GMT+1",
        "Email address": email,
        "Full name": name,
        "Phone number": "+47 912 34 567",
        "Gender": "Woman",
        "Age": "21",
        "Campus": "Gløshaugen",
        "Study programme": "Informatics",
        "Year of study": "2",
        "Language": "Norwegian",
        "Interests": "Board games, Hiking and the outdoors",
        "When are you available?": "Weekdays, evening, Weekends",
        "Comments": "",
        "I consent to NTNU storing my answers": "Yes",
    }
    row.update(changes)
    return [row[h] for h in GOOGLE_HEADER]


def write_csv(path, rows, *, header=GOOGLE_HEADER, delimiter=",", encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def signup(round_id, email):
    return (
        SignUp.select()
        .join(Person)
        .where((SignUp.round == round_id) & (Person.email_key == email.lower()))
        .get()
    )


def count(round_id):
    return SignUp.select().where(SignUp.round == round_id).count()


# Reading files


def test_a_google_row_is_stored_with_codes(round_id, tmp_path):
    path = write_csv(tmp_path / "google.csv", [google_row("kari@stud.ntnu.no")])
    report = import_file(path, round_id)
    assert (report.rows_read, report.imported, report.rejected) == (1, 1, 0)
    kari = signup(round_id, "kari@stud.ntnu.no")
    assert (kari.name, kari.gender, kari.age, kari.campus) == (
        "Kari Nordmann",
        "woman",
        21,
        "gloshaugen",
    )
    assert kari.programme == "BIT"  # "Informatics", by its English name
    assert kari.interest_codes == ["boardgames", "hiking"]
    # "Weekdays, evening" holds the separator itself; "Weekends" stands for both weekend times.
    assert kari.availability_codes == ["weekday_evening", "weekend_day", "weekend_evening"]
    assert kari.phone == "+47 912 34 567"
    assert kari.submitted_at == dt.datetime(2027, 1, 11, 8, 1)  # GMT+1 is 08:01 UTC
    assert kari.consent_at == kari.submitted_at


def test_phone_numbers_keep_their_plus_and_leading_zeros(round_id, tmp_path):
    rows = [
        google_row("a@stud.ntnu.no", **{"Phone number": "004791234567"}),
        google_row("b@stud.ntnu.no", **{"Phone number": "+4791234567"}),
    ]
    import_file(write_csv(tmp_path / "p.csv", rows), round_id)
    assert signup(round_id, "a@stud.ntnu.no").phone == "004791234567"
    assert signup(round_id, "b@stud.ntnu.no").phone == "+4791234567"


def test_semicolons_are_found_even_with_commas_inside_fields(round_id, tmp_path):
    rows = [google_row(f"p{i}@stud.ntnu.no", Comments="Hei, hei; og hade") for i in range(5)]
    path = write_csv(tmp_path / "semi.csv", rows, delimiter=";")
    with open_source(path) as source:
        assert source.info.delimiter == ";"
    assert import_file(path, round_id).imported == 5


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("utf-16", "utf-16")],
)
def test_the_encoding_is_found(round_id, tmp_path, encoding, expected):
    path = write_csv(
        tmp_path / "enc.csv", [google_row("a@stud.ntnu.no", name="Åse Ødegård")], encoding=encoding
    )
    with open_source(path) as source:
        assert source.info.encoding == expected
    import_file(path, round_id)
    assert signup(round_id, "a@stud.ntnu.no").name == "Åse Ødegård"


def test_bytes_that_are_neither_utf8_nor_cp1252_are_refused_not_guessed(round_id, tmp_path):
    path = tmp_path / "bad.csv"
    # 0x81 is undefined in cp1252 and invalid UTF-8: latin-1 would accept it silently.
    path.write_bytes(b"name,email\r\nKari \x81,kari@stud.ntnu.no\r\n")
    with pytest.raises(ImportFileError, match="neither UTF-8 nor Windows-1252"):
        import_file(path, round_id)
    assert count(round_id) == 0
    # The user can name the encoding.
    report = import_file(path, round_id, ImportOptions(encoding="latin-1"))
    assert report.imported == 1


def test_an_xlsx_formula_typed_as_a_name_is_kept_literally(round_id, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["E-postadresse", "Navn", "Alder", "Kommentar"])
    sheet.append(["a@stud.ntnu.no", '=HYPERLINK("http://x.invalid","Klikk")', 22, "=1+1"])
    sheet.append(["b@stud.ntnu.no", "Bjørn", 23.0, None])
    book.save(tmp_path / "f.xlsx")
    report = import_file(tmp_path / "f.xlsx", round_id)
    assert report.imported == 2
    a = signup(round_id, "a@stud.ntnu.no")
    assert a.name == '=HYPERLINK("http://x.invalid","Klikk")'
    assert a.comment == "=1+1"
    assert signup(round_id, "b@stud.ntnu.no").age == 23


def test_ods_is_read_like_xlsx(round_id, tmp_path):
    pytest.importorskip("odf")
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Skjema")
    for values in (
        ["Fullt navn", "E-post", "Telefon"],
        ["Ola Nordmann", "ola@stud.ntnu.no", "0047 900"],
    ):
        row = TableRow()
        for value in values:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(tmp_path / "skjema.ods"))
    report = import_file(tmp_path / "skjema.ods", round_id)
    assert report.imported == 1
    assert signup(round_id, "ola@stud.ntnu.no").phone == "0047 900"


def test_a_file_that_is_no_export_says_so_in_one_line(round_id, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportFileError, match="empty"):
        import_file(empty, round_id)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ImportFileError, match=r"broken\.xlsx"):
        import_file(broken, round_id)
    with pytest.raises(ImportFileError, match="no such file"):
        import_file(tmp_path / "missing.csv", round_id)


# Mapping


def test_headers_are_recognised_in_norwegian_and_english():
    mapping = detect_mapping(
        [
            "ID",
            "Starttidspunkt",
            "Fullføringstidspunkt",
            "E-postadresse",
            "Navn",
            "Fullt navn",
            "Studieprogram\xa0",
            "Melder du deg på sammen med en venn? (e-post)",
            "interesser.tur",
            "Skonummer",
        ]
    )
    roles = {c.header: (c.role, c.field) for c in mapping.columns}
    assert roles["ID"][0] == METADATA
    assert roles["Fullføringstidspunkt"] == ("field", "submitted_at")
    assert roles["Navn"] == (DUPLICATE, "name")  # the question wins over the metadata
    assert roles["Fullt navn"] == ("field", "name")
    assert roles["Studieprogram\xa0"] == ("field", "programme")
    assert roles["Melder du deg på sammen med en venn? (e-post)"] == ("field", "friend_email")
    assert roles["interesser.tur"] == (CHECKBOX, "interests")
    assert roles["Skonummer"][0] == UNKNOWN


def test_unknown_columns_are_dropped_unless_mapped(round_id, tmp_path):
    header = [*GOOGLE_HEADER, "Skonummer"]
    path = write_csv(tmp_path / "x.csv", [[*google_row("a@stud.ntnu.no"), "42"]], header=header)
    report = import_file(path, round_id)
    assert [c.header for c in report.mapping.unused] == ["Skonummer"]
    assert "42" not in json.dumps(SignUp.select().dicts().get(), default=str)
    report = import_file(path, round_id, ImportOptions(overrides=[("comment", "Skonummer")]))
    assert report.updated == 1
    assert signup(round_id, "a@stud.ntnu.no").comment == "42"


def test_first_and_last_name_columns_make_the_name(round_id, tmp_path):
    path = write_csv(
        tmp_path / "n.csv",
        [["Kari", "Nordmann", "kari@stud.ntnu.no"]],
        header=["Fornavn", "Etternavn", "E-post"],
    )
    import_file(path, round_id)
    assert signup(round_id, "kari@stud.ntnu.no").name == "Kari Nordmann"


def test_a_saved_profile_maps_the_next_export_the_same_way(round_id, tmp_path):
    header = ["Hvem er du", "Adresse for svar"]
    path = write_csv(tmp_path / "odd.csv", [["Kari", "kari@stud.ntnu.no"]], header=header)
    with pytest.raises(ImportFileError, match="e-mail"):
        import_file(path, round_id)
    options = ImportOptions(overrides=[("name", "Hvem er du"), ("email", "Adresse for svar")])
    report = import_file(path, round_id, options, dry_run=True)
    profiles.save_profile("Vårt skjema", report.mapping)
    report = import_file(path, round_id, ImportOptions(profile="vårt skjema"))
    assert report.imported == 1
    with pytest.raises(SpleisError, match="No import profile"):
        import_file(path, round_id, ImportOptions(profile="nobody"))


def test_a_mapping_without_an_email_column_imports_nothing(round_id, tmp_path):
    path = write_csv(tmp_path / "x.csv", [google_row("a@stud.ntnu.no")])
    with pytest.raises(ImportFileError, match="No column holds the e-mail"):
        import_file(path, round_id, ImportOptions(overrides=[("email", "")]))
    assert count(round_id) == 0


# The rules for rows


def test_broken_rows_land_in_the_bucket_their_fault_implies(round_id, tmp_path):
    rows = [
        google_row("ok@stud.ntnu.no"),
        google_row(""),
        google_row("ola.nordmann(at)stud.ntnu.no"),
        google_row("noname@stud.ntnu.no", name="   "),
        google_row("tjue@stud.ntnu.no", Age="tjue"),
        google_row("sju@stud.ntnu.no", Age="7"),
        google_row("oslo@stud.ntnu.no", Campus="Oslo"),
        google_row("markup@stud.ntnu.no", name="[bold red]Kari[/] [@click=app.quit]N[/]"),
        google_row("formula@stud.ntnu.no", name='=HYPERLINK("http://x","y")'),
        google_row("esc@stud.ntnu.no", name="Per \x1b[31mRød\x1b[0m Hansen\u202e"),
        google_row("nope@stud.ntnu.no", **{"I consent to NTNU storing my answers": "No"}),
    ]
    report = import_file(write_csv(tmp_path / "messy.csv", rows), round_id)
    assert report.rows_read == 11
    assert (report.imported, report.updated, report.unchanged, report.rejected) == (7, 0, 0, 4)
    assert [r for r, _ in report.rejects] == [3, 4, 5, 12]
    assert "no e-mail" in report.rejects[0][1]
    assert "not an e-mail address" in report.rejects[1][1]
    assert "no name" in report.rejects[2][1]
    assert "privacy note" in report.rejects[3][1]
    tjue = signup(round_id, "tjue@stud.ntnu.no")
    assert tjue.age is None
    assert "tjue" in tjue.import_warnings
    assert signup(round_id, "sju@stud.ntnu.no").age is None
    oslo = signup(round_id, "oslo@stud.ntnu.no")
    assert oslo.campus == "Oslo"
    assert "not a known campus" in oslo.import_warnings
    assert signup(round_id, "markup@stud.ntnu.no").name == "[bold red]Kari[/] [@click=app.quit]N[/]"
    assert signup(round_id, "formula@stud.ntnu.no").name == '=HYPERLINK("http://x","y")'
    escaped = signup(round_id, "esc@stud.ntnu.no")
    assert escaped.name == "Per Rød Hansen"
    assert escaped.cleaned
    assert not signup(round_id, "markup@stud.ntnu.no").cleaned


def test_the_same_email_twice_keeps_the_later_and_the_earlier_as_history(round_id, tmp_path):
    rows = [
        google_row("eli@stud.ntnu.no", name="Eli Moen"),
        google_row(
            "ELI@STUD.NTNU.NO",
            name="Eli Moen",
            Timestamp="2027/01/14 12:57:00 PM GMT+1",
            Comments="Sendte skjemaet to ganger",
        ),
    ]
    report = import_file(write_csv(tmp_path / "twice.csv", rows), round_id)
    assert (report.imported, report.updated) == (1, 1)
    assert report.duplicates and "rows 2 and 3" in report.duplicates[0]
    eli = signup(round_id, "eli@stud.ntnu.no")
    assert eli.comment == "Sendte skjemaet to ganger"
    history = list(SignUpHistory.select().where(SignUpHistory.signup == eli.id))
    assert len(history) == 1
    assert json.loads(history[0].answers)["comment"] == ""


def test_an_earlier_answer_after_a_later_one_does_not_win(round_id, tmp_path):
    rows = [
        google_row("eli@stud.ntnu.no", Timestamp="2027/01/14 12:57:00 PM GMT+1", Comments="ny"),
        google_row("eli@stud.ntnu.no", Comments="gammel"),
    ]
    report = import_file(write_csv(tmp_path / "twice.csv", rows), round_id)
    assert (report.imported, report.unchanged) == (1, 1)
    assert signup(round_id, "eli@stud.ntnu.no").comment == "ny"


def test_reimporting_the_same_export_changes_nothing(round_id, tmp_path):
    rows = [google_row(f"p{i}@stud.ntnu.no") for i in range(20)]
    path = write_csv(tmp_path / "g.csv", rows)
    first = import_file(path, round_id)
    second = import_file(path, round_id)
    assert first.imported == 20
    assert (second.imported, second.updated, second.unchanged) == (0, 0, 20)
    assert count(round_id) == 20
    assert SignUpHistory.select().count() == 0


def test_a_newer_export_adds_the_new_and_updates_the_changed(round_id, tmp_path):
    rows = [google_row(f"p{i}@stud.ntnu.no") for i in range(5)]
    import_file(write_csv(tmp_path / "v1.csv", rows), round_id)
    rows[2] = google_row("p2@stud.ntnu.no", Timestamp="2027/01/12 10:00:00 AM GMT+1", Age="30")
    rows.append(google_row("late@stud.ntnu.no", Timestamp="2027/01/20 10:00:00 AM GMT+1"))
    report = import_file(write_csv(tmp_path / "v2.csv", rows), round_id)
    assert (report.imported, report.updated, report.unchanged) == (1, 1, 4)
    assert signup(round_id, "p2@stud.ntnu.no").age == 30
    assert count(round_id) == 6


def test_a_file_without_a_column_leaves_that_field_as_stored(round_id, tmp_path):
    import_file(write_csv(tmp_path / "full.csv", [google_row("a@stud.ntnu.no")]), round_id)
    path = write_csv(
        tmp_path / "few.csv", [["a@stud.ntnu.no", "Kari Nordmann"]], header=["E-post", "Navn"]
    )
    report = import_file(path, round_id)
    assert report.unchanged == 1
    assert signup(round_id, "a@stud.ntnu.no").phone == "+47 912 34 567"


def test_an_edit_made_in_the_app_survives_a_reimport_of_the_same_file(round_id, tmp_path, ref):
    from spleis_tui.core.signups import update_signup

    path = write_csv(tmp_path / "g.csv", [google_row("a@stud.ntnu.no")])
    import_file(path, round_id)
    update_signup(signup(round_id, "a@stud.ntnu.no").id, {"age": 22}, ref)
    assert import_file(path, round_id).unchanged == 1
    assert signup(round_id, "a@stud.ntnu.no").age == 22


def test_withdrawn_people_stay_withdrawn_after_a_reimport(round_id, tmp_path):
    from spleis_tui.core.signups import set_status

    path = write_csv(tmp_path / "g.csv", [google_row("a@stud.ntnu.no")])
    import_file(path, round_id)
    set_status(signup(round_id, "a@stud.ntnu.no").id, "withdrawn")
    changed = write_csv(tmp_path / "g2.csv", [google_row("a@stud.ntnu.no", Age="25")])
    assert import_file(changed, round_id).updated == 1
    assert signup(round_id, "a@stud.ntnu.no").status == "withdrawn"


def test_unknown_interests_become_options_and_known_extras_get_both_labels(round_id, tmp_path):
    rows = [google_row("a@stud.ntnu.no", Interests="Skating, Sjakk, Board games")]
    report = import_file(write_csv(tmp_path / "o.csv", rows), round_id)
    assert {o[1] for o in report.new_options} == {"skating", "sjakk"}
    skating = Option.get((Option.kind == "interest") & (Option.code == "skating"))
    assert (skating.label_nb, skating.label_en) == ("Skøyter", "Skating")
    assert signup(round_id, "a@stud.ntnu.no").interest_codes == ["skating", "sjakk", "boardgames"]


# Transactions, dry runs, rejects


def test_a_dry_run_saves_nothing_and_reports_the_same(round_id, tmp_path):
    rows = [google_row(f"p{i}@stud.ntnu.no", Interests="Sjakk") for i in range(3)] + [
        google_row("")
    ]
    path = write_csv(tmp_path / "g.csv", rows)
    dry = import_file(path, round_id, dry_run=True)
    assert count(round_id) == 0
    assert Option.select().where(Option.code == "sjakk").count() == 0
    assert not (tmp_path / "g-rejects.csv").exists()
    real = import_file(path, round_id)
    assert (dry.imported, dry.rejected) == (real.imported, real.rejected) == (3, 1)


def test_a_failure_halfway_writes_nothing(round_id, tmp_path, monkeypatch):
    from spleis_tui.core.importing import run

    rows = [google_row(f"p{i}@stud.ntnu.no") for i in range(2500)]
    path = write_csv(tmp_path / "big.csv", rows)
    calls = []

    def failing(model, fields, values):
        calls.append(model)
        if len(calls) > 3:
            raise OSError("disk full")
        return core_db.bulk_insert(model, fields, values)

    monkeypatch.setattr(run, "bulk_insert", failing)
    with pytest.raises(OSError):
        import_file(path, round_id)
    assert count(round_id) == 0
    assert Person.select().count() == 0


def test_a_cancelled_import_saves_nothing(round_id, tmp_path):
    from spleis_tui.core.importing.run import ImportCancelled

    path = write_csv(tmp_path / "g.csv", [google_row(f"p{i}@stud.ntnu.no") for i in range(600)])
    with pytest.raises(ImportCancelled):
        import_file(path, round_id, cancelled=lambda: True)
    assert count(round_id) == 0


def test_a_closed_round_takes_no_import(round_id, tmp_path):
    set_round_status(round_id, "closed")
    with pytest.raises(SpleisError, match="closed"):
        import_file(write_csv(tmp_path / "g.csv", [google_row("a@stud.ntnu.no")]), round_id)


def test_rejected_rows_go_to_a_file_that_can_be_fixed_and_imported(round_id, tmp_path):
    rows = [google_row("ok@stud.ntnu.no"), google_row("kari(at)stud.ntnu.no", name="=Kari")]
    report = import_file(write_csv(tmp_path / "g.csv", rows), round_id)
    rejects = tmp_path / "g-rejects.csv"
    assert report.rejects_path == str(rejects)
    assert rejects.stat().st_mode & 0o077 == 0
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == [*GOOGLE_HEADER, "spleis_reason"]
    assert table[1][2] == "'=Kari"  # no formula when Excel opens it
    assert "not an e-mail address" in table[1][-1]
    table[1][1] = "kari@stud.ntnu.no"
    with rejects.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(table)
    fixed = import_file(rejects, round_id)
    assert fixed.imported == 1
    assert signup(round_id, "kari@stud.ntnu.no").name == "=Kari"


def test_the_preview_shows_rows_as_they_will_be_stored(round_id, tmp_path):
    rows = [google_row("a@stud.ntnu.no", Age="tjue"), google_row("")]
    shown = preview(write_csv(tmp_path / "g.csv", rows), ImportOptions())
    assert shown.source.delimiter == ","
    assert shown.rows[0].values["age"] is None and shown.rows[0].warnings
    assert shown.rows[1].reject
    assert count(round_id) == 0


# Timestamps


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2027-01-11T09:01:00+01:00", dt.datetime(2027, 1, 11, 8, 1)),
        ("2027/01/11 09:01:00 PM GMT+1", dt.datetime(2027, 1, 11, 20, 1)),
        ("2027/07/11 12:00:00 AM GMT+2", dt.datetime(2027, 7, 10, 22, 0)),
        ("11.01.2027 09:01:00", dt.datetime(2027, 1, 11, 8, 1)),
        ("11.07.2027 09:01", dt.datetime(2027, 7, 11, 7, 1)),  # summer time in Oslo
        ("1/11/2027 9:01:00 AM", dt.datetime(2027, 1, 11, 8, 1)),
        ("2027-01-11 09:01:00", dt.datetime(2027, 1, 11, 8, 1)),
        ("46398.5", dt.datetime(2027, 1, 11, 11, 0)),
    ],
)
def test_timestamps_of_every_form_are_read(text, utc):
    assert parse_moment(text) == utc


def test_an_unreadable_timestamp_is_a_warning(round_id, tmp_path):
    rows = [google_row("a@stud.ntnu.no", Timestamp="i går")]
    report = import_file(write_csv(tmp_path / "g.csv", rows), round_id)
    assert report.imported == 1 and report.rows_with_warnings == 1


def test_utf16_without_a_bom_is_named(round_id, tmp_path):
    path = tmp_path / "u.txt"
    path.write_bytes("Navn\tE-post\r\nKari\tk@stud.ntnu.no\r\n".encode("utf-16-le"))
    with pytest.raises(ImportFileError, match="utf-16-le"):
        import_file(path, round_id)
    report = import_file(path, round_id, ImportOptions(encoding="utf-16-le"))
    assert report.imported == 1


def test_codecs_names_are_checked():
    from spleis_tui.core.importing.sources import check_encoding

    assert check_encoding("UTF8") == codecs.lookup("utf-8").name
    with pytest.raises(ImportFileError):
        check_encoding("klingon")


def test_a_dropped_checkbox_column_given_back_counts_ticks_again():
    mapping = detect_mapping(["E-post", "Navn", "interesser.tur"])
    dropped = mapping.with_column(2, "")
    again = dropped.with_column(2, "interests")
    assert again.columns[2].role == CHECKBOX
    assert again.checkboxes("interests") == [(2, "tur")]
