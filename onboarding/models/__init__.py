"""Models of the onboarding app, one module per concern."""

from onboarding.models.intake import ConfidenceCheck, Intake, Profile, ProfileStatus
from onboarding.models.people import (
    Department,
    Invitation,
    Membership,
    Organisation,
    Role,
    User,
    UserManager,
)
from onboarding.models.policy import Policy, PolicyAcknowledgement
from onboarding.models.strategy import (
    Audience,
    Channel,
    FollowSuggestion,
    Goal,
    KeyMessage,
    Strategy,
    Topic,
)

__all__ = [
    "Audience",
    "Channel",
    "ConfidenceCheck",
    "Department",
    "FollowSuggestion",
    "Goal",
    "Intake",
    "Invitation",
    "KeyMessage",
    "Membership",
    "Organisation",
    "Policy",
    "PolicyAcknowledgement",
    "Profile",
    "ProfileStatus",
    "Role",
    "Strategy",
    "Topic",
    "User",
    "UserManager",
]
