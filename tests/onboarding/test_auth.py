"""Login, throttling, logout and password reset."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from onboarding.models import Role
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db


def test_login_with_email_lands_on_role_home(client):
    member = MembershipFactory(role=Role.MANAGER, user__email="boss@example.org")
    response = client.post(
        reverse("login"), {"username": "boss@example.org", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "dashboard", kwargs={"org": member.organisation.slug}
    )


def test_unknown_login_and_wrong_password_get_the_same_generic_error(client):
    MembershipFactory(user__email="known@example.org")
    unknown = client.post(reverse("login"), {"username": "nobody@example.org", "password": "x"})
    wrong = client.post(reverse("login"), {"username": "known@example.org", "password": "x"})
    assert unknown.status_code == wrong.status_code == 200
    message = "Please enter a correct e-mail address and password"
    assert message in unknown.content.decode()
    assert message in wrong.content.decode()
    assert 'value="nobody@example.org"' in unknown.content.decode()


def test_login_is_throttled_after_repeated_failures(client, settings):
    MembershipFactory(user__email="target@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "target@example.org", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "target@example.org", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout(client):
    member = MembershipFactory()
    client.force_login(member.user)
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_password_reset_round_trip(client):
    MembershipFactory(user__email="forgetful@example.org")
    client.post(reverse("password_reset"), {"email": "forgetful@example.org"})
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(path, follow=True)
    new = "a fresh long passphrase 42"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    client.post(reverse("login"), {"username": "forgetful@example.org", "password": new})
    assert "_auth_user_id" in client.session


def test_superuser_reaches_admin(client, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.org", password="x")
    client.force_login(admin)
    assert client.get(reverse("admin:index")).status_code == 200
