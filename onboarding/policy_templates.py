"""Starting points for an organisation's social media policy, in English and in Dutch.

The text guides rather than forbids: the method only works when people feel free to take part.
It is data, not interface text: an organisation edits its own copy, so the template is written
out in each language instead of going through gettext. The body uses the policy markup that
:func:`blocks` below understands: ``## Heading`` lines, ``- `` list items and
paragraphs separated by a blank line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PolicyTemplate:
    language: str
    title: str
    body: str


ENGLISH = PolicyTemplate(
    language="en",
    title="Our social media guidelines",
    body="""\
We would love you to be online. When colleagues share what they know, react to news in our
field and take part in conversations, people get to know {organisation} through real people.
These guidelines are here to help you do that with confidence. They are not a list of rules:
use your common sense, and ask when you are unsure.

## Be yourself

- Write in your own words and your own voice. You do not need to sound like a press release.
- Share what you know and what you find interesting. Your experience is worth more than a
  polished slogan.
- Post as much or as little as suits you. A thoughtful reaction now and then is a great start.

## Say that you work here

- When you write about our work or our field, mention that you work at {organisation}. Being
  open about it builds trust.
- You speak for yourself. Where it helps, say so: "these are my own views".
- You do not need permission to share our public news, vacancies or blog posts. Please do!

## Think before sharing confidential things

- Keep confidential information confidential: personal details of clients, patients or
  colleagues, figures that are not public yet, plans that are still under discussion.
- Ask before posting photos or stories that show other people, and respect it when someone
  would rather not be shown.
- When in doubt, leave it out for a moment and check first.

## Be kind and curious

- Treat others online as you would in person: respectful, also when you disagree.
- You do not have to react to every critical comment. If a discussion about {organisation}
  becomes heated or concerns a complaint, let your coach or the communication team know; we
  will pick it up together.
- Give credit: link to your source and mention whose idea it was.

## Ask when in doubt

- Not sure whether something is fine to share, or how to answer a question? Ask your coach.
  There are no silly questions, and asking first is always fine.
- Your coach can help you with your profile, your first post or a tricky reaction.

## Mistakes happen

- Everybody posts a typo or a wrong link now and then. That is fine.
- If you made a mistake, correct it openly: edit the post, or add a reply saying what was
  wrong. Quietly deleting things tends to raise more questions than an honest correction.
- If something went wrong that worries you, tell your coach. You will get help, not blame.

## Your own accounts, your own time

- Your accounts are yours. You decide what you share about your private life.
- Using social media for your work is part of your work: it is fine to spend time on it
  during working hours.

Thank you for helping people see what we do. Enjoy it!
""",
)

DUTCH = PolicyTemplate(
    language="nl",
    title="Onze richtlijnen voor sociale media",
    body="""\
We vinden het mooi als je online actief bent. Als collega's hun kennis delen, reageren op
nieuws uit ons vakgebied en meepraten in discussies, leren mensen {organisation} kennen via
echte mensen. Deze richtlijnen helpen je om dat met vertrouwen te doen. Het is geen lijst met
regels: gebruik je gezonde verstand, en vraag het als je twijfelt.

## Wees jezelf

- Schrijf in je eigen woorden en op je eigen toon. Het hoeft niet te klinken als een
  persbericht.
- Deel wat je weet en wat je interessant vindt. Jouw ervaring is meer waard dan een gelikte
  slogan.
- Post zo veel of zo weinig als bij je past. Af en toe een doordachte reactie is een prima
  begin.

## Zeg dat je hier werkt

- Schrijf je over ons werk of ons vakgebied, vermeld dan dat je bij {organisation} werkt.
  Openheid daarover schept vertrouwen.
- Je spreekt voor jezelf. Zeg dat erbij als het helpt: "dit is mijn eigen mening".
- Voor het delen van ons openbare nieuws, onze vacatures of blogposts heb je geen toestemming
  nodig. Graag zelfs!

## Denk na voordat je vertrouwelijke zaken deelt

- Houd vertrouwelijke informatie vertrouwelijk: persoonlijke gegevens van cliënten, patiënten
  of collega's, cijfers die nog niet openbaar zijn, plannen waarover nog wordt gesproken.
- Vraag het even voordat je foto's of verhalen plaatst waarop anderen te zien zijn, en
  respecteer het als iemand daar liever niet in staat.
- Twijfel je? Wacht dan even en check het eerst.

## Wees vriendelijk en nieuwsgierig

- Ga online met anderen om zoals je dat ook in het echt doet: met respect, ook als je het
  ergens niet mee eens bent.
- Je hoeft niet op elke kritische opmerking te reageren. Wordt een discussie over
  {organisation} verhit, of gaat het om een klacht, laat het dan je coach of het
  communicatieteam weten; dan pakken we het samen op.
- Geef anderen de eer: link naar je bron en noem van wie het idee komt.

## Vraag het als je twijfelt

- Weet je niet zeker of iets gedeeld kan worden, of hoe je op een vraag reageert? Vraag het
  je coach. Er bestaan geen domme vragen, en eerst even vragen is altijd goed.
- Je coach helpt je graag met je profiel, je eerste bericht of een lastige reactie.

## Fouten maken mag

- Iedereen plaatst weleens een typfout of een verkeerde link. Dat is niet erg.
- Heb je een fout gemaakt, corrigeer die dan open: pas het bericht aan, of zet eronder wat er
  niet klopte. Stilletjes verwijderen roept vaak meer vragen op dan een eerlijke correctie.
- Is er iets misgegaan waar je je zorgen over maakt, vertel het je coach. Je krijgt hulp, geen
  verwijt.

## Je eigen accounts, je eigen tijd

- Je accounts zijn van jou. Jij bepaalt wat je over je privéleven deelt.
- Sociale media gebruiken voor je werk hoort bij je werk: je mag er onder werktijd tijd aan
  besteden.

Bedankt dat je laat zien wat we doen. Veel plezier ermee!
""",
)

TEMPLATES: dict[str, PolicyTemplate] = {t.language: t for t in (ENGLISH, DUTCH)}


def unwrap(text: str) -> str:
    """Join the lines this file wraps for its own width, so that a text box shows one line per
    paragraph or list item: a line continues the one before unless it starts a heading or a
    list item, or follows a blank line."""
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        starts_block = stripped.startswith(("## ", "- "))
        if stripped and lines and lines[-1] and not starts_block and not lines[-1].startswith("#"):
            lines[-1] = f"{lines[-1]} {stripped}"
        else:
            lines.append(stripped)
    return "\n".join(lines).strip() + "\n"


def policy_template(language: str, *, organisation_name: str) -> PolicyTemplate:
    """The template in ``language`` (English when there is none), with the organisation's name
    filled in."""
    template = TEMPLATES.get(language, ENGLISH)
    return PolicyTemplate(
        language=template.language,
        title=template.title,
        body=unwrap(template.body).replace("{organisation}", organisation_name),
    )


@dataclass(frozen=True)
class Block:
    """One block of a policy text: a heading, a paragraph or a list (``items``)."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()


def blocks(body: str) -> list[Block]:
    """Split a policy text into headings, paragraphs and lists, for templates to render (and
    escape). Lines of one paragraph are joined; an indented line continues a list item."""
    result: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            result.append(Block("paragraph", " ".join(paragraph)))
            paragraph.clear()
        if items:
            result.append(Block("list", items=tuple(items)))
            items.clear()

    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#"):
            flush()
            result.append(Block("heading", line.lstrip("#").strip()))
        elif line.startswith(("- ", "* ")):
            if paragraph:
                flush()
            items.append(line[2:].strip())
        elif items and raw[:1].isspace():
            items[-1] = f"{items[-1]} {line}"
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return result
