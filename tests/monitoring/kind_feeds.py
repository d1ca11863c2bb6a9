"""Feeds as Google Alerts and Bing News serve them, with their redirect-wrapped links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import quote
from xml.sax.saxutils import escape

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def google_wrapped(url: str) -> str:
    """A link as Google Alerts writes it: a google.com/url redirect to the article."""
    target = quote(url, safe="")
    return f"https://www.google.com/url?rct=j&sa=t&url={target}&ct=ga&cd=CAIyGg&usg=AOvVaw"


def bing_wrapped(url: str) -> str:
    """A link as Bing News RSS writes it: an apiclick.aspx redirect to the article."""
    return (
        "http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=abc123"
        f"&url={quote(url, safe='')}&c=1234567890&mkt=nl-nl"
    )


def google_alert_atom(entries: list[dict], *, query: str = "zorg") -> str:
    """An Atom feed as Google Alerts delivers it; entries have title, link, content."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">',
        "<id>tag:google.com,2005:reader/user/0123456789/state/com.google/alerts/42</id>",
        f"<title>Google Alert - {escape(query)}</title>",
        '<link href="https://www.google.com/alerts/feeds/0123456789/42" rel="self"></link>',
        f"<updated>{NOW.isoformat()}</updated>",
    ]
    for n, entry in enumerate(entries):
        when = (NOW - timedelta(hours=n)).isoformat()
        parts.append(
            "<entry>"
            f"<id>tag:google.com,2013:googlealerts/feed:{1000 + n}</id>"
            f'<title type="html">{escape(entry["title"])}</title>'
            f'<link href="{escape(google_wrapped(entry["link"]))}"></link>'
            f"<published>{when}</published><updated>{when}</updated>"
            f'<content type="html">{escape(entry.get("content", ""))}</content>'
            "<author><name></name></author>"
            "</entry>"
        )
    parts.append("</feed>")
    return "".join(parts)


def bing_news_rss(items: list[dict], *, query: str = "zorg") -> str:
    """An RSS feed as Bing News search delivers it; items have title, link, description."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:News="https://www.bing.com:443/news/search?q=zorg&amp;format=rss">',
        f"<channel><title>{escape(query)} - BingNews</title>",
        f"<link>https://www.bing.com/news/search?q={quote(query)}&amp;format=rss</link>",
        "<description>Search results</description>",
    ]
    for n, item in enumerate(items):
        parts.append(
            "<item>"
            f"<title>{escape(item['title'])}</title>"
            f"<link>{escape(bing_wrapped(item['link']))}</link>"
            f"<description>{escape(item.get('description', ''))}</description>"
            f"<pubDate>{format_datetime(NOW - timedelta(hours=n))}</pubDate>"
            "</item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts)


def blog_rss(items: list[dict], *, title: str = "Blog") -> str:
    """A plain blog feed; items have title, link, description."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<rss version="2.0"><channel><title>{escape(title)}</title>',
        "<link>https://blog.example.org/</link>",
    ]
    for n, item in enumerate(items):
        parts.append(
            "<item>"
            f"<title>{escape(item['title'])}</title>"
            f"<link>{escape(item['link'])}</link>"
            f"<guid>{escape(item['link'])}</guid>"
            f"<description>{escape(item.get('description', ''))}</description>"
            f"<pubDate>{format_datetime(NOW - timedelta(hours=n))}</pubDate>"
            "</item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts)
