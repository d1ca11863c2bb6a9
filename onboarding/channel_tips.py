"""Concrete tips for a good profile, per channel, shown while a participant sets up theirs."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onboarding.models import Channel

CHANNEL_TIPS: dict[str, list[Promise]] = {
    Channel.LINKEDIN: [
        _("Use a recent, friendly photo where your face is clearly visible."),
        _(
            "Write a headline that says what you do and for whom, not only your job title: "
            "“Nurse helping families through the first week at home”."
        ),
        _("Claim a short public address under Settings → Edit your public profile."),
        _("In the About section, tell in three or four sentences what you enjoy in your work."),
        _("Follow your organisation's page and a few people from your field."),
    ],
    Channel.X: [
        _("Pick a handle close to your name, so colleagues can find you."),
        _("Say in your bio where you work and what you know about, in one sentence."),
        _("Pin a post that shows what you care about."),
        _("Start by following people in your field and reacting to a post now and then."),
    ],
    Channel.MASTODON: [
        _(
            "Choose a server that suits you, for example one for your country or your field; "
            "you can follow people on every other server from there."
        ),
        _("Write a short bio and add a few hashtags for your interests, like #healthcare."),
        _(
            "Post an introduction with the #introduction hashtag: people on Mastodon like "
            "to welcome newcomers."
        ),
        _("Add your organisation's website as a verified link in your profile."),
    ],
    Channel.BLUESKY: [
        _("Use a clear photo and a bio that says what you work on."),
        _("Add a few starter packs or feeds about your field to find people to follow."),
        _("If your organisation has a web domain, ask whether you can use it as your handle."),
    ],
    Channel.FACEBOOK: [
        _("Check which parts of your profile are public; keep your private life private."),
        _("Follow your organisation's page and join groups about your field."),
        _("Share your organisation's posts with a sentence of your own about why it matters."),
    ],
    Channel.INSTAGRAM: [
        _("Decide whether this account is for work, private life or both, and keep to it."),
        _("Write a bio with what you do and a link to your organisation."),
        _("Ask before posting photos with colleagues, clients or patients in them."),
    ],
    Channel.YOUTUBE: [
        _("Add a channel description and a link to your organisation."),
        _("Short videos of one or two minutes with a clear title work well."),
        _("Add subtitles: many people watch without sound."),
    ],
    Channel.BLOG: [
        _("Write about questions people ask you at work: that is what others search for."),
        _("Keep posts short, with a clear title and one message per post."),
        _("Add an About page with your photo and where you work."),
    ],
    Channel.NEWSLETTER: [
        _("Tell subscribers in one sentence what they will get and how often."),
        _("One useful link with a sentence on why it matters beats a long list."),
        _("Ask your coach who in your organisation already sends newsletters."),
    ],
    Channel.OTHER: [
        _("Fill in your name, photo and a short bio that says what you work on."),
        _("Mention where you work, so people know who they are talking to."),
    ],
}


def tips_for(channel: str) -> list[Promise]:
    return CHANNEL_TIPS.get(channel, CHANNEL_TIPS[Channel.OTHER])
