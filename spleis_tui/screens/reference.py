"""Reference data: campuses, programmes and answer options, which the user can extend."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, Select, SelectionList, TabbedContent

from spleis_tui.core.models import Department
from spleis_tui.core.reference import add_campus, add_option, add_programme
from spleis_tui.i18n import N_, _, current_language
from spleis_tui.screens.base import SpleisScreen
from spleis_tui.screens.form import SpleisForm
from spleis_tui.widgets.plain import plain

TABS = (
    ("campuses", N_("Campuses")),
    ("programmes", N_("Programmes")),
    ("interest", N_("Interests")),
    ("availability", N_("Availability")),
)


class ReferenceScreen(SpleisScreen):
    SECTION = "rounds"  # reached from Rounds (d); it has no function key of its own
    TITLE_TEXT = N_("Reference data")

    BINDINGS = [Binding("a", "add", N_("Add"), id="reference.add")]

    def compose_body(self) -> ComposeResult:
        with TabbedContent(*(_(title) for _key, title in TABS), id="reference-tabs"):
            for key, _title in TABS:
                yield DataTable(id=f"ref-{key}", cursor_type="row", zebra_stripes=True)
        yield Label(
            Text(
                _("Press a to add to the list you are looking at. Entries in use stay as they are.")
            ),
            id="status-line",
        )

    def reload(self) -> None:
        ref, lang = self.app.ref, current_language()
        tables = {
            "campuses": (
                (N_("Code"), N_("Campus"), N_("City")),
                [(code, c.name, c.city) for code, c in ref.campuses.items()],
            ),
            "programmes": (
                (N_("Code"), N_("Programme"), N_("Department"), N_("Campuses")),
                [
                    (
                        p.code,
                        p.name(lang),
                        p.department,
                        ", ".join(ref.campus_name(c) for c in p.campuses),
                    )
                    for p in ref.programmes.values()
                ],
            ),
        }
        for kind in ("interest", "availability"):
            tables[kind] = (
                (N_("Code"), N_("Norwegian"), N_("English")),
                [(o.code, o.label_nb, o.label_en) for o in ref.options.get(kind, {}).values()],
            )
        for key, (columns, rows) in tables.items():
            table = self.query_one(f"#ref-{key}", DataTable)
            table.clear(columns=True)
            for title in columns:
                table.add_column(Text(_(title)))
            table.add_rows([[plain(cell) for cell in row] for row in rows])

    def _active_kind(self) -> str:
        tabs = self.query_one(TabbedContent)
        index = int((tabs.active or "tab-1").rsplit("-", 1)[-1]) - 1
        return TABS[index][0]

    def action_add(self) -> None:
        kind = self._active_kind()

        def done(saved: bool | None) -> None:
            if saved:
                self.app.refresh_reference()
                self.reload()
                self.notify(_("Saved."))

        self.app.push_screen(ReferenceForm(kind), done)


class ReferenceForm(SpleisForm[bool]):
    """Add one campus, programme or answer option."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def form_title(self) -> str:
        return {
            "campuses": _("Add a campus"),
            "programmes": _("Add a study programme"),
            "interest": _("Add an interest"),
            "availability": _("Add a time that suits"),
        }[self.kind]

    def fields(self) -> Iterable[tuple[str, str, Widget]]:
        return [(key, _(label), widget) for key, label, widget in self._rows()]

    def _rows(self) -> list[tuple[str, str, Widget]]:
        ref = self.app.ref
        if self.kind == "campuses":
            return [
                ("code", N_("Code"), Input(placeholder="trondheim-sentrum", id="f-code")),
                ("name", N_("Name"), Input(id="f-name")),
                ("city", N_("City"), Input(id="f-city")),
            ]
        if self.kind == "programmes":
            departments = [
                (
                    plain(f"{d.code} – {d.name_nb if current_language() == 'nb' else d.name_en}"),
                    d.code,
                )
                for d in Department.select().order_by(Department.code)
            ]
            return [
                ("code", N_("Code"), Input(placeholder="BKLIMA", id="f-code")),
                ("name", N_("Name in Norwegian"), Input(id="f-name")),
                ("name_en", N_("Name in English"), Input(id="f-name_en")),
                ("department", N_("Department"), Select(departments, id="f-department")),
                (
                    "campus",
                    N_("Campuses"),
                    SelectionList[str](
                        *((plain(c.name), code) for code, c in ref.campuses.items()), id="f-campus"
                    ),
                ),
                ("years", N_("Years"), Input("3", type="integer", id="f-years")),
            ]
        return [
            ("code", N_("Code"), Input(placeholder="chess", id="f-code")),
            ("name", N_("Label in Norwegian"), Input(id="f-name")),
            ("label_en", N_("Label in English"), Input(id="f-label_en")),
        ]

    def _text(self, key: str) -> str:
        return self.query_one(f"#f-{key}", Input).value

    def save(self) -> bool:
        if self.kind == "campuses":
            add_campus(self._text("code"), self._text("name"), self._text("city"))
        elif self.kind == "programmes":
            department = self.query_one("#f-department", Select).value
            years = self._text("years").strip() or "3"
            add_programme(
                self._text("code"),
                self._text("name"),
                self._text("name_en"),
                "" if department is Select.NULL else str(department),
                list(self.query_one("#f-campus", SelectionList).selected),
                years=int(years) if years.isdigit() else 3,
            )
        else:
            add_option(self.kind, self._text("code"), self._text("name"), self._text("label_en"))
        return True
