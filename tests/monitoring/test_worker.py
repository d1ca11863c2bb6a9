"""The pipeline through a real Celery worker: the scheduler's task claims due sources, the
worker polls them, the queue fills. Against Redis under CI."""

import time

import pytest
from django.db import close_old_connections
from django.utils import timezone

from monitoring.models import InboxEntry, QueueItem, Source
from monitoring.tasks import enqueue_due_sources
from tests.monitoring.builders import follow, monitored_organisation, participant, rss

pytestmark = [pytest.mark.celery_worker]


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        close_old_connections()
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def local_feeds(settings, httpserver):
    settings.SPRINGPLANK_FETCH_ALLOWLIST = f"127.0.0.1:{httpserver.port}"
    for n in range(3):
        httpserver.expect_request(f"/feed{n}.xml").respond_with_data(
            rss(
                [
                    {"title": f"Social media story {n}-{i}", "link": f"https://example.org/{n}/{i}"}
                    for i in range(5)
                ]
            ),
            content_type="application/rss+xml",
        )
    return [f"http://127.0.0.1:{httpserver.port}/feed{n}.xml" for n in range(3)]


def test_scheduler_task_and_worker_fill_the_queue(celery_worker_thread, local_feeds):
    org = monitored_organisation({"Social": '"social media"'})
    member = participant(org)
    for url in local_feeds:
        follow(org, url)

    claimed = enqueue_due_sources.delay()
    assert claimed is not None

    assert wait_for(lambda: QueueItem.objects.filter(organisation=org).count() == 15)
    assert InboxEntry.objects.filter(membership=member).count() == 15
    assert all(s.last_status == "ok" for s in Source.objects.all())
    assert Source.objects.filter(leased_until__isnull=False).count() == 0
    # Nothing is due now: a second scheduler run claims nothing.
    assert enqueue_due_sources() == 0


def test_failing_source_is_recorded_by_the_worker(celery_worker_thread, settings, httpserver):
    settings.SPRINGPLANK_FETCH_ALLOWLIST = f"127.0.0.1:{httpserver.port}"
    httpserver.expect_request("/broken.xml").respond_with_data("<rss><channel><item>", status=500)
    org = monitored_organisation({"x": "x"})
    sub = follow(org, f"http://127.0.0.1:{httpserver.port}/broken.xml")
    enqueue_due_sources.delay()
    assert wait_for(lambda: Source.objects.get(pk=sub.source_id).error_count == 1)
    source = Source.objects.get(pk=sub.source_id)
    assert source.last_status == "http_500"
    assert source.next_poll_at > timezone.now()


def test_poll_of_deleted_source_is_quiet(celery_worker_thread):
    from monitoring.tasks import poll_source

    result = poll_source.delay(123456789)
    assert result.id
    # The worker stays healthy: a follow-up task still runs.
    org = monitored_organisation({"x": "x"})
    sub = follow(org, "http://127.0.0.1:9/never.xml")
    poll_source.delay(sub.source_id)
    assert wait_for(lambda: Source.objects.get(pk=sub.source_id).last_status != "")


def test_one_task_polls_a_whole_batch(celery_worker_thread, local_feeds):
    from monitoring.tasks import poll_sources

    org = monitored_organisation({"Social": '"social media"'})
    ids = [follow(org, url).source_id for url in local_feeds]
    poll_sources.delay(ids)
    assert wait_for(lambda: QueueItem.objects.filter(organisation=org).count() == 15)
    assert sorted(Source.objects.values_list("last_status", flat=True)) == ["ok", "ok", "ok"]
