"""Polls travel a few sources per task: how rounds are split, and how one batch behaves when a
source fails, the time budget runs out or the soft time limit strikes."""

from __future__ import annotations

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from monitoring import pipeline, tasks
from monitoring.models import Source
from monitoring.scheduling import poll_batches
from tests.monitoring.builders import follow, monitored_organisation, rss


@pytest.mark.parametrize(
    ("count", "size"), [(1, 1), (31, 1), (64, 2), (100, 3), (320, 10), (1000, 10), (5000, 10)]
)
def test_rounds_are_split_into_batches_that_keep_a_pool_busy(count, size):
    ids = list(range(1, count + 1))
    batches = poll_batches(ids, max_size=10)
    assert [i for batch in batches for i in batch] == ids  # every source once, in claim order
    assert max(len(batch) for batch in batches) == size
    assert len(batches) >= min(count, 32)


def test_no_batch_is_larger_than_the_setting():
    assert max(len(b) for b in poll_batches(list(range(10_000)), max_size=4)) == 4
    assert poll_batches([], max_size=10) == []


@pytest.fixture
def three_feeds(settings, httpserver):
    settings.SPRINGPLANK_FETCH_ALLOWLIST = f"127.0.0.1:{httpserver.port}"
    organisation = monitored_organisation({"Care": "care"})
    sources = []
    for n in range(3):
        httpserver.expect_request(f"/feed{n}.xml").respond_with_data(
            rss([{"title": f"Care story {n}", "link": f"https://example.org/{n}"}]),
            content_type="application/rss+xml",
        )
        sources.append(follow(organisation, httpserver.url_for(f"/feed{n}.xml")).source)
    return [source.pk for source in sources]


@pytest.fixture
def handed_on(monkeypatch):
    """The batches a task hands to a new task, captured instead of sent."""
    sent: list[list[int]] = []
    monkeypatch.setattr(tasks.poll_sources, "delay", lambda ids: sent.append(list(ids)))
    return sent


def _statuses(ids: list[int]) -> list[str]:
    by_id = dict(Source.objects.filter(pk__in=ids).values_list("pk", "last_status"))
    return [by_id[i] for i in ids]


@pytest.mark.django_db
def test_a_batch_polls_every_source_on_its_own(three_feeds, handed_on):
    assert tasks.poll_sources(three_feeds) == 3
    assert _statuses(three_feeds) == ["ok", "ok", "ok"]
    assert handed_on == []


@pytest.mark.django_db
def test_an_unexpected_error_in_one_poll_does_not_stop_the_others(
    three_feeds, handed_on, monkeypatch, caplog
):
    real_poll = pipeline.source_poll

    def poll(*, source_id, **kwargs):
        if source_id == three_feeds[1]:
            raise RuntimeError("database hiccup")
        return real_poll(source_id=source_id, **kwargs)

    monkeypatch.setattr(pipeline, "source_poll", poll)
    assert tasks.poll_sources(three_feeds) == 3
    assert _statuses(three_feeds) == ["ok", "", "ok"]
    assert f"poll of source {three_feeds[1]} failed unexpectedly" in caplog.text


@pytest.mark.django_db
def test_a_spent_budget_hands_the_rest_to_a_new_task(three_feeds, handed_on, monkeypatch):
    monkeypatch.setattr(tasks, "_batch_budget_seconds", lambda: 0.0)
    assert tasks.poll_sources(three_feeds) == 1  # the first poll always runs
    assert _statuses(three_feeds) == ["ok", "", ""]
    assert handed_on == [three_feeds[1:]]


@pytest.mark.django_db
def test_the_soft_time_limit_records_a_timeout_and_hands_on_the_rest(
    three_feeds, handed_on, monkeypatch
):
    real_poll = pipeline.source_poll

    def poll(*, source_id, **kwargs):
        if source_id == three_feeds[1]:
            raise SoftTimeLimitExceeded()
        return real_poll(source_id=source_id, **kwargs)

    monkeypatch.setattr(pipeline, "source_poll", poll)
    assert tasks.poll_sources(three_feeds) == 2
    assert _statuses(three_feeds) == ["ok", "timeout", ""]
    assert handed_on == [three_feeds[2:]]
    timed_out = Source.objects.get(pk=three_feeds[1])
    assert timed_out.error_count == 1 and timed_out.leased_until is None


@pytest.mark.django_db
def test_a_deleted_source_in_a_batch_is_skipped_quietly(three_feeds, handed_on):
    Source.objects.filter(pk=three_feeds[0]).delete()
    assert tasks.poll_sources(three_feeds) == 3
    assert Source.objects.filter(pk__in=three_feeds, last_status="ok").count() == 2


def test_the_budget_leaves_room_for_a_whole_fetch(settings):
    settings.CELERY_TASK_SOFT_TIME_LIMIT = 120
    settings.SPRINGPLANK_FETCH_DEADLINE = 30
    assert tasks._batch_budget_seconds() == 60
    settings.SPRINGPLANK_FETCH_DEADLINE = 200
    assert tasks._batch_budget_seconds() == 0
