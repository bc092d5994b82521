"""`spleis --demo` shows every part of a round: leaders, activities, a turgruppe series
with attendance and drop-outs, and an earlier round's follow-up."""

from __future__ import annotations

import pytest

from spleis_tui.core.db import close_db, open_db
from spleis_tui.core.models import (
    Activity,
    ActivitySignUp,
    Attendance,
    Feedback,
    Group,
    GroupFollowUp,
    Leader,
    Round,
)


@pytest.fixture
def demo(db_path):
    from spleis_tui.core.demo import EARLIER_ROUND, HIKING_ROUND, seed_demo

    open_db(db_path)
    seed_demo(size=120, earlier_size=40, hiking_size=48)
    yield {
        "hiking": Round.get(Round.name == HIKING_ROUND).id,
        "earlier": Round.get(Round.name == EARLIER_ROUND).id,
    }
    close_db()


def test_the_hiking_round_has_turledere_six_weekly_hikes_and_attendance(demo):
    from spleis_tui.core.series import attendance_by_week, dropouts, list_series

    hiking = demo["hiking"]
    assert Leader.select().where((Leader.round == hiking) & (Leader.role == "turleder")).count()
    groups = Group.select().where(Group.round == hiking)
    assert groups.count() > 0
    assert all(group.leader_id for group in groups)  # enough turledere for every group
    [series] = list_series(hiking)
    assert series.sessions == 6 * series.groups
    weeks = attendance_by_week(hiking)
    assert [w.session for w in weeks] == [1, 2, 3, 4, 5, 6]
    assert all(w.expected and 0 < w.present <= w.expected for w in weeks[:3])
    assert all(w.expected == 0 for w in weeks[3:])  # not walked yet
    assert dropouts(hiking)  # somebody for the leaders to reach out to


def test_the_current_round_has_activities_with_a_waiting_list(demo):
    from spleis_tui.core.rounds import current_round

    current = current_round()
    activities = Activity.select().where((Activity.round == current.id) & Activity.series.is_null())
    assert {a.activity_type_id for a in activities} >= {"rebuslop", "skidag", "grilling"}
    waiting = (
        ActivitySignUp.select()
        .join(Activity)
        .where((Activity.round == current.id) & (ActivitySignUp.status == "waiting"))
    )
    assert waiting.count() > 0
    assert Attendance.select().join(Activity).where(Activity.round == current.id).count() == 0


def test_the_closed_round_has_its_follow_up(demo):
    from spleis_tui.core.followup import feedback_summary

    earlier = demo["earlier"]
    assert GroupFollowUp.select().join(Group).where(Group.round == earlier).count() == (
        Group.select().where(Group.round == earlier).count()
    )
    assert Feedback.select().count() > 0
    summary = feedback_summary(earlier)
    assert summary.groups_met > 0 and summary.answers > 0
    assert summary.average is not None and 1 <= summary.average <= 5
