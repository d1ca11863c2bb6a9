"""Idempotent bulk inserts for the ingest hot path.

On PostgreSQL one ``INSERT … SELECT FROM json_to_recordset(…)`` statement per batch sends the
whole batch as one JSON parameter, bound on the server: far less SQL to build, quote and parse
than Django's ``bulk_create`` (one placeholder per value), and ``RETURNING`` tells which rows
were written. JSON rather than one array per column because the standard library encodes it in
C, where psycopg quotes array elements one by one in Python. Other databases (SQLite in the
demo) use ``bulk_create(ignore_conflicts=True)``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import psycopg
from django.db import connection, models


def _column_type(field: models.Field) -> str:
    if field.get_internal_type() == "JSONField":
        return "jsonb"
    db_type = field.db_type(connection) or "text"
    return {"serial": "integer", "bigserial": "bigint"}.get(db_type, db_type)


def _json_default(value: object) -> str:
    # Dates travel as ISO 8601 text, which PostgreSQL reads back exactly (offset included).
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be sent in a bulk insert")


def insert_ignore(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: Sequence[str] = (),
    return_existing: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (values in ``fields`` order, foreign keys as ids) and skip rows that
    violate a unique constraint.

    Returns the ``returning`` columns of the rows inserted. With ``return_existing`` (the
    columns of a unique constraint), rows that already existed are returned too, so one
    statement yields the ids of every row (PostgreSQL only: elsewhere an empty list, and
    callers read back what they need).
    """
    if not rows:
        return []
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    if connection.vendor != "postgresql":
        names = [field.attname for field in columns]
        model.objects.bulk_create(
            [model(**dict(zip(names, row, strict=True))) for row in rows],
            ignore_conflicts=True,
            batch_size=500,
        )
        return []
    quote = connection.ops.quote_name
    keys = [f"c{n}" for n in range(len(columns))]
    batch = json.dumps(
        [dict(zip(keys, row, strict=True)) for row in rows],
        default=_json_default,
        ensure_ascii=False,
        check_circular=False,
    )
    record = ", ".join(
        f"{key} {_column_type(field)}" for key, field in zip(keys, columns, strict=True)
    )
    # Identifiers come from model metadata and are quoted; every value is a bound parameter.
    table, names = quote(meta.db_table), ", ".join(quote(f.column) for f in columns)
    sql = (
        f"INSERT INTO {table} ({names}) "  # noqa: S608
        f"SELECT {', '.join(keys)} FROM json_to_recordset(%s::json) AS r({record})"
    )
    if return_existing:
        key = [quote(meta.get_field(name).column) for name in return_existing]
        # A no-op update makes the conflicting row visible to RETURNING.
        sql += f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {key[0]} = EXCLUDED.{key[0]}"
    else:
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        sql += " RETURNING " + ", ".join(quote(meta.get_field(name).column) for name in returning)
    connection.ensure_connection()
    # A server-binding cursor: Django's default client-side cursor would quote the batch into
    # the SQL text.
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, [batch])
        return list(cursor.fetchall()) if returning else []
