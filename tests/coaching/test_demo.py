"""The demo data set fills inboxes from the demo's own feeds, offline."""

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

from coaching.demo import seed_demo
from monitoring.models import InboxEntry, QueueItem, Source
from monitoring.pipeline import source_poll
from onboarding.models import Membership, Role


@pytest.fixture
def demo_urls(settings):
    import importlib

    import config.urls

    settings.SPRINGPLANK_DEMO = True
    clear_url_caches()
    importlib.reload(config.urls)
    yield
    settings.SPRINGPLANK_DEMO = False
    clear_url_caches()
    importlib.reload(config.urls)


@pytest.mark.django_db(transaction=True)
def test_demo_seed_fills_the_inbox_from_local_feeds(demo_urls, live_server, settings):
    settings.SPRINGPLANK_FETCH_ALLOWLIST = live_server.url.removeprefix("http://")
    logins = seed_demo(base_url=live_server.url)
    assert {"coach", "manager", "participant"} <= {login.role for login in logins}

    with override_settings(SPRINGPLANK_DEMO=True):
        for source in Source.objects.all():
            assert source_poll(source_id=source.pk).status == "ok", source.url
    anna = Membership.objects.get(user__email="anna@demo.springplank.test", role=Role.PARTICIPANT)
    assert InboxEntry.objects.filter(membership=anna).count() >= 5
    assert QueueItem.objects.filter(organisation__slug="acme-energy").exists()
    # The news search finds articles the blogs also publish: one story, one queue item.
    story = QueueItem.objects.filter(
        organisation__slug="zorggroep-de-linde", item__title__startswith="Arbeidsmarkt zorg"
    )
    assert story.count() == 1
    # Seeding again creates nothing twice.
    before = (Source.objects.count(), Membership.objects.count())
    seed_demo(base_url=live_server.url)
    assert (Source.objects.count(), Membership.objects.count()) == before
