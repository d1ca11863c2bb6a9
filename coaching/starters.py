"""Ways to begin a reaction, for people who don't know what to say.

Each is a kind of contribution and one short example sentence to adapt; both translated.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Starter:
    key: str
    label: str | Promise
    example: str | Promise


STARTERS = (
    Starter(
        "experience",
        _("Add your own experience"),
        _("We ran into the same thing in our team: what helped us was …"),
    ),
    Starter(
        "question",
        _("Ask a question"),
        _("Interesting point. How did you handle … when you started?"),
    ),
    Starter(
        "resource",
        _("Add a resource"),
        _("This article looks at it from another angle and may be useful: …"),
    ),
    Starter(
        "agree",
        _("Agree and extend"),
        _("I agree, and I would add that …"),
    ),
    Starter(
        "disagree",
        _("Respectfully disagree"),
        _("Thanks for sharing. I see it a little differently: in my experience …"),
    ),
)
