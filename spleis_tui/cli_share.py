"""The headless face of telling people: first meetings, welcome texts, PDF rosters,
calendar files and the e-mail to every member.

Registered on the `spleis` command group by `spleis_tui.cli`, whose shared options and
helpers these commands use.
"""

from __future__ import annotations

import click

from spleis_tui.cli import (
    current,
    groups,
    needs_db,
    option,
    plain,
    round_option,
    rounds,
)
from spleis_tui.core import groups as core_groups
from spleis_tui.core import rosters as core_rosters
from spleis_tui.core.errors import SpleisError
from spleis_tui.core.models import Group
from spleis_tui.i18n import N_, _, ngettext


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
    if at_text and no_time:
        raise SpleisError(_("Give --at or --no-time, not both."))
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
    new_text = "" if reset else (text if text is not None else text_file.read())
    core_rosters.set_welcome_text(found.id, new_text)
    if reset or not new_text.strip():
        message = _("{round} uses the default welcome text again.")
        click.echo(message.format(round=plain(found.name)))
    else:
        click.echo(_("Saved the welcome text of {round}.").format(round=plain(found.name)))


def plain_lines(text: str) -> str:
    """Multi-line text safe to print: each line made plain, the line breaks kept."""
    return "\n".join(plain(line) for line in text.splitlines())
