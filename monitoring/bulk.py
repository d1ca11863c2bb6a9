"""Idempotent bulk inserts for the ingest hot path.

On PostgreSQL one ``INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING`` statement per batch
sends each column as one array parameter: far less SQL to build and parse than Django's
``bulk_create`` (one placeholder per value), and ``RETURNING`` tells which rows were new. Other
databases (SQLite in the demo) use ``bulk_create(ignore_conflicts=True)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def _array_type(field: models.Field) -> str:
    db_type = field.db_type(connection) or "text"
    if field.get_internal_type() == "JSONField":
        return "jsonb"
    return {"serial": "integer", "bigserial": "bigint"}.get(db_type, db_type)


def insert_ignore(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (values in ``fields`` order), skipping rows that violate a unique
    constraint. Returns the ``returning`` columns of the rows actually inserted (PostgreSQL
    only; elsewhere an empty list — callers read back what they need)."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        names = [model._meta.get_field(name).attname for name in fields]
        model.objects.bulk_create(
            [model(**dict(zip(names, row, strict=True))) for row in rows],
            ignore_conflicts=True,
            batch_size=500,
        )
        return []
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    column_values: list[list[Any]] = [[] for _ in fields]
    for row in rows:
        for index, (field, value) in enumerate(zip(columns, row, strict=True)):
            column_values[index].append(field.get_db_prep_save(value, connection))
    arrays = ", ".join(f"%s::{_array_type(field)}[]" for field in columns)
    # Identifiers come from model metadata and are quoted; every value is a bound parameter.
    table, names = quote(meta.db_table), ", ".join(quote(f.column) for f in columns)
    sql = f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING"  # noqa: S608
    if returning:
        sql += " RETURNING " + ", ".join(quote(meta.get_field(name).column) for name in returning)
    with connection.cursor() as cursor:
        cursor.execute(sql, column_values)
        return list(cursor.fetchall()) if returning else []
