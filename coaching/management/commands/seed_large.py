"""Seed a large, realistic data set for benchmarks, deterministically.

    python manage.py seed_large --organisations 50 --participants 10000 --items 1000000 \\
        --queue-items 500000 --triages 300000 [--seed 1] [--anchor 2026-01-01] [--truncate]

Progress (rows, rate, time left) goes to stderr; the row counts are printed at the end.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from coaching import seeding


class Command(BaseCommand):
    help = "Build a large, realistic data set deterministically (for benchmarks)."

    def add_arguments(self, parser):
        defaults = seeding.SeedSize()
        parser.add_argument("--organisations", type=int, default=defaults.organisations)
        parser.add_argument("--participants", type=int, default=defaults.participants)
        parser.add_argument("--items", type=int, default=defaults.items)
        parser.add_argument("--queue-items", type=int, default=defaults.queue_items)
        parser.add_argument("--triages", type=int, default=defaults.triages)
        parser.add_argument(
            "--entries-per-queue-item",
            type=int,
            default=defaults.entries_per_queue_item,
            help="participants each queue item is routed to (at most those interested)",
        )
        parser.add_argument("--items-per-source", type=int, default=defaults.items_per_source)
        parser.add_argument(
            "--sources-per-organisation", type=int, default=defaults.sources_per_organisation
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--anchor",
            help="the data set's 'now' as YYYY-MM-DD (default: today, midnight UTC); "
            "the same seed and anchor give the same data",
        )
        parser.add_argument(
            "--truncate",
            action="store_true",
            help="empty every table first (PostgreSQL only; for a dedicated bench database)",
        )

    def handle(self, *args, **options):
        size = seeding.SeedSize(
            organisations=options["organisations"],
            participants=options["participants"],
            items=options["items"],
            queue_items=options["queue_items"],
            triages=options["triages"],
            entries_per_queue_item=options["entries_per_queue_item"],
            items_per_source=options["items_per_source"],
            sources_per_organisation=options["sources_per_organisation"],
        )
        if min(size.organisations, size.items_per_source, size.sources_per_organisation) < 1:
            raise CommandError("--organisations and the per-source/organisation sizes must be >= 1")
        if min(size.participants, size.items, size.queue_items, size.triages) < 0:
            raise CommandError("sizes cannot be negative")
        anchor = self._anchor(options["anchor"])
        if options["truncate"]:
            try:
                seeding.truncate_all()
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
        elif seeding.seed_exists():
            raise CommandError(
                "This database already holds a seeded data set (organisations 'seed-…'). "
                "Use a fresh database, or --truncate on a dedicated benchmark database."
            )
        self.stderr.write(
            f"seeding {size} with seed {options['seed']}, anchor {anchor:%Y-%m-%d %H:%M} UTC"
        )
        report = seeding.seed(
            size,
            seed_value=options["seed"],
            anchor=anchor,
            progress=seeding.Progress(self.stderr),
        )
        for label, count in report.counts.items():
            self.stdout.write(f"{label:<24} {count:>12,}")
        self.stdout.write(f"{'seconds':<24} {report.seconds:>12,.1f}")
        self.stdout.write(f"password of every seeded login: {seeding.PASSWORD}")

    def _anchor(self, raw: str | None) -> dt.datetime:
        if not raw:
            today = timezone.now().astimezone(dt.UTC).date()
            return dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError as exc:
            raise CommandError("--anchor must be a date, YYYY-MM-DD") from exc
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
