"""The monitoring admin: every list and change page renders, and it is read-mostly."""

import pytest
from django.urls import reverse

from monitoring.models import QueueMatch, Source
from onboarding.models import Topic, User
from tests.factories import ItemFactory, QueueItemFactory, SubscriptionFactory
from tests.monitoring.brokers import IN_MEMORY, celery_broker, clear_memory_broker, polls_requested

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("root@example.org", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def rows():
    subscription = SubscriptionFactory(source__title="Failing blog")
    Source.objects.filter(pk=subscription.source_id).update(
        error_count=2, last_status="dns", last_error="cannot resolve"
    )
    queued = QueueItemFactory(
        organisation=subscription.organisation, item=ItemFactory(source=subscription.source)
    )
    topic = Topic.objects.create(organisation=subscription.organisation, name="T", query="t")
    QueueMatch.objects.create(queue_item=queued, topic=topic, terms=["t"])
    return subscription, queued


@pytest.mark.parametrize("model", ["source", "subscription", "item", "queueitem"])
def test_lists_and_change_pages_render(admin_client, rows, model):
    subscription, queued = rows
    pk = {
        "source": subscription.source_id,
        "subscription": subscription.pk,
        "item": queued.item_id,
        "queueitem": queued.pk,
    }[model]
    listing = admin_client.get(reverse(f"admin:monitoring_{model}_changelist"), {"q": "blog"})
    assert listing.status_code == 200
    assert (
        admin_client.get(reverse(f"admin:monitoring_{model}_change", args=[pk])).status_code == 200
    )


def test_source_list_shows_health_fields(admin_client, rows):
    page = admin_client.get(reverse("admin:monitoring_source_changelist")).content.decode()
    assert "Failing blog" in page and "dns" in page


@pytest.mark.parametrize("model", ["source", "subscription", "item", "queueitem"])
def test_nothing_is_added_by_hand(admin_client, model):
    assert admin_client.get(reverse(f"admin:monitoring_{model}_add")).status_code == 403


def test_items_cannot_be_changed(admin_client, rows):
    _, queued = rows
    url = reverse("admin:monitoring_item_change", args=[queued.item_id])
    admin_client.post(url, {"title": "changed"})
    queued.item.refresh_from_db()
    assert queued.item.title != "changed"


def test_poll_now_action_requests_a_poll(admin_client, rows):
    subscription, _ = rows
    with celery_broker(IN_MEMORY):
        clear_memory_broker()
        admin_client.post(
            reverse("admin:monitoring_source_changelist"),
            {"action": "poll_now", "_selected_action": [subscription.source_id]},
        )
        assert polls_requested() == [f"({subscription.source_id},)"]
        clear_memory_broker()
