"""Add or edit a sign-up. Validation is the core's; the form shows which field is wrong."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, TextArea

from spleis_tui import labels
from spleis_tui.core.models import SignUp
from spleis_tui.core.reference import Reference
from spleis_tui.core.signups import add_signup, field_label, update_signup
from spleis_tui.core.text import sort_key
from spleis_tui.i18n import _, current_language
from spleis_tui.screens.form import SpleisForm
from spleis_tui.widgets.plain import plain


class ParticipantForm(SpleisForm[int | None]):
    """Returns the saved sign-up's id, or None when cancelled."""

    DIALOG_CLASSES = "dialog form-dialog"
    SCROLLS = True
    DEFAULT_CSS = """
    ParticipantForm .form-note {
        color: $text-warning;
        height: auto;
        margin-top: 1;
    }
    """

    def __init__(self, round_id: int, ref: Reference, signup: SignUp | None = None) -> None:
        super().__init__()
        self.round_id = round_id
        self.ref = ref
        self.signup = signup

    def _value(self, key: str, default: object = "") -> object:
        if self.signup is None:
            return default
        value = getattr(self.signup, key)
        return default if value is None else value

    def form_title(self) -> str:
        return _("Edit participant") if self.signup else _("Add participant")

    def fields(self) -> Iterable[tuple[str, str, Widget]]:
        lang = current_language()
        # An import keeps an unknown campus or programme as written ("Oslo"): the lists
        # cannot show it, so the form asks for one, and the import's note says what it was.
        campus = str(self._value("campus"))
        if campus not in self.ref.campuses:
            campus = ""
        programme = str(self._value("programme"))
        if programme not in {code for _label, code in self._programme_options(campus, lang)}:
            programme = ""

        def text(key: str, **options) -> Input:
            return Input(str(self._value(key, "")), id=f"f-{key}", **options)

        def choice(key: str, default: str) -> Select:
            return Select(
                labels.choices(key),
                value=self._value(key, default),
                allow_blank=False,
                id=f"f-{key}",
            )

        widgets = {
            "name": text("name"),
            "email": text("email"),
            "phone": text("phone"),
            "gender": choice("gender", "unspecified"),
            "age": text("age", type="integer"),
            "campus": Select(
                [(plain(c.name), code) for code, c in self.ref.campuses.items()],
                value=campus or Select.NULL,
                prompt=_("Choose a campus"),
                id="f-campus",
            ),
            "programme": Select(
                self._programme_options(campus, lang),
                value=programme or Select.NULL,
                prompt=_("Choose a programme"),
                id="f-programme",
            ),
            "year_of_study": text("year_of_study", type="integer"),
            "language": choice("language", "both"),
            "group_pref": choice("group_pref", "any"),
            "interests": self._options("interest", "interests", lang),
            "availability": self._options("availability", "availability", lang),
            "friend_email": text("friend_email"),
            "comment": TextArea(str(self._value("comment")), id="f-comment"),
        }
        return [(key, field_label(key), widget) for key, widget in widgets.items()]

    def extra(self) -> Iterable[Widget]:
        if self.signup is None:
            yield Checkbox(_("Has agreed to the privacy note"), id="f-consent")
        elif self.signup.import_warnings:
            note = _("When it was imported:") + "\n" + self.signup.import_warnings
            yield Label(Text(note), id="import-warnings", classes="form-note")

    def _programme_options(self, campus: str, lang: str) -> list[tuple[Text, str]]:
        programmes = self.ref.programmes_on(campus) if campus else self.ref.programmes.values()
        # Reference data can be typed by anyone: labels are Text, never markup.
        ordered = sorted(programmes, key=lambda p: sort_key(p.name(lang)))
        return [(plain(p.name(lang)), p.code) for p in ordered]

    def _options(self, kind: str, key: str, lang: str) -> SelectionList:
        chosen = set((str(self._value(key)) or "").split(";"))
        options = self.ref.options.get(kind, {})
        return SelectionList[str](
            *((plain(o.label(lang)), code, code in chosen) for code, o in options.items()),
            id=f"f-{key}",
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "f-campus":
            return
        campus = "" if event.value is Select.NULL else str(event.value)
        programme = self.query_one("#f-programme", Select)
        current = programme.value
        options = self._programme_options(campus, current_language())
        programme.set_options(options)
        if current in {code for _label, code in options}:
            programme.value = current

    def _collect(self) -> dict[str, object]:
        def select(key: str) -> str:
            value = self.query_one(f"#f-{key}", Select).value
            return "" if value is Select.NULL else str(value)

        return {
            "name": self.query_one("#f-name", Input).value,
            "email": self.query_one("#f-email", Input).value,
            "phone": self.query_one("#f-phone", Input).value,
            "gender": select("gender"),
            "age": self.query_one("#f-age", Input).value,
            "campus": select("campus"),
            "programme": select("programme"),
            "department": "",
            "faculty": "",
            "year_of_study": self.query_one("#f-year_of_study", Input).value,
            "language": select("language"),
            "group_pref": select("group_pref"),
            "interests": list(self.query_one("#f-interests", SelectionList).selected),
            "availability": list(self.query_one("#f-availability", SelectionList).selected),
            "friend_email": self.query_one("#f-friend_email", Input).value,
            "comment": self.query_one("#f-comment", TextArea).text,
        }

    def save(self) -> int:
        data = self._collect()
        if self.signup is None:
            consent = self.query_one("#f-consent", Checkbox).value
            return add_signup(self.round_id, data, self.ref, consent=consent).id
        return update_signup(self.signup.id, data, self.ref).id
