"""``manage.py import_opml FILE --organisation SLUG [--as EMAIL]``: follow the feeds of an OPML
file, as the web upload does. Importing the same file twice adds nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils.translation import gettext as _

from monitoring.opml import OpmlError, build_opml, parse_opml
from monitoring.services import ImportReport, opml_import
from onboarding.access import org_access_for
from onboarding.models import Membership, Organisation, Role, User

# Feeds per transaction: progress is reported after each batch, and an interrupted import of a
# large file keeps what it did (running it again adds only the rest).
BATCH = 100
MAX_FILE_BYTES = 20 * 1024 * 1024


class Command(BaseCommand):
    help = "Follow every feed of an OPML file for one organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the OPML file")
        parser.add_argument(
            "--organisation", required=True, metavar="SLUG", help="the organisation's slug"
        )
        parser.add_argument(
            "--as",
            dest="as_email",
            metavar="EMAIL",
            help="record the feeds as added by this member of the organisation",
        )

    def handle(
        self, *args: Any, file: str, organisation: str, as_email: str | None, **options: Any
    ) -> None:
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(_("There is no organisation “%(slug)s”.") % {"slug": organisation})
        created_by = self._member(org, as_email) if as_email else None
        content = self._read(Path(file))
        try:
            document = parse_opml(content)
        except OpmlError as exc:
            raise CommandError(
                _("%(file)s cannot be imported: %(error)s") % {"file": file, "error": exc}
            ) from None

        total = len(document.outlines)
        if total <= BATCH:
            report = self._import(org, content, created_by)
        else:
            report = ImportReport()
            for problem in document.problems:
                where = _("line %(line)s: ") % {"line": problem.line} if problem.line else ""
                report.problems.append(f"{where}{problem.message}")
            for start in range(0, total, BATCH):
                batch = document.outlines[start : start + BATCH]
                part = self._import(org, build_opml(document.title, batch), created_by)
                report.added += part.added
                report.already_followed += part.already_followed
                report.problems += part.problems
                self.stderr.write(
                    _("imported %(done)s/%(total)s") % {"done": start + len(batch), "total": total}
                )
        self._print(report)

    def _member(self, organisation: Organisation, email: str) -> Membership:
        user = User.objects.filter(email__iexact=email.strip()).first()
        try:
            access = org_access_for(user, organisation.slug) if user else None
        except Http404:
            access = None
        if access is None:
            raise CommandError(
                _("%(email)s is not a member of %(organisation)s.")
                % {"email": email, "organisation": organisation.name}
            )
        return (
            access.membership(Role.COACH)
            or access.membership(Role.ADMIN)
            or access.primary_membership
        )

    @staticmethod
    def _read(path: Path) -> bytes:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(_("%(file)s is too large for an OPML file.") % {"file": path})
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror or exc}
            ) from None

    @staticmethod
    def _import(
        organisation: Organisation, content: bytes, created_by: Membership | None
    ) -> ImportReport:
        try:
            return opml_import(organisation=organisation, content=content, created_by=created_by)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None

    def _print(self, report: ImportReport) -> None:
        self.stdout.write(_("Added: %(count)s") % {"count": len(report.added)})
        for url in report.added:
            self.stdout.write(f"  {url}")
        self.stdout.write(
            _("Already followed: %(count)s") % {"count": len(report.already_followed)}
        )
        for url in report.already_followed:
            self.stdout.write(f"  {url}")
        self.stdout.write(_("Problems: %(count)s") % {"count": len(report.problems)})
        for problem in report.problems:
            self.stdout.write(f"  {problem}")
