"""Every page reachable by links, for every demo role, renders without a server error, and no
role reaches another organisation's pages."""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from coaching.demo import seed_demo

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="([^"#]+)"')
SKIP = ("/logout", "/admin", "/demo/", "/static/", "/language/", "/password-reset/")


def crawl(client, start="/", limit=250):
    seen, queue, problems = set(), deque([start]), []
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, follow=True)
        if response.status_code >= 500:
            problems.append((path, response.status_code))
            continue
        content_type = response.headers.get("Content-Type", "")
        if "text/html" not in content_type:
            continue
        for href in LINK.findall(response.content.decode()):
            target = urljoin(path, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIP):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen, problems


@pytest.mark.parametrize(
    "email",
    [
        "anna@demo.springplank.test",
        "bram@demo.springplank.test",
        "coach@demo.springplank.test",
        "manager@demo.springplank.test",
        "admin@demo.springplank.test",
    ],
)
def test_every_linked_page_renders_for_each_role(client, email):
    seed_demo()
    from onboarding.models import User

    client.force_login(User.objects.get(email=email))
    seen, problems = crawl(client)
    assert len(seen) > 3
    assert problems == []
    member_orgs = {m.organisation.slug for m in User.objects.get(email=email).memberships.all()}
    reached = {p.split("/")[2] for p in seen if p.startswith("/o/")}
    assert reached <= member_orgs
