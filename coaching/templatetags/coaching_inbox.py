"""Inbox items rendered in Python: an item repeats five buttons, five rating choices and a
dozen labels, 25 times on the busiest page of the product. The parts that are the same for
every item are built once per language and reused; every value that varies is escaped here,
and the title and summary arrive as safe HTML from coaching.highlight."""

from __future__ import annotations

import functools

from django import template
from django.forms import BoundField
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from coaching.forms import TRIAGE_BUTTONS
from coaching.inbox_row_selectors import InboxRow
from coaching.models import ContentFor, ReactionStatus, Verdict

register = template.Library()


@functools.lru_cache(maxsize=16)
def _parts(language: str) -> dict[str, object]:
    """The controls' fixed HTML in one language: each button and rating choice both unpressed
    and pressed, and the translated labels (the language is part of the cache key)."""
    button = (
        '<button type="submit" name="choice" value="{value}" data-key="{key}" '
        'class="triage-{value}" aria-pressed="{pressed}" aria-keyshortcuts="{key}">'
        "{label} <kbd>{key}</kbd></button>"
    )
    rating = (
        '<label class="inline"><input type="radio" name="rating" value="{n}"{checked}> {n}</label>'
    )
    return {
        "buttons": [
            (
                value,
                str(format_html(button, value=value, key=key, pressed="false", label=label)),
                str(format_html(button, value=value, key=key, pressed="true", label=label)),
            )
            for value, label, key in TRIAGE_BUTTONS
        ],
        "ratings": [
            (
                str(n),
                rating.format(n=n, checked=""),
                rating.format(n=n, checked=" checked"),
            )
            for n in range(1, 6)
        ],
        "group": escape(_("Your decision")),
        "more": escape(_("Add a rating or a note")),
        "legend": escape(_("How interesting is it?")),
        "note": escape(_("Note")),
        "new": escape(_("new")),
        "why": escape(_("Why you see this:")),
        "decided": escape(_("Decided:")),
        "verdicts": {value: escape(label) for value, label in Verdict.choices},
        "blog_idea": escape(_("blog idea")),
        "newsletter_idea": escape(_("newsletter idea")),
        "rated": _("rated %(n)s out of 5"),
        "together": escape(_("decided together with your coach")),
        "reacted": escape(_("You reacted to this")),
        "set_aside": escape(_("You set a reaction aside.")),
        "continue": escape(_("Continue your reaction")),
        "statuses": {value: escape(label) for value, label in ReactionStatus.choices},
        "write": escape(_("Write your reaction")),
    }


@register.simple_tag(takes_context=True)
def inbox_item(context: template.Context, row: InboxRow) -> SafeString:
    """One inbox row as an <article>: title (marked, opening the original in a new tab),
    source and date, why it matched, colleagues' plans, the summary (marked), the decision
    made, the reaction in progress, and the decision controls."""
    parts = _parts(get_language() or "")
    entry = row.entry
    item = entry.queue_item.item
    qi = entry.queue_item_id
    triage = row.triage
    reaction = row.reaction
    session = context.get("session")
    when = timezone.localtime(row.when)
    classes = "inbox-item"
    if triage:
        classes += " is-triaged"
    if not entry.read_at:
        classes += " is-unread"
    html = [
        f'<article class="{classes}" id="item-{qi}" data-item tabindex="-1" '
        f'aria-labelledby="item-title-{qi}">',
        f'<header class="item-head"><h2 class="item-title" id="item-title-{qi}">'
        f'<a href="{escape(row.open_url)}" target="_blank" rel="noopener noreferrer" '
        f"data-open>{row.title_html}</a></h2>",
        f'<p class="item-meta"><span class="item-source">'
        f"{escape(item.source.title or item.source.url)}</span> · "
        f'<time datetime="{when.isoformat()}">{escape(date_format(when, "j M Y, H:i"))}</time>',
    ]
    if not entry.read_at:
        html.append(f' <span class="badge unread">{parts["new"]}</span>')
    html.append("</p></header>")
    topics, terms = row.topics, row.terms
    if topics or terms:
        html.append(f'<p class="item-why"><span class="muted">{parts["why"]}</span> ')
        html.extend(f'<span class="badge topic">{escape(t)}</span> ' for t in topics)
        if terms:
            marks = ", ".join(f"<mark>{escape(t)}</mark>" for t in terms)
            html.append(f'<span class="item-terms">{marks}</span>')
        html.append("</p>")
    colleagues = row.colleagues
    if colleagues:
        html.append('<ul class="item-colleagues" data-testid="colleagues">')
        html.extend(f"<li>{escape(c.message)}</li>" for c in colleagues)
        html.append("</ul>")
    if row.summary_html:
        html.append(f'<div class="item-summary">{row.summary_html}</div>')
    error = context.get("error")
    if error:
        html.append(f'<p class="error" role="alert">{escape(error)}</p>')
    if triage:
        if triage.verdict == Verdict.CONTENT_IDEA:
            key = "newsletter_idea" if triage.content_for == ContentFor.NEWSLETTER else "blog_idea"
            label = parts[key]
        else:
            label = parts["verdicts"].get(triage.verdict, "")
        html.append(
            f'<p class="item-decision" data-testid="decision">{parts["decided"]} '
            f"<strong>{label}</strong>"
        )
        if triage.rating:
            rated = escape(parts["rated"] % {"n": triage.rating})
            html.append(f' · <span class="rating" aria-label="{rated}">{triage.rating}/5</span>')
        if triage.note:
            html.append(f" · <q>{escape(triage.note)}</q>")
        if triage.session_id:
            html.append(f' · <span class="muted">{parts["together"]}</span>')
        html.append("</p>")
    if session is None:
        if reaction:
            url = escape(row.reaction_url)
            if reaction.status == ReactionStatus.POSTED:
                inner = f'<a href="{url}">{parts["reacted"]}</a>'
            elif reaction.status == ReactionStatus.ABANDONED:
                inner = f'<span class="muted">{parts["set_aside"]}</span>'
            else:
                status = parts["statuses"].get(reaction.status, "")
                inner = (
                    f'<a class="button" href="{url}">{parts["continue"]}</a> '
                    f'<span class="badge">{status}</span>'
                )
            html.append(f'<p class="item-reaction">{inner}</p>')
        elif triage and triage.verdict == Verdict.REACT:
            csrf = escape(str(context.get("csrf_token") or get_token(context["request"])))
            html.append(
                f'<form method="post" action="{escape(row.react_url)}" class="item-reaction">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
                f'<button type="submit" class="primary">{parts["write"]}</button></form>'
            )
    html.append(triage_controls(context, row))
    html.append("</article>")
    return mark_safe("".join(html))  # noqa: S308 - fixed markup; every variable part is escaped


@register.simple_tag(takes_context=True)
def triage_controls(context: template.Context, row: InboxRow) -> SafeString:
    """The decision form of one inbox row: a button per answer (with its key), and an optional
    rating and note. Posts to ``row.triage_url``; with HTMX the item swaps in place."""
    parts = _parts(get_language() or "")
    triage = row.triage
    choice = row.choice
    rating = str(triage.rating) if triage and triage.rating else ""
    note = triage.note if triage else ""
    csrf = context.get("csrf_token") or get_token(context["request"])
    qi = row.entry.queue_item_id
    url = escape(row.triage_url)
    buttons = "".join(on if value == choice else off for value, off, on in parts["buttons"])
    ratings = "".join(on if value == rating else off for value, off, on in parts["ratings"])
    html = (
        f'<form class="triage" method="post" action="{url}" hx-post="{url}" '
        'hx-target="closest article" hx-swap="outerHTML">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(csrf))}">'
        f'<input type="hidden" name="next" value="{escape(context.get("next_url", ""))}">'
        f'<div class="triage-buttons" role="group" aria-label="{parts["group"]}">{buttons}</div>'
        f'<details class="triage-extra"{" open" if rating or note else ""}>'
        f"<summary>{parts['more']}</summary>"
        f'<fieldset class="rating-choice"><legend>{parts["legend"]}</legend>{ratings}</fieldset>'
        f'<label for="note-{qi}">{parts["note"]}</label>'
        f'<input type="text" id="note-{qi}" name="note" maxlength="2000" value="{escape(note)}">'
        "</details></form>"
    )
    return mark_safe(html)  # noqa: S308 - fixed markup; every variable part is escaped


@register.simple_tag
def filter_select(bound: BoundField) -> SafeString:
    """A bound choice field of a GET filter form as a plain <select> (no widget templates:
    the inbox shows five of these on every load)."""
    value = bound.value()
    selected = "" if value is None else str(value)
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (key, " selected" if str(key) == selected else "", label)
            for key, label in bound.field.choices
        ),
    )
    return format_html(
        '<select name="{}" id="{}">{}</select>',
        bound.html_name,
        bound.id_for_label,
        options,
    )
