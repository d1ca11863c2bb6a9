"""Feeds the demo serves itself, so that `make run` fills inboxes without any network.

Each feed is rendered on request with publication times relative to now (rounded to the hour,
so that repeated polls within an hour see the same document); guids are fixed, so re-polling
stores nothing twice.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

# (title, summary) per feed; written to match the demo organisations' topics, and some not.
FEEDS: dict[str, dict] = {
    "zorg-en-werk": {
        "title": "Zorg & Werk — vakblog",
        "link": "https://zorgenwerk.example/",
        "items": [
            (
                "Personeelstekort in de ouderenzorg loopt verder op",
                "Regionale cijfers laten zien dat vooral verpleegkundigen moeilijk te vinden zijn. Wat werkt wél bij werving?",
            ),
            (
                "Zo zet een verpleeghuis LinkedIn in voor werving",
                "Medewerkers delen hun werkdag op social media en de sollicitaties nemen toe.",
            ),
            (
                "Mantelzorgers vaker overbelast",
                "Onderzoek onder 2.000 mantelzorgers: één op de vijf voelt zich zwaar belast.",
            ),
            (
                "Zeven tips voor een sterk LinkedIn-profiel in de zorg",
                "Een goede foto, een kopregel die zegt wat je doet, en vertel over je patiënten zonder privacy te schenden.",
            ),
            (
                "Arbeidsmarkt zorg: meer zij-instromers dan ooit",
                "Zij-instroom groeit; opleiden op de werkvloer is de sleutel.",
            ),
            (
                "Nieuwe cao-afspraken voor de VVT",
                "Werkgevers en bonden zijn het eens over loonsverhoging en roosterzekerheid.",
            ),
            (
                "Wijkverpleging experimenteert met zelfroosteren",
                "Teams in drie regio's plannen hun eigen diensten. Het verzuim daalt.",
            ),
            (
                "Het weer: regen en wind in het weekend",
                "Na een zonnige week wordt het zaterdag wisselvallig.",
            ),
        ],
    },
    "hr-praktijk": {
        "title": "HR Praktijk",
        "link": "https://hrpraktijk.example/",
        "items": [
            (
                "Employer branding via je eigen medewerkers",
                "Collega's zijn de beste ambassadeurs. Begin klein: laat ze reageren op vakartikelen.",
            ),
            (
                "Recruitment in 2026: social media is geen bijzaak meer",
                "Wie niet zichtbaar is op LinkedIn, wordt niet gevonden door kandidaten.",
            ),
            (
                "Sociale media beleid: kaders zonder verboden",
                "Een goed beleid moedigt aan en geeft houvast, in plaats van alles te verbieden.",
            ),
            (
                "Het functioneringsgesprek opnieuw uitgevonden",
                "Korte, frequente gesprekken werken beter dan één jaargesprek.",
            ),
            (
                "Personeelstekort: vijf werving-strategieën die werken",
                "Van referral-programma's tot open dagen op locatie.",
            ),
            (
                "Hybride werken vraagt om nieuwe afspraken",
                "Hoe houd je teams verbonden als iedereen op andere dagen op kantoor is?",
            ),
        ],
    },
    "social-media-today": {
        "title": "Social Media at Work (demo)",
        "link": "https://socialatwork.example/",
        "items": [
            (
                "Why employee advocacy beats paid reach on LinkedIn",
                "Posts shared by employees get eight times more engagement than brand posts.",
            ),
            (
                "The first comment is the hardest: a guide for nervous beginners",
                "Start by adding your own experience to a discussion. Nobody expects an essay.",
            ),
            (
                "Mastodon for professionals: what changed this year",
                "More institutions run their own instance; hashtags are how people find you.",
            ),
            (
                "Heat pump installers struggle to find staff",
                "The energy transition needs thousands of technicians; recruitment moves online.",
            ),
            (
                "Grid congestion delays new solar panels projects",
                "Network operators ask for patience while cables are laid.",
            ),
            (
                "Hydrogen pilot in the port starts next month",
                "A consortium of companies tests hydrogen for heavy transport.",
            ),
            (
                "How to write a LinkedIn headline that says what you do",
                "Skip the buzzwords; name your field and who you help.",
            ),
        ],
    },
    "energy-news": {
        "title": "Energy Transition Weekly (demo)",
        "link": "https://energyweekly.example/",
        "items": [
            (
                "Solar panels on every public building by 2030",
                "The council presents its plan; grid congestion is the main risk.",
            ),
            (
                "Heat pump sales double as gas prices stay high",
                "Installers report waiting lists of three months.",
            ),
            (
                "Opinion: we need engineers who explain their work online",
                "Public support for the energy transition grows when engineers share what they do.",
            ),
            ("Grid congestion map updated", "New areas in the east are now marked orange."),
            ("Local football club wins the cup", "A last-minute goal decided the final."),
        ],
    },
}

NEWS_POOL = [item for feed in FEEDS.values() for item in feed["items"]]
# Each article lives on the site of the feed that published it, whichever feed it is read in:
# a news search finding it links to the same page, so it is one story in the queue.
HOME = {item: feed["link"] for feed in FEEDS.values() for item in feed["items"]}


def _rss(title: str, link: str, items: list[tuple[str, str]], slug: str) -> str:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>{escape(link)}</link>",
        f"<description>{escape(title)}</description>",
    ]
    for n, (item_title, summary) in enumerate(items):
        number = NEWS_POOL.index((item_title, summary))
        url = f"{HOME[(item_title, summary)]}artikel/{number}"
        published = now - timedelta(hours=3 * n + 1)
        parts.append(
            "<item>"
            f"<title>{escape(item_title)}</title><link>{escape(url)}?utm_source={slug}</link>"
            f"<description>{escape('<p>' + summary + '</p>')}</description>"
            f'<guid isPermaLink="false">springplank-demo-{number}</guid>'
            f"<pubDate>{format_datetime(published)}</pubDate>"
            "</item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts)


def demo_feed(request: HttpRequest, name: str) -> HttpResponse:
    feed = FEEDS.get(name)
    if feed is None:
        raise Http404
    body = _rss(feed["title"], feed["link"], feed["items"], name)
    return HttpResponse(body, content_type="application/rss+xml; charset=utf-8")


def demo_news_search(request: HttpRequest) -> HttpResponse:
    """A stand-in for a news search feed: items of the pool containing any of the query's
    words, so a topic's news search works offline."""
    words = [w.strip('"()').lower() for w in request.GET.get("q", "").split()]
    words = [w for w in words if w and w not in {"or", "and"} and not w.startswith("-")]
    found = [
        item
        for item in NEWS_POOL
        if any(w.rstrip("*") in (item[0] + " " + item[1]).lower() for w in words)
    ]
    body = _rss("Demo news search", "https://news.example/", found[:20], "news")
    return HttpResponse(body, content_type="application/rss+xml; charset=utf-8")
