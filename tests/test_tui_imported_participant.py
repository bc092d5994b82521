"""A participant an import flagged can be opened, fixed and saved in the app."""

from __future__ import annotations

import csv

from textual.widgets import Label, Select

from spleis_tui.app import SpleisApp
from spleis_tui.core.importing.run import import_file
from spleis_tui.core.models import SignUp
from spleis_tui.screens.participant_form import ParticipantForm
from tests.tui_helpers import settle

SIZE = (100, 40)


async def test_an_unknown_campus_from_an_import_is_asked_for_and_the_note_shown(round_id, tmp_path):
    path = tmp_path / "skjema.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Navn", "E-post", "Campus", "Alder", "Studieprogram"])
        writer.writerow(["Kari Oslo", "kari@stud.ntnu.no", "Oslo", "tjue", "Musikkteknologi"])
    assert import_file(path, round_id).imported == 1
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ParticipantForm)
        note = str(form.query_one("#import-warnings", Label).render())
        assert "Oslo is not a known campus" in note and "tjue" in note
        assert form.query_one("#f-campus", Select).value is Select.NULL
        # Saving without a campus names the field; choosing one saves.
        form.query_one("#f-campus", Select).value = "gloshaugen"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ParticipantForm)
        kari = SignUp.get()
        assert kari.campus == "gloshaugen" and kari.programme == ""
