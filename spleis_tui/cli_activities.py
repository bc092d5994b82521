"""The headless face of running a round after the matching: leaders to groups, the
activity catalogue, scheduled activities and series, attendance, and follow-up.

Registered on the `spleis` command group by `spleis_tui.cli`, whose shared options and
helpers these commands use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from spleis_tui.cli import (
    Column,
    IsoDate,
    cli,
    current,
    emit,
    format_option,
    leaders,
    needs_db,
    option,
    plain,
    progress_reporter,
    round_option,
    rounds,
    row_dict,
    yes_option,
)
from spleis_tui.core import activities as core_activities
from spleis_tui.core import catalogue as core_catalogue
from spleis_tui.core import groups as core_groups
from spleis_tui.core import leaders as core_leaders
from spleis_tui.core import series as core_series
from spleis_tui.core import signups as core_signups
from spleis_tui.core.errors import SpleisError
from spleis_tui.core.models import SEASONS
from spleis_tui.i18n import N_, _, ngettext, number

YES_NO = {"yes": True, "no": False, "unknown": None}


def moment(value: Any) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


# spleis leaders assign / groups


@leaders.command(
    "assign",
    help=N_(
        "Give the groups leaders: on their own campus, within what each can take, in a "
        "language that fits, with the load shared. Says how many leaders are missing where."
    ),
)
@round_option
@option(
    "--replace", is_flag=True, help=N_("Reassign every unlocked group, not only those without.")
)
@option("--dry-run", is_flag=True, help=N_("Show the plan; change nothing."))
@needs_db
def leaders_assign(round_ref: str | None, replace: bool, dry_run: bool) -> None:
    from spleis_tui.core import leader_assignment

    found = current(round_ref)
    plan = leader_assignment.propose_assignment(found.id, replace=replace)
    for item in plan.assignments:
        click.echo(f"{plain(item.group_name)} → {plain(item.leader_name)}  ({plain(item.reason)})")
    for item in plan.unassigned:
        click.echo(
            _("{group}: no leader ({why})").format(
                group=plain(item.group_name), why=plain(item.why)
            )
        )
    for line in leader_assignment.describe_shortage(plan):
        click.echo(plain(line))
    if dry_run:
        click.echo(
            ngettext(
                "Dry run: {n} group would get a leader.",
                "Dry run: {n} groups would get a leader.",
                len(plan.assignments),
            ).format(n=number(len(plan.assignments)))
        )
        return
    changed = leader_assignment.apply_assignment(plan)
    click.echo(
        ngettext("{n} group got a leader.", "{n} groups got a leader.", changed).format(
            n=number(changed)
        )
    )


@leaders.command("groups", help=N_("The groups one leader has: their own view of the round."))
@click.argument("leader_ref", metavar="LEADER")
@round_option
@format_option
@needs_db
def leaders_groups(leader_ref: str, round_ref: str | None, fmt: str) -> None:
    from spleis_tui.core import leader_assignment
    from spleis_tui.core.reference import load_reference
    from spleis_tui.labels import label

    leader = core_leaders.find_leader(current(round_ref).id, leader_ref)
    ref = load_reference()
    rows = [
        {
            **row_dict(g),
            "campus": ref.campus_name(g.campus) if g.campus else "",
            "language_mix": ", ".join(
                f"{label('language', code)} {n}" for code, n in g.language_mix
            ),
        }
        for g in leader_assignment.leader_groups(leader.id)
    ]
    columns = [
        Column("name", _("Group")),
        Column("size", _("Size")),
        Column("campus", _("Campus")),
        Column("language_mix", _("Languages")),
        Column("meeting_at", _("First meeting"), show=moment),
        Column("meeting_place", _("Meeting point")),
    ]
    emit(lambda: rows, columns, fmt, empty=_("{name} leads no group yet.").format(name=leader.name))


# spleis activities


@cli.group(help=N_("Activities: the catalogue, and what is planned for the round."))
def activities() -> None:
    pass


@activities.group(
    "catalogue",
    invoke_without_command=True,
    help=N_("The kinds of activity to choose from, with tips that keep the threshold low."),
)
@option("--season", type=click.Choice(SEASONS), help=N_("Only what suits this season."))
@option("--details", is_flag=True, help=N_("With the description, the tips and plan B."))
@format_option
@click.pass_context
def activities_catalogue(ctx: click.Context, season: str | None, details: bool, fmt: str) -> None:
    if ctx.invoked_subcommand is None:
        _show_catalogue(season, details, fmt)


@needs_db
def _show_catalogue(season: str | None, details: bool, fmt: str) -> None:
    entries = core_catalogue.list_catalogue(season=season)
    if details and fmt == "table":
        for entry in entries:
            click.echo(f"{entry.code}: {plain(entry.name())}")
            click.echo("  " + plain(entry.description()))
            for tip in entry.tips():
                click.echo("  • " + plain(tip))
            if entry.bad_weather():
                click.echo("  " + _("Plan B: {text}").format(text=plain(entry.bad_weather())))
            click.echo()
        return
    rows = [
        {
            "code": e.code,
            "name": e.name(),
            "seasons": ", ".join(e.seasons),
            "cost_nok": e.cost_nok,
            "outdoor": e.outdoor,
            "shipped": e.shipped,
        }
        for e in entries
    ]
    columns = [
        Column("code", _("Code")),
        Column("name", _("Name")),
        Column("seasons", _("Seasons")),
        Column("cost_nok", _("Cost (NOK)"), show=lambda v: _("free") if v == 0 else str(v)),
        Column("outdoor", _("Outdoor"), show=lambda v: _("yes") if v else _("no")),
    ]
    emit(lambda: rows, columns, fmt, empty=_("The catalogue is empty."))


@activities_catalogue.command("add", help=N_("Add a kind of activity of your own."))
@click.argument("code")
@click.argument("name_nb", metavar="NAME_NB")
@option("--name-en", default="", help=N_("English name (default: the Norwegian one)."))
@option("--description", "description_nb", default="", help=N_("What it is, in Norwegian."))
@option("--description-en", default="", help=N_("What it is, in English."))
@option(
    "--season",
    "seasons",
    multiple=True,
    type=click.Choice(SEASONS),
    help=N_("When it suits (repeat; default: all year)."),
)
@option("--cost", "cost_nok", type=int, default=0, help=N_("Rough cost per person in NOK."))
@option("--indoor", is_flag=True, help=N_("It happens indoors."))
@option("--tip", "tips", multiple=True, help=N_("A tip that keeps the threshold low (repeat)."))
@option("--plan-b", "bad_weather_nb", default="", help=N_("What to do in bad weather."))
@needs_db
def catalogue_add(
    code: str,
    name_nb: str,
    name_en: str,
    description_nb: str,
    description_en: str,
    seasons: tuple[str, ...],
    cost_nok: int,
    indoor: bool,
    tips: tuple[str, ...],
    bad_weather_nb: str,
) -> None:
    added = core_catalogue.add_type(
        code,
        name_nb,
        name_en,
        description_nb=description_nb,
        description_en=description_en,
        seasons=seasons or ("all",),
        cost_nok=cost_nok,
        outdoor=not indoor,
        tips_nb="\n".join(tips),
        bad_weather_nb=bad_weather_nb,
    )
    click.echo(
        _("Added {name} ({code}) to the catalogue.").format(
            name=plain(added.name_nb), code=added.code
        )
    )


@activities_catalogue.command("delete", help=N_("Delete a kind of activity you added."))
@click.argument("code")
@needs_db
def catalogue_delete(code: str) -> None:
    core_catalogue.delete_type(code)
    click.echo(_("Deleted {code} from the catalogue.").format(code=plain(code)))


@activities.command("add", help=N_("Plan an activity: a rebus race, a hike, a ski day…"))
@click.argument("type_code", metavar="[TYPE]", required=False)
@round_option
@option("--title", default="", help=N_("Its name (default: the kind's name)."))
@option(
    "--at", "starts_at", required=True, metavar="TIME", help=N_("Start, such as 2027-02-06 12:00.")
)
@option("--until", "ends_at", default="", metavar="TIME", help=N_("End, such as 2027-02-06 15:00."))
@option("--place", default="", help=N_("Where to meet."))
@option("--campus", default="", help=N_("Campus code or name."))
@option("--capacity", type=int, help=N_("How many can come (default: no limit)."))
@option("--leader", "leader_ref", help=N_("The leader in charge (e-mail, name or id)."))
@option(
    "--group",
    "group_refs",
    multiple=True,
    metavar="G",
    help=N_("Only for this group (repeat); default: open to all."),
)
@needs_db
def activities_add(
    type_code: str | None,
    round_ref: str | None,
    title: str,
    starts_at: str,
    ends_at: str,
    place: str,
    campus: str,
    capacity: int | None,
    leader_ref: str | None,
    group_refs: tuple[str, ...],
) -> None:
    found = current(round_ref)
    data: dict[str, Any] = {
        "type": type_code or None,
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at or None,
        "place": place,
        "campus": campus,
        "capacity": capacity,
        "leader_id": core_leaders.find_leader(found.id, leader_ref).id if leader_ref else None,
        "group_ids": [core_groups.find_group(found.id, ref).id for ref in group_refs],
    }
    activity = core_activities.schedule_activity(found.id, data)
    click.echo(
        _("Planned {title} on {when} (id {id}).").format(
            title=plain(activity.title), when=moment(activity.starts_at), id=activity.id
        )
    )


def activity_columns() -> list[Column]:
    return [
        Column("id", _("Id")),
        Column("starts_at", _("When"), show=moment),
        Column("title", _("Title")),
        Column("place", _("Place")),
        Column("people", _("People")),
        Column("attendance", _("Came")),
        Column("leader", _("Leader")),
    ]


def activity_rows(round_id: int) -> list[dict[str, Any]]:
    rows = []
    for row in core_activities.list_activities(round_id):
        values = row_dict(row)
        if row.series_id:
            people = str(row.expected)
        else:
            limit = f"/{row.capacity}" if row.capacity else ""
            people = f"{row.going}{limit}" + (f" +{row.waiting}" if row.waiting else "")
        values["people"] = people
        values["attendance"] = f"{row.present}/{row.expected}" if row.taken else ""
        values["group_names"] = list(row.group_names)
        rows.append(values)
    return rows


@activities.command("list", help=N_("The round's planned activities, by time."))
@round_option
@format_option
@needs_db
def activities_list(round_ref: str | None, fmt: str) -> None:
    round_id = current(round_ref).id
    rows = activity_rows(round_id)
    emit(lambda: rows, activity_columns(), fmt, empty=_("Nothing is planned in this round yet."))


@activities.command("join", help=N_("Sign people (e-mails) or a whole --group up for an activity."))
@click.argument("activity_ref", metavar="ACTIVITY")
@click.argument("emails", nargs=-1)
@option("--group", "group_ref", metavar="G", help=N_("Sign up every member of this group."))
@round_option
@needs_db
def activities_join(
    activity_ref: str, emails: tuple[str, ...], group_ref: str | None, round_ref: str | None
) -> None:
    round_id = current(round_ref).id
    activity = core_activities.find_activity(round_id, activity_ref)
    if bool(emails) == bool(group_ref):
        raise SpleisError(_("Give e-mails or --group (not both)."))
    if group_ref:
        report = core_activities.join_group(
            activity.id, core_groups.find_group(round_id, group_ref).id
        )
    else:
        ids = [core_signups.find_signup(round_id, email).id for email in emails]
        report = core_activities.join(activity.id, ids)
    click.echo(
        _(
            "{going} going, {waiting} on the waiting list, {already} signed up already, "
            "{refused} not allowed."
        ).format(
            going=len(report.going),
            waiting=len(report.waiting),
            already=len(report.already),
            refused=len(report.not_allowed),
        )
    )


@activities.command("leave", help=N_("Take somebody off an activity; the waiting list moves up."))
@click.argument("activity_ref", metavar="ACTIVITY")
@click.argument("email")
@round_option
@needs_db
def activities_leave(activity_ref: str, email: str, round_ref: str | None) -> None:
    round_id = current(round_ref).id
    activity = core_activities.find_activity(round_id, activity_ref)
    signup = core_signups.find_signup(round_id, email)
    promoted = core_activities.leave(activity.id, signup.id)
    click.echo(
        _("{name} is off {title}.").format(name=plain(signup.name), title=plain(activity.title))
    )
    if promoted:
        name = core_signups.get_signup(promoted).name
        click.echo(_("{name} got the place from the waiting list.").format(name=plain(name)))


@activities.command("people", help=N_("Who is going, who is waiting, and who came."))
@click.argument("activity_ref", metavar="ACTIVITY")
@round_option
@format_option
@needs_db
def activities_people(activity_ref: str, round_ref: str | None, fmt: str) -> None:
    activity = core_activities.find_activity(current(round_ref).id, activity_ref)
    rows = [row_dict(p) for p in core_activities.participants(activity.id)]
    status_words = {"going": _("going"), "waiting": _("waiting"), "member": _("member")}
    columns = [
        Column("name", _("Name")),
        Column("email", _("E-mail")),
        Column("group", _("Group")),
        Column("status", _("Status"), show=lambda v: status_words.get(v, v)),
        Column("position", _("Place in line")),
        Column(
            "present",
            _("Came"),
            show=lambda v: "" if v is None else (_("yes") if v else _("no")),
        ),
    ]
    emit(lambda: rows, columns, fmt, empty=_("Nobody is signed up yet."))


@activities.command(
    "delete", help=N_("Delete a planned activity with its sign-ups and attendance.")
)
@click.argument("activity_ref", metavar="ACTIVITY")
@round_option
@yes_option
@needs_db
def activities_delete(activity_ref: str, round_ref: str | None, yes: bool) -> None:
    from spleis_tui.cli import confirm

    activity = core_activities.find_activity(current(round_ref).id, activity_ref)
    confirm(_("Delete {title}?").format(title=plain(activity.title)), yes)
    core_activities.delete_activity(activity.id)
    click.echo(_("Deleted {title}.").format(title=plain(activity.title)))


# spleis series


@cli.group(help=N_("Series: weekly sessions for every group, such as six weeks of hikes."))
def series() -> None:
    pass


@series.command("create", help=N_("Create N weekly sessions for every group (or the ones named)."))
@round_option
@option("--weeks", type=int, default=6, show_default=True, help=N_("How many sessions."))
@option("--start", type=IsoDate(), required=True, help=N_("The first possible day."))
@option("--weekday", required=True, help=N_("The day they meet: wed, onsdag…"))
@option("--time", "time_text", required=True, help=N_("When they meet, such as 17:00."))
@option("--place", default="", help=N_("Where they meet."))
@option(
    "--type", "type_code", default="fottur", show_default=True, help=N_("The kind of activity.")
)
@option("--name", default=None, help=N_("The series' name (default: the kind's name)."))
@option("--group", "group_refs", multiple=True, metavar="G", help=N_("Only this group (repeat)."))
@needs_db
def series_create(
    round_ref: str | None,
    weeks: int,
    start,
    weekday: str,
    time_text: str,
    place: str,
    type_code: str,
    name: str | None,
    group_refs: tuple[str, ...],
) -> None:
    found = current(round_ref)
    group_ids = [core_groups.find_group(found.id, ref).id for ref in group_refs] or None
    report = core_series.create_series(
        found.id,
        weeks=weeks,
        start=start,
        weekday=core_series.parse_weekday(weekday),
        time=time_text,
        place=place,
        type_code=type_code or None,
        name=name,
        group_ids=group_ids,
    )
    click.echo(
        _("Created {series}: {sessions} for {groups}, {first} to {last}.").format(
            series=plain(report.name),
            sessions=ngettext("{n} session", "{n} sessions", report.sessions).format(
                n=number(report.sessions)
            ),
            groups=ngettext("{n} group", "{n} groups", report.groups).format(
                n=number(report.groups)
            ),
            first=report.first_day,
            last=report.last_day,
        )
    )


@series.command("list", help=N_("The round's series."))
@round_option
@format_option
@needs_db
def series_list(round_ref: str | None, fmt: str) -> None:
    rows = [row_dict(s) for s in core_series.list_series(current(round_ref).id)]
    columns = [
        Column("series_id", _("Id")),
        Column("name", _("Name")),
        Column("groups", _("Groups")),
        Column("sessions", _("Sessions")),
        Column("first_day", _("First day")),
        Column("last_day", _("Last day")),
    ]
    emit(lambda: rows, columns, fmt, empty=_("This round has no series yet."))


@series.command("delete", help=N_("Delete a series with all its sessions and attendance."))
@click.argument("series_id", type=int)
@yes_option
@needs_db
def series_delete(series_id: int, yes: bool) -> None:
    from spleis_tui.cli import confirm

    found = core_series.get_series(series_id)
    confirm(_("Delete {name} with all its sessions?").format(name=plain(found.name)), yes)
    removed = core_series.delete_series(series_id)
    click.echo(
        ngettext("Deleted {n} session.", "Deleted {n} sessions.", removed).format(n=number(removed))
    )


# spleis attendance


@cli.group(help=N_("Attendance: who came, week by week, and who has dropped out."))
def attendance() -> None:
    pass


@attendance.command("mark", help=N_("Mark people (e-mails) as present at an activity."))
@click.argument("activity_ref", metavar="ACTIVITY")
@click.argument("emails", nargs=-1, required=True)
@option("--absent", is_flag=True, help=N_("Mark them absent instead."))
@round_option
@needs_db
def attendance_mark(
    activity_ref: str, emails: tuple[str, ...], absent: bool, round_ref: str | None
) -> None:
    round_id = current(round_ref).id
    activity = core_activities.find_activity(round_id, activity_ref)
    ids = [core_signups.find_signup(round_id, email).id for email in emails]
    marked = core_activities.mark_attendance(activity.id, ids, present=not absent)
    text = (
        ngettext(
            "Marked {n} person absent at {title}.", "Marked {n} people absent at {title}.", marked
        )
        if absent
        else ngettext(
            "Marked {n} person present at {title}.", "Marked {n} people present at {title}.", marked
        )
    )
    click.echo(text.format(n=number(marked), title=plain(activity.title)))


@attendance.command(
    "report",
    help=N_("Attendance per week of the round's series, and who missed two in a row."),
)
@round_option
@option("--series", "series_id", type=int, help=N_("Only this series (id)."))
@format_option
@needs_db
def attendance_report(round_ref: str | None, series_id: int | None, fmt: str) -> None:
    round_id = current(round_ref).id
    weeks = core_series.attendance_by_week(round_id, series_id)
    gone = core_series.dropouts(round_id, series_id)
    if fmt != "table":
        rows = [{**row_dict(w), "kind": "week"} for w in weeks] + [
            {**row_dict(d), "kind": "dropout"} for d in gone
        ]
        keys = sorted({key for row in rows for key in row})
        emit(lambda: rows, [Column(k, k) for k in keys], fmt, empty="")
        return
    week_rows = [
        {
            **row_dict(w),
            "share": f"{round(100 * w.present / w.expected)} %" if w.expected else "",
            "taken": f"{w.taken_groups}/{w.groups}",
        }
        for w in weeks
    ]
    emit(
        lambda: week_rows,
        [
            Column("session", _("Week")),
            Column("date", _("Date")),
            Column("present", _("Came")),
            Column("expected", _("Expected")),
            Column("share", _("Share")),
            Column("taken", _("Groups counted")),
        ],
        fmt,
        empty=_("This round has no series yet."),
    )
    click.echo()
    if not gone:
        click.echo(_("Nobody has missed two sessions in a row."))
        return
    click.echo(
        ngettext(
            "{n} person missed two sessions in a row: reach out to them.",
            "{n} people missed two sessions in a row: reach out to them.",
            len(gone),
        ).format(n=number(len(gone)))
    )
    rows = [{**row_dict(d), "missed": ", ".join(str(s) for s in d.missed_sessions)} for d in gone]
    emit(
        lambda: rows,
        [
            Column("name", _("Name")),
            Column("email", _("E-mail")),
            Column("phone", _("Phone")),
            Column("group", _("Group")),
            Column("leader", _("Leader")),
            Column("missed", _("Missed")),
        ],
        fmt,
        empty="",
    )


# spleis followup


@cli.group(help=N_("Follow-up: did the groups meet, and what did the members think?"))
def followup() -> None:
    pass


@followup.command(
    "import", help=N_("Read a follow-up form export (CSV, XLSX, ODS) into the round.")
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@round_option
@option("--dry-run", is_flag=True, help=N_("Show what would happen; save nothing."))
@needs_db
def followup_import(file: str, round_ref: str | None, dry_run: bool) -> None:
    from spleis_tui.core import followup as core_followup

    found = current(round_ref)
    if not Path(file).expanduser().exists():
        raise SpleisError(_("There is no file {path}.").format(path=file))
    with progress_reporter(_("Importing")) as progress:
        report = core_followup.import_feedback(
            Path(file).expanduser(), found.id, dry_run=dry_run, progress=progress
        )
    for line in core_followup.describe_report(report):
        click.echo(plain(line))


@followup.command("group", help=N_("Record whether a group met, and how often."))
@click.argument("group_ref", metavar="GROUP")
@round_option
@option("--met", type=click.Choice(tuple(YES_NO)), help=N_("Did they meet?"))
@option("--times", "times_met", type=int, help=N_("How many times they met."))
@option("--note", help=N_("A short note."))
@needs_db
def followup_group(
    group_ref: str, round_ref: str | None, met: str | None, times_met: int | None, note: str | None
) -> None:
    from spleis_tui.core import followup as core_followup

    group = core_groups.find_group(current(round_ref).id, group_ref)
    given: dict[str, Any] = {}
    if met is not None:
        given["met"] = YES_NO[met]
    if times_met is not None:
        given["times_met"] = times_met
    if note is not None:
        given["note"] = note
    if not given:
        raise SpleisError(_("Give --met, --times or --note."))
    core_followup.set_group_followup(group.id, **given)
    click.echo(_("Saved the follow-up of {group}.").format(group=plain(group.name)))


@followup.command("report", help=N_("How the round went: groups that met, and the feedback."))
@round_option
@needs_db
def followup_report(round_ref: str | None) -> None:
    from spleis_tui.core import followup as core_followup

    found = current(round_ref)
    summary = core_followup.feedback_summary(found.id)
    click.echo(
        _("Groups: {met} met, {not_met} did not, {unknown} not known.").format(
            met=summary.groups_met, not_met=summary.groups_not_met, unknown=summary.groups_unknown
        )
    )
    click.echo(
        ngettext("{n} answer", "{n} answers", summary.answers).format(n=number(summary.answers))
        + ": "
        + _("{yes} met their group, {more} want to go on.").format(
            yes=summary.met_yes, more=summary.wants_more_yes
        )
    )
    if summary.average is not None:
        bars = "  ".join(
            f"{score}: {'█' * count}{count}" for score, count in enumerate(summary.ratings, 1)
        )
        from spleis_tui.core.matching.summary import decimal

        average = decimal(summary.average)
        click.echo(_("Rating: {average} of 5 on average.").format(average=average))
        click.echo(bars)


# spleis rounds invite


@rounds.command(
    "invite",
    help=N_(
        "Invite people from earlier rounds who have not signed up for this one: one .eml "
        "draft each, in their language, or --list to see who they are."
    ),
)
@option(
    "--from",
    "from_refs",
    multiple=True,
    required=True,
    metavar="R",
    help=N_("An earlier round (repeat)."),
)
@round_option
@option("--drafts", "drafts_dir", metavar="DIR", help=N_("Write the invitations into this folder."))
@option("--link", default="", help=N_("The sign-up form's address, put into every invitation."))
@option("--list", "list_only", is_flag=True, help=N_("Only list who would be invited."))
@format_option
@needs_db
def rounds_invite(
    from_refs: tuple[str, ...],
    round_ref: str | None,
    drafts_dir: str | None,
    link: str,
    list_only: bool,
    fmt: str,
) -> None:
    from spleis_tui.core import invitations
    from spleis_tui.core import rounds as core_rounds

    found = current(round_ref)
    earlier = [core_rounds.find_round(ref).id for ref in from_refs]
    if bool(drafts_dir) == list_only:
        raise SpleisError(_("Give --drafts DIR or --list."))
    if list_only:
        rows = [row_dict(i) for i in invitations.invitees(found.id, earlier)]
        columns = [
            Column("name", _("Name")),
            Column("email", _("E-mail")),
            Column("earlier_round", _("Took part in")),
        ]
        emit(
            lambda: rows,
            columns,
            fmt,
            empty=_("Everybody from those rounds has signed up already."),
        )
        return
    sender = None
    from spleis_tui.core.notify import smtp

    if smtp.config_path().exists():
        config = smtp.load_config()
        sender = (config.sender_name, config.sender_email)
    report = invitations.write_invitations(found.id, earlier, drafts_dir, link=link, sender=sender)
    click.echo(
        ngettext(
            "Wrote {n} invitation to {folder}.",
            "Wrote {n} invitations to {folder}.",
            report.written,
        ).format(n=number(report.written), folder=report.folder)
    )
