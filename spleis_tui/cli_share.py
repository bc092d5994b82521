"""The headless face of sharing a round: exports, PDF rosters, calendar files, first
meetings, welcome texts and the e-mail to every member.

Registered on the `spleis` command group by `spleis_tui.cli`, whose shared options and
helpers these commands use.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from spleis_tui.cli import (
    _reason,
    cli,
    current,
    groups,
    needs_db,
    option,
    plain,
    progress_reporter,
    round_option,
    rounds,
    signups_text,
)
from spleis_tui.core import groups as core_groups
from spleis_tui.core import leaders as core_leaders
from spleis_tui.core import rosters as core_rosters
from spleis_tui.core import share
from spleis_tui.core.errors import SpleisError
from spleis_tui.core.models import Group, Round
from spleis_tui.i18n import N_, _, ngettext
from spleis_tui.locations import export_dir


def groups_text(count: int) -> str:
    return ngettext("{n} group", "{n} groups", count).format(n=count)


# spleis groups meeting


@groups.command(
    "meeting",
    help=N_(
        "Set where and when groups meet first, and what they do. "
        "Name groups, or give --all; only the options given change."
    ),
)
@click.argument("group_refs", metavar="[GROUP]...", nargs=-1)
@option("--all", "all_groups", is_flag=True, help=N_("Every group in the round."))
@option("--activity", help=N_("What they do, such as Coffee at Stripa; '' brings the suggestion."))
@option("--place", help=N_("The meeting point, such as the main entrance of Realfagbygget."))
@option("--at", "at_text", metavar="TIME", help=N_("Date and time, such as 2027-01-28 17:00."))
@option("--no-time", is_flag=True, help=N_("Clear the time (to be agreed)."))
@round_option
@needs_db
def groups_meeting(
    group_refs: tuple[str, ...],
    all_groups: bool,
    activity: str | None,
    place: str | None,
    at_text: str | None,
    no_time: bool,
    round_ref: str | None,
) -> None:
    round_id = current(round_ref).id
    if all_groups == bool(group_refs):
        raise SpleisError(_("Name the groups, or give --all (not both)."))
    if at_text is not None and no_time:
        raise SpleisError(_("Give --at or --no-time, not both."))
    if at_text is not None and not at_text.strip():
        raise SpleisError(_("--at needs a date and a time, such as 2027-01-28 17:00."))
    if all_groups:
        ids = [g for (g,) in Group.select(Group.id).where(Group.round == round_id).tuples()]
    else:
        ids = [core_groups.find_group(round_id, ref).id for ref in group_refs]
    changes: dict = {"activity": activity, "place": place}
    if at_text:
        changes["at"] = core_rosters.parse_meeting_time(at_text)
    elif no_time:
        changes["at"] = None
    if activity is None and place is None and "at" not in changes:
        raise SpleisError(_("Give --activity, --place, --at or --no-time."))
    changed = core_rosters.set_first_meeting(ids, **changes)
    click.echo(_("Set the first meeting of {groups}.").format(groups=groups_text(changed)))


# spleis rounds welcome


@rounds.command(
    "welcome",
    help=N_(
        "Show or set the welcome text at the top of every roster page. "
        "Without options it prints the text the rosters use."
    ),
)
@click.argument("round_ref", metavar="[R]", required=False)
@option("--text", help=N_("The new welcome text."))
@option(
    "--file",
    "text_file",
    type=click.File("r", encoding="utf-8"),
    help=N_("Read the new welcome text from a file (- for standard input)."),
)
@option("--reset", is_flag=True, help=N_("Go back to the default text."))
@needs_db
def rounds_welcome(round_ref: str | None, text: str | None, text_file, reset: bool) -> None:
    found = current(round_ref)
    given = [choice for choice in (text is not None, text_file is not None, reset) if choice]
    if len(given) > 1:
        raise SpleisError(_("Give one of --text, --file and --reset."))
    if not given:
        click.echo(plain_lines(core_rosters.welcome_text_of(found)))
        return
    new_text = "" if reset else (text if text is not None else read_text(text_file))
    core_rosters.set_welcome_text(found.id, new_text)
    if reset or not new_text.strip():
        message = _("{round} uses the default welcome text again.")
        click.echo(message.format(round=plain(found.name)))
    else:
        click.echo(_("Saved the welcome text of {round}.").format(round=plain(found.name)))


def read_text(handle) -> str:
    """A text file given with --file, or one clear line when it is not UTF-8."""
    try:
        return handle.read()
    except UnicodeDecodeError as error:
        raise SpleisError(
            _("{path} is not UTF-8 text. Save it as UTF-8 and try again.").format(
                path=getattr(handle, "name", "-")
            )
        ) from error


def plain_lines(text: str) -> str:
    """Multi-line text safe to print: each line made plain, the line breaks kept."""
    return "\n".join(plain(line) for line in text.splitlines())


# spleis export


@cli.group(help=N_("Export a round for spreadsheets, other tools and calendars."))
def export() -> None:
    pass


def members_text(count: int) -> str:
    return ngettext("{n} group member", "{n} group members", count).format(n=count)


def leaders_text(count: int) -> str:
    return ngettext("{n} leader", "{n} leaders", count).format(n=count)


COUNTED = {"participants": signups_text, "groups": members_text, "leaders": leaders_text}
SHEET_HELP = {
    "participants": N_("Write a round's sign-ups, with stable codes for scripts and pivot tables."),
    "groups": N_("Write a round's groups: one row per member, with the group and its leader."),
    "leaders": N_("Write a round's leaders with their groups."),
}
FORMAT_HELP = N_(
    "csv, xlsx, md or json (default: from the file name, else csv). A CSV file gets a BOM "
    "so Excel reads æøå right; no cell can start a formula."
)


def _sheet_command(dataset: str) -> None:
    @export.command(dataset, help=SHEET_HELP[dataset])
    @round_option
    @option("--format", "fmt", type=click.Choice(("csv", "xlsx", "md", "json")), help=FORMAT_HELP)
    @option("--excel", is_flag=True, help=N_("CSV with ; between values, for Norwegian Excel."))
    @option("-o", "--output", required=True, metavar="FILE", help=N_("File to write, or -."))
    @needs_db
    def command(round_ref: str | None, fmt: str | None, excel: bool, output: str) -> None:
        _export_sheet(dataset, current(round_ref), fmt, excel, output)

    command.__name__ = f"export_{dataset}"


def _export_sheet(dataset: str, found: Round, fmt: str | None, excel: bool, output: str) -> None:
    from spleis_tui.core import export as core_export

    fmt = fmt or (core_export.guess_format(output) if output != "-" else None) or "csv"
    if excel and fmt != "csv":
        raise SpleisError(_("--excel is for CSV files only."))
    counted = COUNTED[dataset]
    if output == "-":
        # Standard output gets no BOM: it goes to a pipe or a program, not to Excel.
        count = core_export.write_dataset(dataset, fmt, found.id, sys.stdout, excel=excel)
        click.echo(_("Exported {rows}.").format(rows=counted(count)), err=True)
        return
    request = share.ExportRequest(
        round_id=found.id,
        what=dataset,
        fmt="csv-excel" if excel else fmt,
        path=Path(output),
    )
    count = _run(request).count
    click.echo(
        _("Exported {rows} from {round} to {path}.").format(
            rows=counted(count), round=plain(found.name), path=output
        ),
        err=True,
    )


for _dataset in share.SPREADSHEETS:
    _sheet_command(_dataset)


def _run(request: share.ExportRequest) -> share.ExportResult:
    try:
        return share.run(request)
    except OSError as error:
        raise SpleisError(
            _("Cannot write {path}: {reason}").format(path=request.path, reason=_reason(error))
        ) from error


@export.command(
    "calendar",
    help=N_(
        "Write the groups' first meetings and the planned activities as an .ics calendar "
        "(Europe/Oslo time). Importing it again updates the events instead of adding new ones."
    ),
)
@round_option
@option("-o", "--output", required=True, metavar="FILE", help=N_("File to write, or -."))
@needs_db
def export_calendar(round_ref: str | None, output: str) -> None:
    found = current(round_ref)
    if output == "-":
        from spleis_tui.core import calendar

        sys.stdout.write(calendar.calendar_bytes(found.id).decode("utf-8"))
        return
    result = _run(share.ExportRequest(round_id=found.id, what="calendar", path=Path(output)))
    click.echo(plain(result.message), err=True)


# spleis roster


@cli.command(
    "roster",
    help=N_(
        "Write PDF rosters, one A4 page per group: the leader, the members and the first "
        "meeting. --attendance makes attendance sheets, --pack a leader's pack."
    ),
)
@round_option
@option("--group", "group_ref", metavar="G", help=N_("Only this group (name or id)."))
@option("--leader", "leader_ref", metavar="L", help=N_("Only this leader's groups."))
@option("--attendance", is_flag=True, help=N_("Attendance sheets with a signature column."))
@option("--pack", is_flag=True, help=N_("A leader's pack: a cover, rosters and attendance."))
@option(
    "-o",
    "--output",
    metavar="FILE.pdf",
    help=N_("File to write (default: in the Spleis folder of your documents)."),
)
@option("--print", "send_to_printer", is_flag=True, help=N_("Send it to the printer too."))
@needs_db
def roster_command(
    round_ref: str | None,
    group_ref: str | None,
    leader_ref: str | None,
    attendance: bool,
    pack: bool,
    output: str | None,
    send_to_printer: bool,
) -> None:
    found = current(round_ref)
    if group_ref and leader_ref:
        raise SpleisError(_("Give --group or --leader, not both."))
    if attendance and pack:
        raise SpleisError(_("Give --attendance or --pack, not both."))
    what = "attendance" if attendance else "pack" if pack else "rosters"
    group_id = core_groups.find_group(found.id, group_ref).id if group_ref else None
    leader_id = core_leaders.find_leader(found.id, leader_ref).id if leader_ref else None
    if output:
        path = Path(output)
    else:
        path = share.default_path(found.name, what, "", export_dir())
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    request = share.ExportRequest(
        round_id=found.id, what=what, group_id=group_id, leader_id=leader_id, path=path
    )
    with progress_reporter(_("Rendering")) as progress:
        try:
            result = share.run(request, progress=progress)
        except OSError as error:
            raise SpleisError(
                _("Cannot write {path}: {reason}").format(path=path, reason=_reason(error))
            ) from error
    click.echo(plain(result.message))
    if send_to_printer:
        click.echo(plain(share.print_file(result.path)))


# spleis notify


def _load_mail_config():
    from spleis_tui.core.notify import smtp

    path = smtp.config_path()
    if not path.exists():
        raise SpleisError(
            _(
                "There are no mail settings yet. Write them to {path} "
                "(`spleis notify config --init` makes one to fill in)."
            ).format(path=path)
        )
    return smtp.load_config(path)


@cli.group(
    "notify",
    invoke_without_command=True,
    help=N_(
        "Tell every member about their group by e-mail: write .eml drafts to a folder, or "
        "send through your mail server (one message each, logged, never twice)."
    ),
)
@round_option
@option(
    "--drafts",
    "drafts_dir",
    metavar="DIR",
    help=N_("Write one .eml draft per member into this folder, to send from a mail program."),
)
@option("--send", is_flag=True, help=N_("Send through the server in mail.toml."))
@option("--dry-run", is_flag=True, help=N_("With --send: check every message, send nothing."))
@click.pass_context
def notify(
    ctx: click.Context, round_ref: str | None, drafts_dir: str | None, send: bool, dry_run: bool
) -> None:
    # No needs_db here: `spleis notify config` must not create a database.
    if ctx.invoked_subcommand is not None:
        if drafts_dir or send or dry_run:
            raise SpleisError(_("Give --drafts or --send without a subcommand."))
        return
    _notify(round_ref, drafts_dir, send, dry_run)


@needs_db
def _notify(round_ref: str | None, drafts_dir: str | None, send: bool, dry_run: bool) -> None:
    if bool(drafts_dir) == send:
        raise SpleisError(_("Give --drafts DIR or --send (with --dry-run to try it first)."))
    if dry_run and not send:
        raise SpleisError(_("--dry-run goes with --send."))
    found = current(round_ref)
    if drafts_dir:
        _write_drafts(found, drafts_dir)
    else:
        _send(found, dry_run=dry_run)


def _write_drafts(found: Round, folder: str) -> None:
    from spleis_tui.core.notify import messages, smtp

    sender = None
    if smtp.config_path().exists():
        config = smtp.load_config()
        sender = (config.sender_name, config.sender_email)
    report = messages.write_drafts(found.id, folder, sender=sender)
    click.echo(
        ngettext(
            "Wrote {n} draft to {folder}.", "Wrote {n} drafts to {folder}.", report.written
        ).format(n=report.written, folder=report.folder)
    )
    if report.skipped_without_group:
        click.echo(
            ngettext(
                "{n} sign-up is in no group yet and got no draft.",
                "{n} sign-ups are in no group yet and got no draft.",
                report.skipped_without_group,
            ).format(n=report.skipped_without_group)
        )


# In sentences: "the bokmål template".
# Whole sentences per template: a language's name inside one does not translate well.
RESET_TEXT = {
    "nb": N_("The bokmål template is the default again."),
    "en": N_("The English template is the default again."),
}
SAVED_TEXT = {
    "nb": N_("Saved the bokmål template of {round}."),
    "en": N_("Saved the English template of {round}."),
}

STATUS_WORDS = {
    "sent": N_("sent"),
    "failed": N_("failed"),
    "skipped": N_("sent before"),
    "would_send": N_("would send"),
}


def _send(found: Round, *, dry_run: bool) -> None:
    from spleis_tui.core.notify import sending, smtp

    config = _load_mail_config()
    typed: list[str] = []

    def ask(prompt: str) -> str:
        if not sys.stdin.isatty():
            raise SpleisError(
                _("The password is not in the system keyring, and there is no terminal to ask.")
            )
        typed.append(click.prompt(prompt, hide_input=True, prompt_suffix="", err=True))
        return typed[-1]

    password = "" if dry_run else smtp.get_password(config, ask)

    def progress(recipient, status: str, error: str) -> None:
        if status == "skipped":
            return  # counted in the summary; a re-run would otherwise list everybody
        line = f"{_(STATUS_WORDS.get(status, status)):<12} {plain(recipient.email)}"
        line += f"  ({plain(recipient.group_name)})"
        if error:
            line += f": {plain(error)}"
        click.echo(line)

    try:
        report = sending.send_all(found.id, config, password, dry_run=dry_run, progress=progress)
    except smtp.LoginFailed:
        smtp.forget_password(config)
        raise
    if dry_run:
        summary = ngettext(
            "Dry run: {n} message would be sent", "Dry run: {n} messages would be sent", report.sent
        ).format(n=report.sent)
    else:
        summary = ngettext("Sent {n} message", "Sent {n} messages", report.sent).format(
            n=report.sent
        )
    parts = [summary]
    if report.failed:
        parts.append(ngettext("{n} failed", "{n} failed", report.failed).format(n=report.failed))
    if report.skipped_already_sent:
        parts.append(
            ngettext(
                "{n} had it already", "{n} had it already", report.skipped_already_sent
            ).format(n=report.skipped_already_sent)
        )
    click.echo(", ".join(parts) + ".")
    if report.failed:
        click.echo(_("Run the same command again to retry the ones that failed."))
    keep = _("Keep the password in the system keyring for next time?")
    if typed and report.sent and sys.stdin.isatty() and click.confirm(keep, err=True):
        smtp.store_password(config, typed[-1])
    if report.failed:
        sys.exit(1)


@notify.command("template", help=N_("Show or change the e-mail a round's members get."))
@option(
    "--lang",
    "language",
    type=click.Choice(("nb", "en")),
    default="nb",
    show_default=True,
    help=N_("Which template: bokmål (nb) or English (en)."),
)
@option("--subject", help=N_("The new subject line."))
@option(
    "--body-file",
    type=click.File("r", encoding="utf-8"),
    help=N_("Read the new text from a file (- for standard input)."),
)
@option("--reset", is_flag=True, help=N_("Go back to the default template."))
@click.pass_context
@needs_db
def notify_template(
    ctx: click.Context, language: str, subject: str | None, body_file, reset: bool
) -> None:
    from spleis_tui.core.notify import templates

    found = current(ctx.parent.params.get("round_ref") if ctx.parent else None)
    if reset and (subject or body_file):
        raise SpleisError(_("Give --reset alone."))
    if reset:
        templates.reset_template(found.id, language)
        click.echo(_(RESET_TEXT[language]))
        return
    template = templates.get_template(found.id, language)
    if subject is None and body_file is None:
        click.echo(_("Subject: {subject}").format(subject=plain(template.subject)))
        click.echo()
        click.echo(plain_lines(template.body))
        click.echo()
        click.echo(_("Placeholders: {names}").format(names=" ".join(templates.PLACEHOLDERS)))
        return
    body = read_text(body_file) if body_file is not None else template.body
    new_subject = subject if subject is not None else template.subject
    templates.save_template(found.id, language, new_subject, body)
    click.echo(_(SAVED_TEXT[language]).format(round=plain(found.name)))


@notify.command("log", help=N_("Who has been told, and who failed and why."))
@click.pass_context
@needs_db
def notify_log(ctx: click.Context) -> None:
    from spleis_tui.core.notify import sending

    found = current(ctx.parent.params.get("round_ref") if ctx.parent else None)
    rows = sending.send_log(found.id)
    if not rows:
        click.echo(
            _("Nobody in {round} has been sent an e-mail yet.").format(round=plain(found.name))
        )
        return
    for row in rows:
        line = f"{_(STATUS_WORDS.get(row.status, row.status)):<8} {plain(row.email)}"
        line += f"  {plain(row.group)}  {row.attempted_at:%Y-%m-%d %H:%M} UTC"
        if row.error:
            line += f"  {plain(row.error)}"
        click.echo(line)


@notify.command("config", help=N_("Where the mail settings are; --init writes one to fill in."))
@option("--init", is_flag=True, help=N_("Write a mail.toml to fill in, if there is none."))
def notify_config(init: bool) -> None:
    from spleis_tui.core.notify import smtp

    path = smtp.config_path()
    if init:
        smtp.write_config_template(path)
        click.echo(
            _("Wrote {path}. Fill in your server, then run spleis notify --send --dry-run.").format(
                path=path
            )
        )
        return
    click.echo(str(path) if path.exists() else _("{path} (not there yet)").format(path=path))
