"""Matching a round: choose the criteria, run the search, look at the proposal, accept it.

A run works in a thread (the screen stays live) and can be cancelled; it then keeps the
best grouping found so far. Nothing is written until the proposal is accepted, and the
last accept can be undone.
"""

from __future__ import annotations

import math
import threading
from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static
from textual.worker import get_current_worker

from spleis_tui import labels
from spleis_tui.core.errors import SpleisError, ValidationError
from spleis_tui.core.groups import list_groups
from spleis_tui.core.matching import plan
from spleis_tui.core.matching.criteria import (
    ALLOWED,
    PRESETS,
    Criterion,
    Settings,
    check_sizes,
    preset_for_kind,
)
from spleis_tui.core.matching.engine import default_time_limit
from spleis_tui.core.matching.presets import save_preset, saved_presets
from spleis_tui.core.matching.summary import decimal
from spleis_tui.core.models import database
from spleis_tui.core.rounds import find_round
from spleis_tui.core.signups import ParticipantQuery
from spleis_tui.i18n import N_, _, ngettext, number
from spleis_tui.screens.base import SpleisScreen
from spleis_tui.screens.dialogs import ConfirmScreen, TextPrompt
from spleis_tui.widgets.columns_table import Column, ColumnsTable
from spleis_tui.widgets.plain import plain

# The preset that suits a round of each kind (rounds.kind -> criteria.PRESETS).
SOFT_MODES = ("similar", "mix")
DEFAULT_SEED = 1
LONGEST_RUN = 3600.0  # seconds

PREVIEW_COLUMNS = (
    Column("n", "#", 3, sortable=False),
    Column("size", N_("Size"), 4, sortable=False),
    Column("cost", N_("Cost"), 6, sortable=False),
    Column("hard", N_("Hard"), 4, sortable=False),
    Column("breakdown", N_("What the group shares"), 20, sortable=False, grow=1),
)
STOPPED = {
    "done": N_("Done."),
    "time": N_("Stopped at the time limit: this is the best grouping it found."),
    "cancelled": N_("Cancelled: this is the best grouping found before you stopped it."),
}


def round_preset(round_id: int | None) -> str:
    """The preset for a round's kind; vennespleis for other kinds."""
    if not round_id:
        return "vennespleis"
    try:
        kind = find_round(round_id).kind
    except SpleisError:
        return "vennespleis"
    return preset_for_kind(kind)


def all_presets() -> dict[str, Settings]:
    """The built-in presets, then the ones saved in this database."""
    return {**PRESETS, **saved_presets()}


def preset_options() -> list[tuple[Text, str]]:
    built_in = [(Text(labels.label("preset", name)), name) for name in PRESETS]
    return built_in + [(Text(name), name) for name in saved_presets()]


def round_settings(round_id: int | None) -> Settings:
    return PRESETS[round_preset(round_id)]


def format_weight(value: float) -> str:
    return f"{value:g}"


def parse_number(text: str) -> float | None:
    """A number as a person types it: 0.5 or 0,5. None when it is not one."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_whole(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


class SettingsProblem(Exception):
    """A setting that cannot be used; `field` is the id of the widget at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class MatchingScreen(SpleisScreen):
    SECTION = "matching"
    TITLE_TEXT = N_("Matching")
    AUTO_FOCUS = "#m-preset"

    BINDINGS = [
        Binding("r", "run", N_("Run"), id="matching.run"),
        Binding("c,escape", "cancel", N_("Cancel run"), id="matching.cancel"),
        Binding("v", "compare", N_("Compare"), id="matching.compare"),
        Binding("a", "accept", N_("Accept"), id="matching.accept"),
        Binding("d", "discard", N_("Discard"), id="matching.discard"),
        Binding("u", "undo", N_("Undo accept"), id="matching.undo"),
        Binding("p", "save_preset", N_("Save preset"), id="matching.save_preset"),
    ]

    class RunProgress(Message):
        def __init__(self, token: int, fraction: float) -> None:
            super().__init__()
            self.token = token
            self.fraction = fraction

    class RunFinished(Message):
        def __init__(self, token: int, proposal: plan.Proposal | None, error: str | None):
            super().__init__()
            self.token = token
            self.proposal = proposal
            self.error = error

    class CurrentLoaded(Message):
        def __init__(self, token: int, current: plan.Proposal | None) -> None:
            super().__init__()
            self.token = token
            self.current = current

    def __init__(self) -> None:
        super().__init__()
        self.form: dict[str, str] = {}
        self.proposal: plan.Proposal | None = None
        self.current: plan.Proposal | None = None
        self.compare = False
        self.running = False
        self.people = 0
        self.locked = 0
        self.can_undo = False
        self.state = ""
        self._cancel = threading.Event()
        self._run_token = 0
        self._current_token = 0
        self._form_round: int | None = None
        self._fill_form(round_preset(self.round_id))
        self._form_round = self.round_id

    # The settings form

    def _fill_form(self, preset_name: str) -> None:
        settings = all_presets().get(preset_name, PRESETS["vennespleis"])
        self.form["m-preset"] = preset_name
        for name, modes in ALLOWED.items():
            mode = settings.mode(name)
            self.form[f"mode-{name}"] = mode if mode in modes else "ignore"
            criterion = settings.criteria.get(name)
            self.form[f"weight-{name}"] = format_weight(criterion.weight if criterion else 1.0)
        self.form["m-size"] = str(settings.size)
        self.form["m-min"] = str(settings.min_size)
        self.form["m-max"] = str(settings.max_size)
        self.form.setdefault("m-time", "")
        self.form.setdefault("m-seed", str(DEFAULT_SEED))

    def compose_body(self) -> ComposeResult:
        form = self.form
        with Horizontal(id="matching-panes"):
            with VerticalScroll(id="matching-settings"):
                with Horizontal(classes="m-row"):
                    yield Label(_("Preset"), classes="m-label")
                    yield Select(
                        preset_options(),
                        value=form["m-preset"],
                        allow_blank=False,
                        id="m-preset",
                        compact=True,
                    )
                with Horizontal(classes="m-row m-heading"):
                    yield Label(_("Criterion"), classes="m-label")
                    yield Label(_("Mode"), classes="m-mode-title")
                    yield Label(_("Weight"), classes="m-weight-title")
                for name, modes in ALLOWED.items():
                    mode = form[f"mode-{name}"]
                    with Horizontal(classes="m-row"):
                        yield Label(labels.label("criterion", name), classes="m-label")
                        yield Select(
                            [(labels.mode_label(name, m), m) for m in modes],
                            value=mode,
                            allow_blank=False,
                            id=f"mode-{name}",
                            compact=True,
                        )
                        yield Input(
                            form[f"weight-{name}"],
                            id=f"weight-{name}",
                            compact=True,
                            disabled=mode not in SOFT_MODES,
                        )
                yield Label(_("Group size"), classes="m-heading")
                for key, title in (
                    ("m-size", _("Target")),
                    ("m-min", _("Min")),
                    ("m-max", _("Max")),
                ):
                    with Horizontal(classes="m-row"):
                        yield Label(title, classes="m-label")
                        yield Input(form[key], id=key, compact=True, classes="m-number")
                yield Label(_("Search"), classes="m-heading")
                with Horizontal(classes="m-row"):
                    yield Label(_("Time limit (s)"), classes="m-label")
                    yield Input(form["m-time"], id="m-time", compact=True, classes="m-number")
                with Horizontal(classes="m-row"):
                    yield Label(_("Seed"), classes="m-label")
                    yield Input(form["m-seed"], id="m-seed", compact=True, classes="m-number")
                with Horizontal(id="m-buttons"):
                    yield Button(_("Run"), variant="primary", id="m-run", compact=True)
                    yield Button(_("Cancel"), id="m-cancel", compact=True, disabled=True)
            with Vertical(id="matching-results"):
                with Horizontal(id="m-progress-row"):
                    yield ProgressBar(total=100, show_eta=False, id="m-progress")
                    yield Label("", id="m-state")
                with Horizontal(id="m-summaries"):
                    yield Static("", id="m-summary")
                    yield Static("", id="m-current")
                with VerticalScroll(id="m-unplaced-box"):
                    yield Static("", id="m-unplaced")
                yield ColumnsTable(PREVIEW_COLUMNS, id="m-groups")
                yield Static("", id="m-detail")

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        key = event.select.id or ""
        if event.value is Select.NULL:
            return
        value = str(event.value)
        if key == "m-preset":
            if value != self.form["m-preset"]:
                self._use_preset(value)
        elif key.startswith("mode-"):
            self.form[key] = value
            weight = self.query_one(f"#weight-{key.removeprefix('mode-')}", Input)
            weight.disabled = value not in SOFT_MODES

    def action_save_preset(self) -> None:
        """Save the settings as they are now as a preset of one's own, by name."""
        try:
            settings = self.read_settings()[0]
        except SettingsProblem as problem:
            self._show_problem(problem)
            return

        def done(name: object | None) -> None:
            if not name:
                return
            select = self.query_one("#m-preset", Select)
            select.set_options(preset_options())
            self.form["m-preset"] = str(name)
            select.value = str(name)
            self.notify(_("Saved the preset {name}.").format(name=name), markup=False)

        self.app.push_screen(
            TextPrompt(
                _("Save these settings as a preset called:"),
                apply=lambda name: save_preset(name, settings),
            ),
            done,
        )

    def _use_preset(self, name: str) -> None:
        """Fill the criteria and sizes from a preset (time limit and seed stay)."""
        self._fill_form(name)
        for name_, _modes in ALLOWED.items():
            self.query_one(f"#mode-{name_}", Select).value = self.form[f"mode-{name_}"]
            weight = self.query_one(f"#weight-{name_}", Input)
            weight.value = self.form[f"weight-{name_}"]
            weight.disabled = self.form[f"mode-{name_}"] not in SOFT_MODES
        for key in ("m-size", "m-min", "m-max"):
            self.query_one(f"#{key}", Input).value = self.form[key]
        for widget in self.query(".-invalid-field"):
            widget.remove_class("-invalid-field")

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        key = event.input.id or ""
        if key in self.form:
            self.form[key] = event.value
            event.input.remove_class("-invalid-field")

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        if (event.input.id or "") in self.form:
            self.action_run()

    def read_settings(self) -> tuple[Settings, int, float | None]:
        """The form as settings, seed and time limit; SettingsProblem names a bad field."""
        form = self.form
        criteria = {}
        for name in ALLOWED:
            mode = form[f"mode-{name}"]
            weight = parse_number(form[f"weight-{name}"])
            if mode in SOFT_MODES and (weight is None or weight < 0):
                raise SettingsProblem(
                    f"weight-{name}",
                    _("Weight of {criterion}: enter a number of 0 or more.").format(
                        criterion=labels.label("criterion", name)
                    ),
                )
            criteria[name] = Criterion(mode, 1.0 if weight is None or weight < 0 else weight)
        sizes = []
        for key, title in (("m-size", _("Target")), ("m-min", _("Min")), ("m-max", _("Max"))):
            value = parse_whole(form[key])
            if value is None:
                raise SettingsProblem(
                    key,
                    _("Group size, {field}: enter a whole number.").format(field=title.lower()),
                )
            sizes.append(value)
        size, low, high = sizes
        try:
            check_sizes(size, low, high)
        except ValidationError as error:
            if low < 2 or low > size:
                at = "m-min"
            elif high > 50 or size > high:
                at = "m-max"
            else:
                at = "m-size"
            raise SettingsProblem(at, error.message) from None
        limit = None
        if form["m-time"].strip():
            limit = parse_number(form["m-time"])
            if limit is None or not 0 < limit <= LONGEST_RUN:
                raise SettingsProblem(
                    "m-time",
                    _("Time limit: enter a number of seconds above 0 and at most {most}.").format(
                        most=number(int(LONGEST_RUN))
                    ),
                )
        seed = DEFAULT_SEED
        if form["m-seed"].strip():
            parsed = parse_whole(form["m-seed"])
            if parsed is None:
                raise SettingsProblem("m-seed", _("Seed: enter a whole number."))
            seed = parsed
        base = all_presets().get(form["m-preset"], PRESETS["vennespleis"])
        settings = replace(base, criteria=criteria, size=size, min_size=low, max_size=high)
        return settings, seed, limit

    def _show_problem(self, problem: SettingsProblem) -> None:
        widget = self.query_one(f"#{problem.field}")
        widget.add_class("-invalid-field")
        widget.focus()
        self._set_state(problem.message, "error")
        self.notify(problem.message, severity="error", markup=False)

    # Loading

    def reload(self) -> None:
        round_id = self.round_id
        if self._form_round != round_id:
            # Another round: its kind decides the preset, and old results do not apply.
            self._form_round = round_id
            if self.running:
                self._stop_run()
            self.proposal = self.current = None
            self._use_preset(round_preset(round_id))
            self.query_one("#m-preset", Select).value = self.form["m-preset"]
            self.state = ""
        if round_id:
            self.people = ParticipantQuery(round_id=round_id, status="active").count()
            self.locked = sum(1 for group in list_groups(round_id) if group.locked)
            self.can_undo = plan.can_undo(round_id)
        else:
            self.people, self.locked, self.can_undo = 0, 0, False
        default = default_time_limit(self.people)
        self.query_one("#m-time", Input).placeholder = _("{seconds} (default)").format(
            seconds=decimal(default)
        )
        if self.compare and round_id:
            self._fetch_current()
        self._render_all()
        self.refresh_bindings()

    def _fetch_current(self) -> None:
        self._current_token += 1
        settings = self.proposal.settings if self.proposal else self._settings_or_preset()
        self._load_current(self._current_token, self.round_id, settings)

    def _settings_or_preset(self) -> Settings:
        try:
            return self.read_settings()[0]
        except SettingsProblem:
            return all_presets().get(self.form["m-preset"], PRESETS["vennespleis"])

    @work(thread=True, exclusive=True, group="matching-current")
    def _load_current(self, token: int, round_id: int, settings: Settings) -> None:
        try:
            with database.connection_context():
                current = plan.current_groups(round_id, settings)
        except SpleisError:
            current = None
        if not get_current_worker().is_cancelled:
            self.post_message(self.CurrentLoaded(token, current))

    def on_matching_screen_current_loaded(self, message: CurrentLoaded) -> None:
        if message.token == self._current_token:
            self.current = message.current
            self._render_summaries()

    # Running

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run":
            return None if self.running else True
        if action == "cancel":
            return self.running
        if action in ("accept", "discard"):
            return None if self.running or self.proposal is None else True
        if action == "undo":
            return None if self.running or not self.can_undo else True
        return True

    def action_run(self) -> None:
        if self.running:
            return
        if not self.round_id:
            self.notify(_("Create a round first (F6)."), severity="warning")
            return
        try:
            settings, seed, limit = self.read_settings()
        except SettingsProblem as problem:
            self._show_problem(problem)
            return
        self._cancel = threading.Event()
        self._run_token += 1
        self.running = True
        self.query_one("#m-progress", ProgressBar).update(total=100, progress=0)
        # The results are what to look at next (and the Run button is disabled).
        self.query_one("#m-groups", ColumnsTable).focus()
        self._set_state(_("Running… press c or Escape to stop."))
        self._update_buttons()
        self.refresh_bindings()
        self._run(self._run_token, self.round_id, settings, seed, limit, self._cancel)

    @work(thread=True, exclusive=True, group="matching-run")
    def _run(
        self,
        token: int,
        round_id: int,
        settings: Settings,
        seed: int,
        limit: float | None,
        cancel: threading.Event,
    ) -> None:
        worker = get_current_worker()

        def stop() -> bool:
            return cancel.is_set() or worker.is_cancelled

        def progress(fraction: float) -> None:
            self.post_message(self.RunProgress(token, fraction))

        try:
            with database.connection_context():
                proposal = plan.propose(
                    round_id,
                    settings,
                    seed=seed,
                    time_limit=limit,
                    cancel=stop,
                    progress=progress,
                )
        except SpleisError as error:
            self.post_message(self.RunFinished(token, None, str(error)))
            return
        self.post_message(self.RunFinished(token, proposal, None))

    def on_matching_screen_run_progress(self, message: RunProgress) -> None:
        if message.token == self._run_token and self.running:
            self.query_one("#m-progress", ProgressBar).update(progress=message.fraction * 100)

    def on_matching_screen_run_finished(self, message: RunFinished) -> None:
        if message.token != self._run_token:
            return  # a run for another round, or one that was replaced
        self.running = False
        self._update_buttons()
        if message.error is not None or message.proposal is None:
            self._set_state(message.error or "", "error")
            self.notify(message.error or _("The run failed."), severity="error", markup=False)
            self.refresh_bindings()
            return
        proposal = message.proposal
        self.proposal = proposal
        stopped = proposal.grouping.stopped
        if stopped != "cancelled":
            self.query_one("#m-progress", ProgressBar).update(progress=100)
        self._set_state(
            _(STOPPED.get(stopped, STOPPED["done"])), "warning" if stopped == "cancelled" else ""
        )
        if stopped == "cancelled":
            self.notify(_("Matching cancelled. The best grouping so far is shown."))
        if proposal.hard:
            self.notify(
                ngettext(
                    "The proposal breaks {n} hard rule. Look at the groups marked in Hard.",
                    "The proposal breaks {n} hard rules. Look at the groups marked in Hard.",
                    proposal.hard,
                ).format(n=proposal.hard),
                severity="warning",
            )
        if self.compare:
            self._fetch_current()
        self._render_all()
        self.refresh_bindings()
        if self.focused is None:
            self.query_one("#m-groups", ColumnsTable).focus()

    def action_cancel(self) -> None:
        if self.running:
            self._cancel.set()
            self._set_state(_("Cancelling…"))

    def _stop_run(self) -> None:
        """Stop a run whose result is no longer wanted."""
        self._cancel.set()
        self._run_token += 1
        self.running = False
        self._update_buttons()

    @on(Button.Pressed, "#m-run")
    def _run_pressed(self) -> None:
        self.action_run()

    @on(Button.Pressed, "#m-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def _update_buttons(self) -> None:
        self.query_one("#m-run", Button).disabled = self.running
        self.query_one("#m-cancel", Button).disabled = not self.running

    # Comparing, accepting, discarding, undoing

    def action_compare(self) -> None:
        self.compare = not self.compare
        self.query_one("#m-summaries").set_class(self.compare, "-compare")
        if self.compare and self.round_id:
            self._fetch_current()
        self._render_summaries()

    def action_accept(self) -> None:
        proposal = self.proposal
        if proposal is None or self.running:
            return
        unlocked = sum(1 for g in list_groups(proposal.round_id) if not g.locked)
        new = len(proposal.groups)
        replaced = ngettext("{n} unlocked group", "{n} unlocked groups", unlocked).format(
            n=number(unlocked)
        )
        if unlocked:
            question = ngettext(
                "Replace the {replaced} with {m} new group? Locked groups stay.",
                "Replace the {replaced} with {m} new groups? Locked groups stay.",
                new,
            ).format(replaced=replaced, m=number(new))
        else:
            question = ngettext(
                "Make {m} new group? Locked groups stay.",
                "Make {m} new groups? Locked groups stay.",
                new,
            ).format(m=number(new))
        if proposal.unplaced:
            question += "\n" + ngettext(
                "{n} person stays without a group.",
                "{n} people stay without a group.",
                len(proposal.unplaced),
            ).format(n=number(len(proposal.unplaced)))
        if proposal.grouping.stopped == "cancelled":
            question += "\n" + _("This is the best grouping of a cancelled run.")

        def done(yes: bool | None) -> None:
            if not yes or self.proposal is not proposal:
                return
            ok, accepted = self.attempt(lambda: plan.accept(proposal))
            if not ok or accepted is None:
                return
            self.notify(
                ngettext(
                    "Accepted: {groups} new group, {placed} people placed. See Groups (F4).",
                    "Accepted: {groups} new groups, {placed} people placed. See Groups (F4).",
                    accepted.groups,
                ).format(groups=number(accepted.groups), placed=number(accepted.placed)),
                markup=False,
            )
            self.proposal = None
            self.state = _("Accepted. Press u to undo.")
            self.reload()

        self.app.push_screen(ConfirmScreen(question, confirm_label=_("Accept")), done)

    def action_discard(self) -> None:
        if self.proposal is None or self.running:
            return
        self.proposal = None
        self.query_one("#m-progress", ProgressBar).update(progress=0)
        self._set_state(_("Discarded the proposal."))
        self._render_all()
        self.refresh_bindings()

    def action_undo(self) -> None:
        round_id = self.round_id
        if not round_id or self.running:
            return
        if not plan.can_undo(round_id):
            self.notify(_("There is no accepted matching to undo."), severity="warning")
            return
        question = _(
            "Undo the last accepted matching? The unlocked groups go back to how they were "
            "before it, and changes made to them since are lost."
        )

        def done(yes: bool | None) -> None:
            if not yes:
                return
            ok, restored = self.attempt(lambda: plan.undo(round_id))
            if ok and restored is not None:
                self.notify(
                    ngettext(
                        "Undone: {n} group is back.", "Undone: {n} groups are back.", restored
                    ).format(n=number(restored))
                )
                self.state = _("Undone.")
                self.reload()

        self.app.push_screen(ConfirmScreen(question, confirm_label=_("Undo")), done)

    # Showing the results

    def _set_state(self, text: str, severity: str = "") -> None:
        self.state = text
        label = self.query_one("#m-state", Label)
        label.set_class(severity == "error", "-error")
        label.set_class(severity == "warning", "-warning")
        label.update(Text(text))

    def _render_all(self) -> None:
        if not self.round_id:
            self.state = _("Create a round first (F6).")
        self.query_one("#m-state", Label).update(Text(self.state))
        self._update_buttons()
        self._render_summaries()
        self._render_unplaced()
        self._render_table()

    def _render_summaries(self) -> None:
        self.query_one("#m-summaries").set_class(self.compare, "-compare")
        proposal = self.proposal
        title = _("Proposal")
        if self.locked:
            # A run leaves locked groups alone; its summary counts them as they stay.
            title = ngettext(
                "Proposal (with the {n} locked group as it is)",
                "Proposal (with the {n} locked groups as they are)",
                self.locked,
            ).format(n=number(self.locked))
        if proposal is None:
            text = Text(title, style="bold")
            text.append("\n" + _("No proposal yet. Choose the settings and press r to run."))
        else:
            text = summary_text(title, proposal.summary.lines())
        self.query_one("#m-summary", Static).update(text)
        current = self.current
        if not self.compare:
            now = Text("")
        elif current is None:
            now = Text(_("Now"), style="bold")
            now.append("\n" + _("Loading…"))
        else:
            now = summary_text(_("Now"), current.summary.lines())
        self.query_one("#m-current", Static).update(now)

    def _render_unplaced(self) -> None:
        proposal = self.proposal
        box = self.query_one("#m-unplaced-box")
        if proposal is None or not proposal.unplaced:
            box.display = False
            return
        box.display = True
        text = Text(
            ngettext(
                "{n} person not placed:", "{n} people not placed:", len(proposal.unplaced)
            ).format(n=number(len(proposal.unplaced))),
            style="bold",
        )
        for signup_id, reason in proposal.unplaced:
            text.append("\n")
            text.append_text(plain(proposal.names.get(signup_id, str(signup_id))))
            text.append(" — ")
            text.append_text(plain(reason))
        self.query_one("#m-unplaced", Static).update(text)

    def _render_table(self) -> None:
        table = self.query_one("#m-groups", ColumnsTable)
        proposal = self.proposal
        rows = []
        for index, group in enumerate(proposal.groups if proposal else []):
            hard = group.score.hard
            rows.append(
                (
                    str(index),
                    [
                        Text(str(index + 1)),
                        Text(str(len(group.members))),
                        Text(decimal(group.score.soft)),
                        Text(f"⚠ {hard}", style="bold red") if hard else Text(""),
                        plain(group.breakdown),
                    ],
                )
            )
        table.replace_rows(rows)
        if rows:
            table.move_cursor(row=0, animate=False)
        self._render_detail()

    @on(ColumnsTable.RowHighlighted, "#m-groups")
    def _group_highlighted(self) -> None:
        self._render_detail()

    def _render_detail(self) -> None:
        detail = self.query_one("#m-detail", Static)
        proposal = self.proposal
        table = self.query_one("#m-groups", ColumnsTable)
        if proposal is None or not proposal.groups:
            detail.update("")
            detail.display = False
            return
        detail.display = True
        index = min(max(table.cursor_row, 0), len(proposal.groups) - 1)
        group = proposal.groups[index]
        text = Text(_("Group {n}").format(n=index + 1), style="bold")
        text.append(
            "  ·  "
            + ngettext("{n} member", "{n} members", len(group.members)).format(n=len(group.members))
            + "  ·  "
            + _("cost {cost}").format(cost=decimal(group.score.soft))
        )
        text.append("\n")
        text.append_text(plain(", ".join(proposal.names.get(i, str(i)) for i in group.members)))
        if group.breakdown:
            text.append("\n")
            text.append_text(plain(group.breakdown, "dim"))
        detail.update(text)


def summary_text(title: str, lines: list[str]) -> Text:
    text = Text(title, style="bold")
    for line in lines:
        text.append("\n")
        text.append_text(plain(line))
    return text
