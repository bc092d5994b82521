"""Add or edit a sign-up. Validation is the core's; the form shows which field is wrong."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, TextArea

from spleis_tui import labels
from spleis_tui.core.errors import SpleisError, ValidationError
from spleis_tui.core.models import SignUp
from spleis_tui.core.reference import Reference
from spleis_tui.core.signups import add_signup, describe, field_label, update_signup
from spleis_tui.i18n import N_, _, current_language
from spleis_tui.screens.base import SpleisModal


class ParticipantForm(SpleisModal[int | None]):
    """Returns the saved sign-up's id, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="form.save"),
        Binding("escape", "cancel", N_("Cancel"), id="form.cancel"),
    ]

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

    def _row(self, key: str, widget) -> ComposeResult:
        if hasattr(widget, "compact"):
            widget.compact = True  # one line per field: the whole form fits at 100x30
        with Horizontal(classes="form-row"):
            yield Label(field_label(key), classes="form-label")
            yield widget

    def compose(self) -> ComposeResult:
        lang = current_language()
        title = _("Edit participant") if self.signup else _("Add participant")
        campus = str(self._value("campus"))
        with Vertical(classes="dialog form-dialog"):
            yield Label(title, classes="dialog-title")
            with VerticalScroll(classes="form-fields"):
                yield from self._row("name", Input(str(self._value("name")), id="f-name"))
                yield from self._row("email", Input(str(self._value("email")), id="f-email"))
                yield from self._row("phone", Input(str(self._value("phone")), id="f-phone"))
                yield from self._row(
                    "gender",
                    Select(
                        labels.choices("gender"),
                        value=self._value("gender", "unspecified"),
                        allow_blank=False,
                        id="f-gender",
                    ),
                )
                age = self._value("age", "")
                yield from self._row("age", Input(str(age), type="integer", id="f-age"))
                yield from self._row(
                    "campus",
                    Select(
                        [(c.name, code) for code, c in self.ref.campuses.items()],
                        value=campus or Select.NULL,
                        prompt=_("Choose a campus"),
                        id="f-campus",
                    ),
                )
                yield from self._row(
                    "programme",
                    Select(
                        self._programme_options(campus, lang),
                        value=self._value("programme") or Select.NULL,
                        prompt=_("Choose a programme"),
                        id="f-programme",
                    ),
                )
                year = self._value("year_of_study", "")
                yield from self._row(
                    "year_of_study", Input(str(year), type="integer", id="f-year_of_study")
                )
                yield from self._row(
                    "language",
                    Select(
                        labels.choices("language"),
                        value=self._value("language", "both"),
                        allow_blank=False,
                        id="f-language",
                    ),
                )
                yield from self._row(
                    "group_pref",
                    Select(
                        labels.choices("group_pref"),
                        value=self._value("group_pref", "any"),
                        allow_blank=False,
                        id="f-group_pref",
                    ),
                )
                yield from self._row("interests", self._options("interest", "interests", lang))
                yield from self._row(
                    "availability", self._options("availability", "availability", lang)
                )
                yield from self._row(
                    "friend_email", Input(str(self._value("friend_email")), id="f-friend_email")
                )
                comment = TextArea(str(self._value("comment")), id="f-comment")
                yield from self._row("comment", comment)
                if self.signup is None:
                    yield Checkbox(_("Has agreed to the privacy note"), id="f-consent")
            yield Label("", id="form-error", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")

    def _programme_options(self, campus: str, lang: str) -> list[tuple[str, str]]:
        programmes = self.ref.programmes_on(campus) if campus else self.ref.programmes.values()
        return sorted(((p.name(lang), p.code) for p in programmes), key=lambda o: o[0])

    def _options(self, kind: str, key: str, lang: str) -> SelectionList:
        chosen = set((str(self._value(key)) or "").split(";"))
        options = self.ref.options.get(kind, {})
        return SelectionList[str](
            *((o.label(lang), code, code in chosen) for code, o in options.items()),
            id=f"f-{key}",
        )

    def on_mount(self) -> None:
        self.query_one("#f-name", Input).focus()

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

    def on_input_changed(self, event: Input.Changed) -> None:
        event.input.remove_class("-invalid-field")

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
            "birth_year": None,
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

    def action_save(self) -> None:
        for widget in self.query(".-invalid-field"):
            widget.remove_class("-invalid-field")
        data = self._collect()
        try:
            if self.signup is None:
                consent = self.query_one("#f-consent", Checkbox).value
                saved = add_signup(self.round_id, data, self.ref, consent=consent)
            else:
                saved = update_signup(self.signup.id, data, self.ref)
        except ValidationError as error:
            self._show_error(error)
            return
        except SpleisError as error:
            self.query_one("#form-error", Label).update(Text(str(error)))
            return
        self.dismiss(saved.id)

    def _show_error(self, error: ValidationError) -> None:
        message = describe(error)
        self.query_one("#form-error", Label).update(Text(message))
        matches = self.query(f"#f-{error.field}")
        if matches:
            widget = matches.first()
            widget.add_class("-invalid-field")
            widget.focus()
            widget.scroll_visible(animate=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
