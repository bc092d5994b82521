"""The Tell the groups screen driven by real key presses: the live preview, saving the
template, drafts, a dry run, sending to a real SMTP server on 127.0.0.1, the mail
settings file, and names that look like markup or placeholders."""

from __future__ import annotations

import socket
import stat
from email import policy
from email.parser import BytesParser
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from textual.widgets import Input, Label, ProgressBar, Static, TextArea

from spleis_tui.app import SpleisApp
from spleis_tui.core.models import SentMessage
from spleis_tui.core.notify import smtp, templates
from spleis_tui.core.reference import load_reference
from spleis_tui.core.rounds import set_current_round
from spleis_tui.core.signups import add_signup
from spleis_tui.screens.dialogs import ConfirmScreen, TextPrompt
from spleis_tui.screens.groups import GroupsScreen
from spleis_tui.screens.tell import TellScreen
from spleis_tui.widgets.columns_table import ColumnsTable
from tests.factories import person
from tests.test_notify_templates import SNEAKY_NAME, build_round
from tests.tui_helpers import cell_texts, settle

SIZE = (120, 34)
HOSTILE_NAME = "[b]{leader}[/b]"
# Group A: Kari, Ola, the sneaky one; Gruppe Ø: Bjørn, Åse and the hostile one.
MEMBER_EMAILS = {
    "kari@example.no",
    "ola@example.no",
    "sneaky@example.no",
    "bjorn@example.no",
    "ase@example.no",
    "hostile@example.no",
}


class Collector:
    """An aiosmtpd handler that keeps what arrives."""

    def __init__(self) -> None:
        self.received: list[SimpleNamespace] = []

    async def handle_DATA(self, server, session, envelope):
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        self.received.append(SimpleNamespace(rcpt_tos=list(envelope.rcpt_tos), message=message))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(handler, **kwargs) -> Controller:
    controller = Controller(
        handler, hostname="127.0.0.1", port=free_port(), server_hostname="spleis.test", **kwargs
    )
    controller.start()
    return controller


@pytest.fixture
def server():
    handler = Collector()
    controller = start_server(handler)
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture(autouse=True)
def private_places(tmp_path, monkeypatch):
    """Mail settings and drafts in the test's own folder; a keyring that is a list."""
    monkeypatch.setenv("SPLEIS_MAIL_CONFIG", str(tmp_path / "config" / "mail.toml"))
    monkeypatch.setenv("SPLEIS_EXPORT_DIR", str(tmp_path / "exports"))
    keyring = SimpleNamespace(password=None, stored=[], forgotten=[])
    monkeypatch.setattr(smtp, "stored_password", lambda config: keyring.password)
    monkeypatch.setattr(
        smtp, "store_password", lambda config, password: keyring.stored.append(password)
    )
    monkeypatch.setattr(
        smtp, "forget_password", lambda config: keyring.forgotten.append(config) or False
    )
    return keyring


@pytest.fixture
def told(round_id):
    ids = build_round(round_id)
    ref = load_reference()
    ids.hostile = add_signup(
        round_id, person(name=HOSTILE_NAME, email="hostile@example.no"), ref, consent=True
    ).id
    from spleis_tui.core.groups import move_member

    move_member(ids.hostile, ids.group_b)
    set_current_round(round_id)
    return ids


def write_config(port: int, **changes) -> None:
    values = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "username": "",
        "sender_name": "Vennespleis NTNU",
        "sender_email": "spleis@example.no",
        "rate_per_minute": 600,
        "timeout": 5,
    }
    values.update(changes)
    lines = ["[smtp]"]
    for key, value in values.items():
        lines.append(f'{key} = "{value}"' if isinstance(value, str) else f"{key} = {value}")
    path = smtp.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def preview(screen) -> str:
    return str(screen.query_one("#tell-preview", Static).render())


def preview_title(screen) -> str:
    return str(screen.query_one("#tell-preview-title", Label).render())


def state(screen) -> str:
    return str(screen.query_one("#tell-state", Label).render())


def statuses(screen) -> list[str]:
    return cell_texts(screen.query_one("#tell-log", ColumnsTable), 3)


async def open_tell(pilot) -> TellScreen:
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    assert isinstance(pilot.app.screen, GroupsScreen)
    await pilot.press("t")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TellScreen)
    return screen


async def leave_the_text_fields(pilot, screen: TellScreen) -> None:
    """Letters are keys only outside the subject and the body."""
    screen.query_one("#tell-log", ColumnsTable).focus()
    await pilot.pause()


async def test_the_preview_follows_the_subject_as_it_is_typed(told):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tell(pilot)
        assert app.focused is screen.query_one("#tell-subject", Input)
        assert "Preview for Kari Nordmann (1 of 6" in preview_title(screen)
        assert "Subject: Gruppen din i Test round: Group A" in preview(screen)
        await pilot.press("end", "ctrl+u", *"Hi {first_name}, {group}")
        assert "Subject: Hi Kari, Group A\n" in preview(screen)
        # Another member's name is only text, never a placeholder or markup.
        assert f"- {SNEAKY_NAME} (sneaky@example.no)" in preview(screen)
        assert "To: Kari Nordmann <kari@example.no>" in preview(screen)


async def test_an_unknown_placeholder_is_shown_as_an_error_in_the_preview(told):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tell(pilot)
        await pilot.press("end", *" {foo}")
        await settle(pilot)
        assert "Unknown placeholder {foo}" in preview(screen)
        assert app.is_running and app.screen is screen
        await pilot.press(*["backspace"] * len(" {foo}"))
        assert "Subject: Gruppen din i Test round: Group A" in preview(screen)


async def test_ctrl_s_saves_the_template(told):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tell(pilot)
        await pilot.press("end", "ctrl+u", *"Hei {first_name}")
        body = screen.query_one("#tell-body", TextArea)
        body.focus()
        body.select_all()
        await pilot.press(*"Du er i {group}.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
    saved = templates.get_template(told.round, "nb")
    assert (saved.subject, saved.body, saved.is_default) == (
        "Hei {first_name}",
        "Du er i {group}.\n",
        False,
    )


async def test_a_saved_template_goes_straight_to_the_dry_run(told, server):
    # Saving tidies the text (a body ends with one newline): that is not a change to save.
    write_config(server.port)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tell(pilot)
        await pilot.press("end", *" ")  # a trailing space the saved subject will not have
        body = screen.query_one("#tell-body", TextArea)
        body.focus()
        body.select_all()
        await pilot.press(*"Hei {first_name}")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await leave_the_text_fields(pilot, screen)
        await pilot.press("d")
        await settle(pilot)
        assert app.screen is screen  # no "save first?" question
        assert statuses(screen) == ["would send"] * 6


async def test_n_and_b_step_through_the_members(told):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tell(pilot)
        await pilot.press("n")  # in the subject: just a letter
        assert screen.query_one("#tell-subject", Input).value.endswith("n")
        assert "Preview for Kari Nordmann" in preview_title(screen)
        await leave_the_text_fields(pilot, screen)
        await pilot.press("n")
        assert "(2 of 6" in preview_title(screen)
        assert "To: Ola" in preview(screen)
        await pilot.press("b", "b")
        assert "(6 of 6" in preview_title(screen)
        await pilot.press("n")
        assert "Preview for Kari Nordmann (1 of 6" in preview_title(screen)


async def test_drafts_are_written_one_file_per_member(told, tmp_path):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tell(pilot)
        await leave_the_text_fields(pilot, screen)
        await pilot.press("e")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, TextPrompt)
        folder = tmp_path / "exports" / "test-round-drafts"
        assert prompt.query_one("#prompt-input", Input).value == str(folder)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert state(screen) == f"Wrote 6 drafts to {folder}."
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 6
    recipients = {
        BytesParser(policy=policy.default)
        .parsebytes(path.read_bytes())["To"]
        .addresses[0]
        .addr_spec
        for path in files
    }
    assert recipients == MEMBER_EMAILS


async def test_a_dry_run_marks_every_row_and_sends_nothing(told, server):
    write_config(server.port)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tell(pilot)
        assert statuses(screen) == ["not sent"] * 6
        await leave_the_text_fields(pilot, screen)
        await pilot.press("d")
        await settle(pilot)
        assert statuses(screen) == ["would send"] * 6
        assert state(screen) == "Dry run: 6 messages would be sent."
    assert server.received == []
    assert SentMessage.select().count() == 0


async def test_unsaved_changes_are_offered_to_be_saved_before_a_dry_run(told, server):
    write_config(server.port)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tell(pilot)
        await pilot.press("end", "ctrl+u", *"Ny gruppe: {group}")
        await leave_the_text_fields(pilot, screen)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert statuses(screen) == ["would send"] * 6
    assert templates.get_template(told.round, "nb").subject == "Ny gruppe: {group}"


async def test_sending_reaches_every_member_once(told, server):
    write_config(server.port)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tell(pilot)
        await leave_the_text_fields(pilot, screen)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert statuses(screen) == ["sent"] * 6
        assert state(screen) == "Sent 6 messages."
        bar = screen.query_one("#tell-progress", ProgressBar)
        assert (bar.progress, bar.total) == (6, 6)
        assert len(server.received) == 6
        assert {tuple(item.rcpt_tos) for item in server.received} == {
            (email,) for email in MEMBER_EMAILS
        }

        await pilot.press("s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert len(server.received) == 6  # nobody hears it twice
        assert "6 had it already." in state(screen)
        assert statuses(screen) == ["sent before"] * 6
    assert SentMessage.select().where(SentMessage.status == "sent").count() == 6


async def test_a_server_that_needs_a_login_asks_for_the_password(told, private_places):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"kari" and auth_data.password == b"right"
        return AuthResult(success=ok, handled=False)

    handler = Collector()
    controller = start_server(handler, authenticator=authenticate, auth_require_tls=False)
    try:
        write_config(controller.port, username="kari")
        app = SpleisApp()
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tell(pilot)
            await leave_the_text_fields(pilot, screen)
            await pilot.press("s")
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            prompt = app.screen
            assert isinstance(prompt, TextPrompt)
            assert prompt.query_one("#prompt-input", Input).password
            await pilot.press(*"right", "enter")
            await settle(pilot)
            assert len(handler.received) == 6
            # Then it offers to keep the password that worked.
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            await settle(pilot)
            assert app.screen is screen
            assert statuses(screen) == ["sent"] * 6
    finally:
        controller.stop()
    assert private_places.stored == ["right"]


async def test_a_password_in_the_keyring_is_used_without_asking(told, private_places):
    def authenticate(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=auth_data.password == b"kept", handled=False)

    private_places.password = "kept"
    handler = Collector()
    controller = start_server(handler, authenticator=authenticate, auth_require_tls=False)
    try:
        write_config(controller.port, username="kari")
        app = SpleisApp()
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tell(pilot)
            await leave_the_text_fields(pilot, screen)
            await pilot.press("s")
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            assert app.screen is screen  # no password prompt, no keyring question
            assert statuses(screen) == ["sent"] * 6
    finally:
        controller.stop()
    assert len(handler.received) == 6
    assert private_places.stored == []


async def test_without_mail_settings_a_dry_run_offers_to_make_the_file(told):
    path = smtp.config_path()
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tell(pilot)
        await leave_the_text_fields(pilot, screen)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert not path.exists()
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert statuses(screen) == ["not sent"] * 6  # nothing ran
    assert path.read_text(encoding="utf-8") == smtp.config_template()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert smtp.load_config(path).host == "smtp.office365.com"


async def test_without_mail_settings_no_leaves_no_file(told):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tell(pilot)
        await leave_the_text_fields(pilot, screen)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen
    assert not smtp.config_path().exists()


async def test_a_name_that_looks_like_markup_is_shown_as_written(told):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tell(pilot)
        names = cell_texts(screen.query_one("#tell-log", ColumnsTable))
        assert HOSTILE_NAME in names and SNEAKY_NAME in names
        await leave_the_text_fields(pilot, screen)
        for _ in range(6):
            if HOSTILE_NAME in preview_title(screen):
                break
            await pilot.press("n")
        assert f"Preview for {HOSTILE_NAME} (" in preview_title(screen)
        assert f"To: {HOSTILE_NAME} <hostile@example.no>" in preview(screen)
        assert "Hei [b]{leader}[/b]!" in preview(screen)


async def test_escape_goes_back_to_the_groups(told):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_tell(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        app.action_tell()
        await settle(pilot)
        assert isinstance(app.screen, TellScreen)


def test_snapshot_of_tell_the_groups(snap_compare, told):
    async def run_before(pilot):
        await open_tell(pilot)
        for widget in pilot.app.screen.query("Input, TextArea"):
            widget.cursor_blink = False
        await settle(pilot)

    assert snap_compare(SpleisApp(), terminal_size=SIZE, run_before=run_before)


async def test_edits_survive_a_dialog_and_the_help_screen(told, server):
    write_config(server.port)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tell(pilot)
        await pilot.press("end", "ctrl+u", *"Ny: {group}")
        await pilot.press("f1")
        await settle(pilot)
        assert app.screen is not screen
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#tell-subject", Input).value == "Ny: {group}"
        await leave_the_text_fields(pilot, screen)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # save first?
        await pilot.press("n")
        await settle(pilot)
        assert screen.query_one("#tell-subject", Input).value == "Ny: {group}"
        assert "Subject: Ny: Group A" in preview(screen)
        assert statuses(screen) == ["not sent"] * 6  # nothing ran
    assert templates.get_template(told.round, "nb").is_default


async def test_switching_the_language_of_the_screens_keeps_the_template_shown(told):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tell(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert screen.query_one("#tell-subject", Input).value == "Gruppen din i {round}: {group}"
        assert screen.query_one("#tell-body", TextArea).text.startswith("Hei {first_name}!")
        assert "Hei Kari!" in preview(screen)


async def test_cancel_stops_sending_after_the_message_on_its_way(told, server):
    write_config(server.port, rate_per_minute=1)  # a minute between messages
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tell(pilot)
        await leave_the_text_fields(pilot, screen)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("y")
        for _ in range(200):
            if screen.done:
                break
            await pilot.pause(0.02)
        assert len(server.received) == 1 and screen.running
        await pilot.press("c")
        await settle(pilot)
        assert not screen.running
        assert "Stopped: run it again to send the rest." in state(screen)
        assert statuses(screen) == ["sent"] + ["not sent"] * 5
    assert len(server.received) == 1
    assert SentMessage.select().count() == 1
