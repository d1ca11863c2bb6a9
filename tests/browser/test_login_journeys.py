"""Each role logs in through the real login form and lands on its own home."""

import pytest

from onboarding.models import Role
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("role", "path", "heading", "visible_nav", "hidden_nav"),
    [
        (Role.PARTICIPANT, "start", "Getting started", "intake", "dashboard"),
        (Role.COACH, "participants", "Participants", "participants", "inbox"),
        (Role.MANAGER, "dashboard", "Adoption dashboard", "dashboard", "participants"),
    ],
)
def test_role_logs_in_and_sees_its_home(page, role, path, heading, visible_nav, hidden_nav):
    member = MembershipFactory(role=role, organisation__slug="acme", organisation__name="Acme")
    log_in(page, member.user.email, PASSWORD)
    page.wait_for_url(f"**/o/acme/{path}/")
    assert page.get_by_test_id("page-title").inner_text() == heading
    assert page.locator(f'[data-nav="{visible_nav}"]').count() == 1
    assert page.locator(f'[data-nav="{hidden_nav}"]').count() == 0


def test_wrong_password_shows_a_generic_error_and_keeps_the_address(page):
    MembershipFactory(user__email="someone@example.org")
    log_in(page, "someone@example.org", "not the password")
    assert "Please enter a correct e-mail address and password" in page.content()
    assert page.input_value("#id_username") == "someone@example.org"


def test_user_switches_language_to_dutch(page):
    member = MembershipFactory(role=Role.PARTICIPANT, organisation__slug="acme")
    log_in(page, member.user.email, PASSWORD)
    page.wait_for_url("**/o/acme/start/")
    page.click("footer button[value=nl]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "nl"
