"""The Social Technographics ladder: which activity shows which rung, the windows (a month; a
week for Conversationalists), the headline, and the history per month from the Activity log."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from coaching.ladder import (
    KIND_RUNG,
    LADDER,
    RUNGLESS_KINDS,
    Rung,
    Window,
    distribution,
    headline,
    ladder_profiles,
    month_windows,
    recent_window,
    rung_of,
    rungs_held,
)
from coaching.models import ActivityKind
from onboarding.models import Membership, Role
from tests.factories import ActivityFactory, MembershipFactory, ProfileFactory

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2025, 3, 15, 14, 0, tzinfo=AMS)


@pytest.mark.parametrize(
    ("kind", "rung"),
    [
        (ActivityKind.ITEM_REVIEWED, Rung.SPECTATORS),
        (ActivityKind.PROFILE_COMPLETED, Rung.JOINERS),
        (ActivityKind.COMMUNITY_VISITED, Rung.JOINERS),
        (ActivityKind.COMMUNITY_JOINED, Rung.JOINERS),
        (ActivityKind.SOURCE_FOLLOWED, Rung.COLLECTORS),
        (ActivityKind.ITEM_SAVED, Rung.COLLECTORS),
        (ActivityKind.DISCUSSION_REPLIED, Rung.CRITICS),
        (ActivityKind.ITEM_RATED, Rung.CRITICS),
        (ActivityKind.REACTION_POSTED, Rung.CRITICS),
        (ActivityKind.STATUS_UPDATE, Rung.CONVERSATIONALISTS),
        (ActivityKind.NEWS_SHARED, Rung.CONVERSATIONALISTS),
        (ActivityKind.BLOG_PUBLISHED, Rung.CREATORS),
        (ActivityKind.DISCUSSION_STARTED, Rung.CREATORS),
        (ActivityKind.NEWSLETTER_CONTRIBUTED, Rung.CREATORS),
        (ActivityKind.SESSION_HELD, None),
    ],
)
def test_each_activity_shows_its_rung(kind, rung):
    assert rung_of(kind) == rung


def test_every_activity_kind_is_placed_or_deliberately_left_off():
    assert set(KIND_RUNG) | RUNGLESS_KINDS == set(ActivityKind.values)
    assert not set(KIND_RUNG) & RUNGLESS_KINDS


def test_ladder_order_is_top_first():
    assert LADDER[0] == Rung.CREATORS
    assert LADDER[-1] == Rung.INACTIVES
    assert [r.label for r in LADDER] == [
        "Creators",
        "Conversationalists",
        "Critics",
        "Collectors",
        "Joiners",
        "Spectators",
        "Inactives",
    ]


def test_recent_window_is_the_last_30_local_days_including_today():
    window = recent_window(NOW)
    assert window.start == dt.datetime(2025, 2, 14, tzinfo=AMS)
    assert window.end == dt.datetime(2025, 3, 16, tzinfo=AMS)
    assert window.conversation_start == dt.datetime(2025, 3, 9, tzinfo=AMS)


def test_windows_stay_on_local_midnight_across_daylight_saving_time():
    # Summer time starts on 30 March 2025: the days before have another UTC offset.
    window = recent_window(dt.datetime(2025, 4, 2, 9, 0, tzinfo=AMS))
    assert window.start.hour == 0 and window.start.date() == dt.date(2025, 3, 4)
    assert window.start.utcoffset() == dt.timedelta(hours=1)
    assert window.end.utcoffset() == dt.timedelta(hours=2)
    assert window.conversation_start == dt.datetime(2025, 3, 27, tzinfo=AMS)


def test_month_windows_are_calendar_months_and_this_one_ends_after_today():
    windows = month_windows(NOW)
    assert len(windows) == 12
    assert windows[0].start == dt.datetime(2024, 4, 1, tzinfo=AMS)
    assert windows[0].end == dt.datetime(2024, 5, 1, tzinfo=AMS)
    assert windows[9].start == dt.datetime(2025, 1, 1, tzinfo=AMS)
    assert windows[10].end == dt.datetime(2025, 3, 1, tzinfo=AMS)
    assert windows[-1] == Window(
        dt.datetime(2025, 3, 1, tzinfo=AMS), dt.datetime(2025, 3, 16, tzinfo=AMS)
    )
    # A past month's Conversationalists are those of its last week.
    assert windows[10].conversation_start == dt.datetime(2025, 2, 22, tzinfo=AMS)
    # Early in a month, the week does not reach back into the previous one.
    early = month_windows(dt.datetime(2025, 3, 2, 9, 0, tzinfo=AMS))[-1]
    assert early.conversation_start == early.start


def test_rungs_held_counts_only_the_window():
    window = Window(dt.datetime(2025, 2, 1, tzinfo=AMS), dt.datetime(2025, 3, 1, tzinfo=AMS))
    events = [
        (ActivityKind.ITEM_REVIEWED, dt.datetime(2025, 2, 1, tzinfo=AMS)),  # first moment: in
        (ActivityKind.REACTION_POSTED, dt.datetime(2025, 3, 1, tzinfo=AMS)),  # end: out
        (ActivityKind.BLOG_PUBLISHED, dt.datetime(2025, 1, 31, 23, 59, tzinfo=AMS)),  # before
        (ActivityKind.ITEM_SAVED, dt.datetime(2025, 2, 10, tzinfo=AMS)),
        (ActivityKind.SESSION_HELD, dt.datetime(2025, 2, 10, tzinfo=AMS)),
    ]
    assert rungs_held(events, window) == {Rung.SPECTATORS, Rung.COLLECTORS}


def test_conversationalists_need_an_update_in_the_last_week():
    window = recent_window(NOW)
    eight_days_ago = NOW - dt.timedelta(days=8)
    six_days_ago = NOW - dt.timedelta(days=6)
    assert rungs_held([(ActivityKind.NEWS_SHARED, eight_days_ago)], window) == frozenset()
    assert rungs_held([(ActivityKind.STATUS_UPDATE, six_days_ago)], window) == {
        Rung.CONVERSATIONALISTS
    }
    # Every other rung counts over the whole month.
    assert rungs_held([(ActivityKind.DISCUSSION_REPLIED, eight_days_ago)], window) == {Rung.CRITICS}


def test_headline_is_the_highest_rung_held_and_inactive_without_any():
    assert headline({Rung.SPECTATORS, Rung.CRITICS, Rung.JOINERS}) == Rung.CRITICS
    assert headline({Rung.CONVERSATIONALISTS, Rung.CREATORS}) == Rung.CREATORS
    assert headline(set()) == Rung.INACTIVES


def test_distribution_counts_every_rung():
    counts = distribution([Rung.CRITICS, Rung.CRITICS, Rung.INACTIVES])
    assert list(counts) == list(LADDER)
    assert counts[Rung.CRITICS] == 2 and counts[Rung.INACTIVES] == 1
    assert counts[Rung.CREATORS] == 0


@pytest.mark.django_db
def test_ladder_profiles_from_the_activity_log(django_assert_num_queries):
    anna = MembershipFactory(role=Role.PARTICIPANT)
    org = anna.organisation
    bram = MembershipFactory(role=Role.PARTICIPANT, organisation=org)
    quiet = MembershipFactory(role=Role.PARTICIPANT, organisation=org)
    stranger = MembershipFactory(role=Role.PARTICIPANT)  # another organisation
    at = dt.datetime
    # Anna: reviewed and reacted this month, wrote a blog post in January, shared news at the
    # start of February (not in its last week) and at the end of February (in it).
    ActivityFactory(
        membership=anna, kind=ActivityKind.ITEM_REVIEWED, occurred_at=at(2025, 3, 3, tzinfo=AMS)
    )
    ActivityFactory(
        membership=anna, kind=ActivityKind.REACTION_POSTED, occurred_at=at(2025, 3, 10, tzinfo=AMS)
    )
    ActivityFactory(
        membership=anna, kind=ActivityKind.BLOG_PUBLISHED, occurred_at=at(2025, 1, 20, tzinfo=AMS)
    )
    ActivityFactory(
        membership=anna, kind=ActivityKind.NEWS_SHARED, occurred_at=at(2025, 2, 2, tzinfo=AMS)
    )
    ActivityFactory(
        membership=anna, kind=ActivityKind.SESSION_HELD, occurred_at=at(2025, 3, 11, tzinfo=AMS)
    )
    # Bram: shared news twice in February, the latest in its last week; a complete profile
    # saved this month makes him a Joiner now.
    ActivityFactory(
        membership=bram, kind=ActivityKind.NEWS_SHARED, occurred_at=at(2025, 2, 3, tzinfo=AMS)
    )
    ActivityFactory(
        membership=bram, kind=ActivityKind.NEWS_SHARED, occurred_at=at(2025, 2, 25, tzinfo=AMS)
    )
    ProfileFactory(membership=bram, status="complete", updated_at=at(2025, 3, 5, tzinfo=AMS))
    ProfileFactory(membership=quiet, status="created", updated_at=at(2025, 3, 5, tzinfo=AMS))
    # Older than the history: not read.
    ActivityFactory(
        membership=quiet, kind=ActivityKind.BLOG_PUBLISHED, occurred_at=at(2024, 3, 20, tzinfo=AMS)
    )
    ActivityFactory(
        membership=stranger,
        kind=ActivityKind.BLOG_PUBLISHED,
        occurred_at=at(2025, 3, 10, tzinfo=AMS),
    )

    members = Membership.objects.filter(organisation=org)
    with django_assert_num_queries(3):
        history = ladder_profiles(members, now=NOW)

    assert len(history.windows) == 12
    march, february, january = -1, -2, -3
    a = history.profile(anna.pk)
    assert a.now == {Rung.SPECTATORS, Rung.CRITICS}
    assert a.headline == Rung.CRITICS
    assert a.months[march] == {Rung.SPECTATORS, Rung.CRITICS}
    assert a.months[february] == frozenset()  # news early in the month: not weekly
    assert a.month_headlines[february] == Rung.INACTIVES
    assert a.month_headlines[january] == Rung.CREATORS

    b = history.profile(bram.pk)
    assert b.month_headlines[february] == Rung.CONVERSATIONALISTS
    assert b.now == {Rung.JOINERS}  # the news of 25 February is older than a week

    q = history.profile(quiet.pk)
    assert q.headline == Rung.INACTIVES
    assert q.month_headlines == (Rung.INACTIVES,) * 12
    assert stranger.pk not in history.profiles
