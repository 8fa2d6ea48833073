"""Prepared bulk writes of data values and their simple-history rows (the Excel import's write step).

Django's ``bulk_create`` and simple-history's ``bulk_history_create`` build a model instance and compile SQL
for every value (profiled: 5 of 7 seconds of a 27,810-value import). Here one prepared statement runs through
``executemany`` (``COPY`` on PostgreSQL) on plain tuples, constants (the timestamp, user and reason) are adapted
once, and the history rows of new values are copied inside the database by one ``INSERT … SELECT`` per chunk of
reports — the rows written are the ORM path's (``tests/indicators/test_import_fast_path.py`` compares them).

Callers hold the row locks of the reports concerned (the import plans them ``select_for_update``), so the values
of those reports stamped with this write's ``now`` are exactly the ones it wrote.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from django.db import connections, router

from .models import DataValue

EXECUTEMANY_BATCH = 5000
KEY_CHUNK = 500  # keys per ``IN (…)``: below SQLite's bound on parameters

NewValue = tuple[int, int, Decimal | None, str]  # report id, element id, value, comment
ChangedValue = tuple[int, int, int, Decimal | None, str]  # value id, report id, element id, value, comment


def _connection():
    return connections[router.db_for_write(DataValue)]


def _quoted(connection, names: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(name) for name in names)


HISTORY_EXTRA = ["history_date", "history_user", "history_change_reason", "history_type"]


def _history_columns(model) -> tuple[list[str], list[str]]:
    """The tracked columns as named in ``model``'s table and in its history table, in the same order, the
    latter followed by the history's own columns (date, user, reason, type)."""
    history = model.history.model
    tracked = [field.attname for field in history.tracked_fields]
    source = [model._meta.get_field(name).column for name in tracked]
    target = [history._meta.get_field(name).column for name in [*tracked, *HISTORY_EXTRA]]
    return source, target


def copy_history(
    model,
    *,
    key: str,
    keys,
    history_type: str,
    date: datetime,
    user_id: int | None,
    reason: str,
    where: str = "",
    where_params: Sequence = (),
) -> None:
    """Write the simple-history rows of the ``model`` rows whose ``key`` field is in ``keys`` (and match the
    SQL condition ``where``) with one ``INSERT … SELECT`` per chunk of keys: the rows never travel to Python."""
    connection = _connection()
    quote = connection.ops.quote_name
    source, target = _history_columns(model)
    condition = f"{where} AND " if where else ""
    sql = (
        f"INSERT INTO {quote(model.history.model._meta.db_table)} ({_quoted(connection, target)}) "
        f"SELECT {_quoted(connection, source)}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {condition}{quote(model._meta.get_field(key).column)} IN "
    )
    fixed = [connection.ops.adapt_datetimefield_value(date), user_id, reason, history_type, *where_params]
    keys = sorted(set(keys))
    with connection.cursor() as cursor:
        for start in range(0, len(keys), KEY_CHUNK):
            chunk = keys[start : start + KEY_CHUNK]
            cursor.execute(sql + f"({', '.join(['%s'] * len(chunk))})", [*fixed, *chunk])


def column_types(model, names: Sequence[str], connection) -> list[str]:
    """The PostgreSQL type names of ``model``'s fields ``names`` (``numeric``, ``bigint``, ``varchar`` …), as
    ``copy_rows`` needs them."""
    return [model._meta.get_field(name).db_type(connection).split("(")[0] for name in names]


def copy_rows(cursor, target: str, types: Sequence[str], rows: Iterable[tuple]) -> None:
    """``COPY target FROM STDIN`` of ``rows`` in PostgreSQL's binary format (``types``: the columns' type names,
    ``column_types``): psycopg encodes them in C and sends them as its buffer fills (the server stores them while
    the caller produces the next ones), and the server parses no text."""
    with cursor.cursor.copy(f"COPY {target} FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(list(types))
        for row in rows:
            copy.write_row(row)


def _insert_rows(connection, model, names: Sequence[str], rows: list[tuple]) -> None:
    """``INSERT INTO`` ``model``'s table (fields ``names``) of ``rows``: ``COPY`` on PostgreSQL, a prepared
    ``executemany`` elsewhere."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = _quoted(connection, [model._meta.get_field(name).column for name in names])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            copy_rows(cursor, f"{table} ({columns})", column_types(model, names, connection), rows)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
        for start in range(0, len(rows), EXECUTEMANY_BATCH):
            cursor.executemany(sql, rows[start : start + EXECUTEMANY_BATCH])


def _adapt_decimal(connection):
    field = DataValue._meta.get_field("value")
    adapt = connection.ops.adapt_decimalfield_value
    return lambda value: None if value is None else adapt(value, field.max_digits, field.decimal_places)


def insert_values(rows: list[NewValue], *, now: datetime, user_id: int | None, reason: str) -> None:
    """Insert new values stamped ``now``, then their ``+`` history rows copied from the table itself."""
    if not rows:
        return
    connection = _connection()
    meta = DataValue._meta
    stamp = connection.ops.adapt_datetimefield_value(now)
    decimal = _adapt_decimal(connection)
    names = ("report", "element", "value", "comment", "updated_at")
    _insert_rows(
        connection,
        DataValue,
        names,
        [(report, element, decimal(value), comment, stamp) for report, element, value, comment in rows],
    )
    copy_history(
        DataValue,
        key="report",
        keys=[row[0] for row in rows],
        where=f"{connection.ops.quote_name(meta.get_field('updated_at').column)} = %s",
        where_params=[stamp],
        history_type="+",
        date=now,
        user_id=user_id,
        reason=reason,
    )


def update_values(rows: list[ChangedValue], *, now: datetime, user_id: int | None, reason: str) -> None:
    """Save the new value and comment of existing values stamped ``now`` (one prepared ``UPDATE`` through
    ``executemany``: Django's ``bulk_update`` builds a CASE/WHEN per object), then their ``~`` history rows."""
    if not rows:
        return
    connection = _connection()
    meta = DataValue._meta
    quote = connection.ops.quote_name
    stamp = connection.ops.adapt_datetimefield_value(now)
    decimal = _adapt_decimal(connection)
    assignments = ", ".join(
        f"{quote(meta.get_field(name).column)} = %s" for name in ("value", "comment", "updated_at")
    )
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    params = [(decimal(value), comment, stamp, pk) for pk, _report, _element, value, comment in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(params), EXECUTEMANY_BATCH):
            cursor.executemany(sql, params[start : start + EXECUTEMANY_BATCH])
    tracked = [field.attname for field in DataValue.history.model.tracked_fields]
    position = {"id": 0, "report_id": 1, "element_id": 2, "value": 3, "comment": 4, "updated_at": 5}
    picks = [position[name] for name in tracked]  # a newly tracked field fails here, loudly
    history_rows = []
    for pk, report_id, element_id, value, comment in rows:
        full = (pk, report_id, element_id, decimal(value), comment, stamp)
        history_rows.append((*(full[index] for index in picks), stamp, user_id, reason, "~"))
    _insert_rows(connection, DataValue.history.model, [*tracked, *HISTORY_EXTRA], history_rows)
