"""The social media policy: templates, drafts, publishing, acknowledgements, the banner."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from onboarding import policy as services
from onboarding import selectors
from onboarding.models import Policy, PolicyAcknowledgement, Role
from onboarding.policy_templates import TEMPLATES, blocks, policy_template
from tests.factories import (
    IntakeFactory,
    MembershipFactory,
    OrganisationFactory,
    PolicyFactory,
)

pytestmark = pytest.mark.django_db


def url(name, org, **kwargs):
    return reverse(name, kwargs={"org": org.slug, **kwargs})


@pytest.fixture
def org():
    return OrganisationFactory(name="Zorggroep", language="nl")


@pytest.fixture
def admin(org):
    return MembershipFactory(role=Role.ADMIN, organisation=org)


@pytest.fixture
def coach(org):
    return MembershipFactory(role=Role.COACH, organisation=org)


@pytest.fixture
def participant(org):
    return MembershipFactory(role=Role.PARTICIPANT, organisation=org, user__language="en")


# --- templates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        ("en", ["Be yourself", "Say that you work here", "Ask your coach", "Mistakes happen"]),
        ("nl", ["Wees jezelf", "Zeg dat je hier werkt", "je coach", "Fouten maken mag"]),
    ],
)
def test_templates_encourage_in_both_languages(language, phrases):
    template = policy_template(language, organisation_name="Zorggroep De Linde")
    assert template.language == language
    for phrase in phrases:
        assert phrase in template.body
    assert "Zorggroep De Linde" in template.body
    assert "{organisation}" not in template.body
    headings = [b.text for b in blocks(template.body) if b.kind == "heading"]
    assert len(headings) >= 6


def test_unknown_language_falls_back_to_english():
    assert policy_template("de", organisation_name="X").language == "en"
    assert set(TEMPLATES) == {"en", "nl"}


def test_template_is_unwrapped_to_one_line_per_item():
    body = policy_template("en", organisation_name="X").body
    for line in body.splitlines():
        assert not line.startswith("  ")
    items = [item for b in blocks(body) if b.kind == "list" for item in b.items]
    assert any(
        item.startswith("Write in your own words") and "press release" in item for item in items
    )


def test_blocks_read_headings_lists_and_paragraphs():
    body = "Intro line one\nline two\n\n## Heading\n- first\n  continued\n- second\nAfter"
    assert blocks(body) == [
        blocks("Intro line one line two")[0],
        blocks("## Heading")[0],
        blocks("- first continued\n- second")[0],
        blocks("After")[0],
    ]
    assert [b.kind for b in blocks(body)] == ["paragraph", "heading", "list", "paragraph"]


# --- services ------------------------------------------------------------------------------


def test_drafts_are_numbered_after_the_newest_version(org, coach, admin):
    draft = services.policy_draft_save(organisation=org, actor=coach, title="T", body="one")
    again = services.policy_draft_save(organisation=org, actor=coach, title="T", body="two")
    assert draft.pk == again.pk and again.version == 1 and again.body == "two"
    services.policy_publish(policy=again, actor=admin)
    second = services.policy_draft_save(organisation=org, actor=coach, title="T", body="three")
    assert second.version == 2 and second.published_at is None
    first = Policy.objects.get(organisation=org, version=1)
    assert first.body == "two"  # the published version did not change


def test_published_versions_are_immutable(org, coach, admin):
    draft = services.policy_draft_save(organisation=org, actor=coach, title="T", body="text")
    published = services.policy_publish(policy=draft, actor=admin)
    assert services.policy_publish(policy=published, actor=admin).published_at == (
        published.published_at
    )
    with pytest.raises(ValidationError):
        services.policy_draft_discard(policy=published, actor=admin)


def test_empty_policy_is_refused(org, coach):
    with pytest.raises(ValidationError) as excinfo:
        services.policy_draft_save(organisation=org, actor=coach, title=" ", body="")
    assert set(excinfo.value.message_dict) == {"title", "body"}


def test_only_admins_publish(org, coach, participant):
    draft = services.policy_draft_save(organisation=org, actor=coach, title="T", body="b")
    with pytest.raises(PermissionDenied):
        services.policy_publish(policy=draft, actor=coach)
    with pytest.raises(PermissionDenied):
        services.policy_draft_save(organisation=org, actor=participant, title="T", body="b")
    other_admin = MembershipFactory(role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.policy_publish(policy=draft, actor=other_admin)


def test_acknowledgement_is_idempotent_and_only_of_published_versions(org, participant):
    draft = PolicyFactory(organisation=org, published_at=None)
    with pytest.raises(ValidationError):
        services.policy_acknowledge(membership=participant, policy=draft)
    with pytest.raises(PermissionDenied):
        services.policy_acknowledge(membership=participant, policy=PolicyFactory())
    published = PolicyFactory(organisation=org)
    first = services.policy_acknowledge(membership=participant, policy=published)
    assert services.policy_acknowledge(membership=participant, policy=published) == first
    assert PolicyAcknowledgement.objects.count() == 1


def test_a_new_version_asks_for_acknowledgement_again(org, participant):
    v1 = PolicyFactory(organisation=org, version=1)
    assert selectors.policy_to_acknowledge(participant) == v1
    services.policy_acknowledge(membership=participant, policy=v1)
    assert selectors.policy_to_acknowledge(participant) is None
    PolicyFactory(organisation=org, version=2, published_at=None)
    assert selectors.policy_to_acknowledge(participant) is None  # a draft asks nothing
    v3 = PolicyFactory(organisation=org, version=3)
    assert selectors.policy_to_acknowledge(participant) == v3


def test_nav_state_agrees_with_the_policy_selector_in_one_query(
    org, participant, django_assert_num_queries
):
    def state():
        with django_assert_num_queries(1):
            return selectors.participant_nav_state(participant)

    assert state() == selectors.ParticipantNavState(False, None)
    IntakeFactory(membership=participant, complete=True)
    assert state() == selectors.ParticipantNavState(True, None)  # no policy published yet
    v1 = PolicyFactory(organisation=org, version=1)
    PolicyFactory(version=7)  # another organisation's policy is not ours to read
    assert state().policy_version_to_read == 1
    services.policy_acknowledge(membership=participant, policy=v1)
    assert state().policy_version_to_read is None
    PolicyFactory(organisation=org, version=2, published_at=None)
    assert state().policy_version_to_read is None  # a draft asks nothing
    PolicyFactory(organisation=org, version=3)
    assert state().policy_version_to_read == 3
    assert selectors.policy_to_acknowledge(participant).version == 3


# --- pages ---------------------------------------------------------------------------------


def test_edit_page_starts_from_the_template_in_the_organisations_language(client, coach, org):
    client.force_login(coach.user)
    page = client.get(url("policy_edit", org)).content.decode()
    assert TEMPLATES["nl"].title in page
    assert "Fouten maken mag" in page
    assert "Version 1 (draft)" in page or "Versie 1" in page


def test_loading_the_other_template_saves_nothing(client, coach, org):
    client.force_login(coach.user)
    response = client.post(url("policy_edit", org), {"action": "template", "language": "en"})
    page = response.content.decode()
    assert "Mistakes happen" in page
    assert 'data-testid="template-loaded"' in page
    assert not Policy.objects.exists()


def test_coach_saves_a_draft_and_admin_publishes_it(client, coach, admin, org):
    client.force_login(coach.user)
    response = client.post(
        url("policy_edit", org), {"action": "save", "title": "Our way", "body": "## Hi\n- be you"}
    )
    assert response.status_code == 302
    draft = Policy.objects.get(organisation=org)
    assert draft.published_at is None
    page = client.get(url("policy_edit", org)).content.decode()
    assert 'data-testid="save-publish"' not in page
    assert client.post(url("policy_publish", org)).status_code == 403

    client.force_login(admin.user)
    response = client.post(url("policy_publish", org))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is not None and draft.published_by == admin
    page = client.get(url("policy", org)).content.decode()
    assert "Our way" in page
    assert "<h3>Hi</h3>" in page and "<li>be you</li>" in page


def test_save_and_publish_in_one_go(client, admin, org):
    client.force_login(admin.user)
    client.post(url("policy_edit", org), {"action": "publish", "title": "T", "body": "Body"})
    assert Policy.objects.get(organisation=org).published_at is not None


def test_invalid_policy_keeps_what_was_typed(client, coach, org):
    client.force_login(coach.user)
    response = client.post(url("policy_edit", org), {"action": "save", "title": "Kept", "body": ""})
    assert response.status_code == 422
    assert 'value="Kept"' in response.content.decode()
    assert not Policy.objects.exists()


def test_discarding_a_draft(client, coach, org):
    PolicyFactory(organisation=org, published_at=None)
    client.force_login(coach.user)
    client.post(url("policy_discard", org))
    assert not Policy.objects.exists()


def test_policy_text_is_escaped(client, participant, org):
    PolicyFactory(organisation=org, body="<script>alert(1)</script>")
    client.force_login(participant.user)
    page = client.get(url("policy", org)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_participant_reads_and_acknowledges(client, participant, org):
    PolicyFactory(organisation=org, version=1, title="Old")
    PolicyFactory(organisation=org, version=2, title="Current")
    client.force_login(participant.user)
    page = client.get(url("policy", org)).content.decode()
    assert "Current" in page and 'data-testid="acknowledge"' in page
    response = client.post(url("policy_acknowledge", org), {"version": "2"})
    assert response.status_code == 302
    assert participant.policy_acknowledgements.get().policy.version == 2
    page = client.get(url("policy", org)).content.decode()
    assert 'data-testid="acknowledged"' in page
    old = client.get(url("policy_version", org, version=1)).content.decode()
    assert "Old" in old and "Read the current version (2)" in old


def test_participant_has_no_policy_empty_state(client, participant, org):
    client.force_login(participant.user)
    page = client.get(url("policy", org)).content.decode()
    assert 'data-testid="no-policy"' in page
    assert 'data-testid="edit-policy"' not in page


def test_banner_asks_participants_to_read_a_new_version(client, participant, org):
    IntakeFactory(membership=participant, complete=True)
    v1 = PolicyFactory(organisation=org, version=1)
    services.policy_acknowledge(membership=participant, policy=v1)
    client.force_login(participant.user)
    inbox = url("inbox", org)
    assert 'data-testid="policy-banner"' not in client.get(inbox).content.decode()
    PolicyFactory(organisation=org, version=2)
    page = client.get(inbox).content.decode()
    assert 'data-testid="policy-banner"' in page
    assert "new version" in page
    client.post(url("policy_acknowledge", org), {"version": "2"})
    assert 'data-testid="policy-banner"' not in client.get(inbox).content.decode()


def test_drafts_and_other_organisations_are_404(client, participant, org):
    PolicyFactory(organisation=org, version=1, published_at=None)
    foreign = PolicyFactory(version=1)
    client.force_login(participant.user)
    assert client.get(url("policy_version", org, version=1)).status_code == 404
    assert client.post(url("policy_acknowledge", org), {"version": "1"}).status_code == 404
    assert client.get(url("policy", foreign.organisation)).status_code == 404
    assert not PolicyAcknowledgement.objects.exists()


def test_participants_cannot_edit(client, participant, org):
    client.force_login(participant.user)
    assert client.get(url("policy_edit", org)).status_code == 403
    response = client.post(url("policy_edit", org), {"title": "x", "body": "y"})
    assert response.status_code == 403
    assert client.post(url("policy_publish", org)).status_code == 403
    assert not Policy.objects.exists()
