"""Reads of a fixed shape, compiled to SQL once per thread and then only executed.

Django compiles every queryset to SQL at each evaluation: 1–2 ms of Python for a read of a few
joined tables, more than PostgreSQL takes to run it. On the API's hot path (consulter: the
credentials, the invoice with its parties, the rights, the lines, the attachments) that compiling
was most of the request (docs/perf.md, "API (mode service)"). A `FixedRead` is such a read whose
shape never changes, only some values:

    invoice_lines = FixedRead(
        lambda invoice_id: InvoiceLine.objects.filter(invoice_id=invoice_id).order_by("position"),
        invoice_id=int,
    )
    invoice_lines(invoice_id=12)  # -> list[InvoiceLine], the same objects the queryset gives

The queryset is built and compiled once per thread and database connection with sample values,
twice with different samples to find where each value lands among the statement's parameters; later
calls put the new values there and execute the same SQL. On PostgreSQL that statement is prepared
(the only ones that are: settings.py), so the server also plans it once per connection. Values are ints, strings or datetimes; one whose compiled parameter is not the
value itself (a `__contains` pattern, an `__in` list) is refused at the first call, loudly. Model
instances (with `select_related`, `only`) and `values_list` rows are supported, as Django builds
them (the same converters and related populators).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)

_SAMPLES: dict[type, Callable[[int, int], Any]] = {
    int: lambda slot, n: 1_900_000_000 + 1_000 * n + slot,
    str: lambda slot, n: f"\x1ffixed-read-{n}-{slot}\x1f",
    datetime: lambda slot, n: datetime(1901 + n, 1, 1, 0, 0, slot, tzinfo=UTC),
}


@contextmanager
def _prepared(connection) -> Iterator[None]:
    """On PostgreSQL, this statement prepared (psycopg prepares none by count: settings.py), so that
    the server plans it once per connection, a generic plan fit for a read by key."""
    raw = connection.connection
    if connection.vendor != "postgresql" or not settings.OPENCHORUS_PG_PREPARED or raw is None:
        yield
        return
    threshold = raw.prepare_threshold
    raw.prepare_threshold = 0
    try:
        yield
    finally:
        raw.prepare_threshold = threshold


@dataclass
class _Compiled:
    connection: Any
    sql: str
    params: list[Any]
    slots: list[tuple[int, str, Callable[[Any], Any]]]  # (position, value name, how it is passed)
    kind: type
    model: Any
    start: int
    end: int
    init_list: list[str]
    populators: list[Any]
    annotations: dict[str, int]
    converters: dict[int, Any]
    width: int


class FixedRead:
    """A read whose shape is fixed: `build(**values)` returns its queryset; see the module."""

    def __init__(self, build: Callable[..., QuerySet], *, using: str = DEFAULT_DB_ALIAS, **kinds: type):
        unknown = [name for name, kind in kinds.items() if kind not in _SAMPLES]
        if unknown:
            raise TypeError(f"FixedRead: values must be int, str or datetime ({', '.join(unknown)})")
        self.build, self.using, self.kinds = build, using, kinds
        self._local = threading.local()

    def __call__(self, **values: Any) -> list[Any]:
        connection = connections[self.using]
        compiled = getattr(self._local, "compiled", None)
        if compiled is None or compiled.connection is not connection:
            compiled = self._local.compiled = self._compile(connection)
        params = list(compiled.params)
        for position, name, passed in compiled.slots:
            params[position] = passed(values[name])
        with connection.cursor() as cursor, _prepared(connection):
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = [self._converted(row, compiled) for row in rows]
        if compiled.kind is ModelIterable:
            return [self._instance(row, compiled) for row in rows]
        if compiled.kind is FlatValuesListIterable:
            return [row[0] for row in rows]
        return [tuple(row[: compiled.width]) for row in rows]

    # --- compiling ------------------------------------------------------------------------------

    def _compile(self, connection) -> _Compiled:
        samples = [
            {name: _SAMPLES[kind](slot, n) for slot, (name, kind) in enumerate(self.kinds.items())}
            for n in (0, 1)
        ]
        queryset = self.build(**samples[0])
        kind = queryset._iterable_class
        if kind not in (ModelIterable, FlatValuesListIterable, ValuesListIterable):
            raise TypeError(f"FixedRead: {kind.__name__} results are not supported")
        compiler = queryset.query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()
        other_sql, other = self.build(**samples[1]).query.get_compiler(using=self.using).as_sql()
        if other_sql != sql or len(other) != len(params):
            raise TypeError("FixedRead: the statement's shape depends on the values")
        slots = self._slots(connection, list(params), list(other), samples)
        select, klass_info = compiler.select, compiler.klass_info
        fields = [column[0] for column in select[: compiler.col_count]]
        converters = compiler.get_converters(fields)
        compiled = _Compiled(
            connection=connection,
            sql=sql,
            params=list(params),
            slots=slots,
            kind=kind,
            model=None,
            start=0,
            end=0,
            init_list=[],
            populators=[],
            annotations=compiler.annotation_col_map or {},
            converters=converters,
            width=compiler.col_count,
        )
        if kind is ModelIterable:
            compiled.model = klass_info["model"]
            select_fields = klass_info["select_fields"]
            compiled.start, compiled.end = select_fields[0], select_fields[-1] + 1
            compiled.init_list = [
                column[0].target.attname for column in select[compiled.start : compiled.end]
            ]
            compiled.populators = get_related_populators(klass_info, select, self.using)
        return compiled

    def _slots(self, connection, params: list, other: list, samples: list[dict]) -> list:
        """Where each value lands among the parameters, and how it is passed there (as it is, or as
        the database adapts a datetime)."""
        same, adapted = (lambda value: value), connection.ops.adapt_datetimefield_value
        ways = {name: (same, adapted) if kind is datetime else (same,) for name, kind in self.kinds.items()}
        slots, found = [], set()
        for position, (first, second) in enumerate(zip(params, other, strict=True)):
            if first == second:
                continue
            for name in self.kinds:
                way = next(
                    (w for w in ways[name] if w(samples[0][name]) == first and w(samples[1][name]) == second),
                    None,
                )
                if way is not None:
                    slots.append((position, name, way))
                    found.add(name)
                    break
            else:
                raise TypeError(
                    f"FixedRead: parameter {position} is derived from a value, not the value itself"
                )
        missing = set(self.kinds) - found
        if missing:
            raise TypeError(f"FixedRead: {', '.join(sorted(missing))} never reach the statement")
        return slots

    # --- rows ------------------------------------------------------------------------------------

    @staticmethod
    def _converted(row, compiled: _Compiled) -> list:
        row = list(row)
        for position, (convs, expression) in compiled.converters.items():
            value = row[position]
            for converter in convs:
                value = converter(value, expression, compiled.connection)
            row[position] = value
        return row

    def _instance(self, row, compiled: _Compiled):
        obj = compiled.model.from_db(self.using, compiled.init_list, row[compiled.start : compiled.end])
        for populator in compiled.populators:
            populator.populate(row, obj)
        for name, position in compiled.annotations.items():
            setattr(obj, name, row[position])
        return obj
