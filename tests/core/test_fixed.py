"""core.fixed: a read of fixed shape gives what its queryset gives, compiled once per thread."""

from __future__ import annotations

import os
import threading
from datetime import date, timedelta

import pytest
from django.db import connection, connections
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openchorus.core.fixed import FixedRead
from openchorus.structures.models import Structure, StructureService

pytestmark = pytest.mark.django_db


@pytest.fixture
def structures():
    made = [
        Structure.objects.create(
            identifier_type="SIRET", identifier=f"1234567890{n:04d}", legal_name=f"Mairie {n}"
        )
        for n in range(3)
    ]
    for structure in made:
        for code in ("B", "A"):
            StructureService.objects.create(
                structure=structure,
                code=f"{code}{structure.pk}",
                label=f"Service {code}",
                start_date=date(2026, 1, 1),
            )
    return made


def _fields(obj, names):
    return {name: getattr(obj, name) for name in names}


def test_instances_match_the_queryset_with_related_and_only(structures):
    build = lambda structure_id: (  # noqa: E731
        StructureService.objects.select_related("structure")
        .filter(structure_id=structure_id)
        .only("code", "label", "start_date", "created_at", "structure__legal_name", "structure__identifier")
        .order_by("code")
    )
    read = FixedRead(build, structure_id=int)
    for structure in structures:
        fixed, plain = read(structure_id=structure.pk), list(build(structure.pk))
        assert [_fields(s, ("pk", "code", "label")) for s in fixed] == [
            _fields(s, ("pk", "code", "label")) for s in plain
        ]
        assert [s.structure.legal_name for s in fixed] == [structure.legal_name] * 2
        # values go through the database's converters (dates and datetimes on SQLite)
        assert [(s.start_date, s.created_at) for s in fixed] == [(s.start_date, s.created_at) for s in plain]
        assert fixed[0].get_deferred_fields() == plain[0].get_deferred_fields()
        assert fixed[0]._state.db == "default" and not fixed[0]._state.adding
    assert read(structure_id=0) == []


def test_values_strings_and_datetimes_reach_their_places(structures):
    later = timezone.now() + timedelta(days=1)
    read = FixedRead(
        lambda identifier, before: (
            Structure.objects.filter(identifier=identifier, created_at__lt=before)
            .order_by()
            .values_list("legal_name", "pk")
        ),
        identifier=str,
        before=timezone.datetime,
    )
    flat = FixedRead(
        lambda identifier: Structure.objects.filter(identifier=identifier).values_list(
            "legal_name", flat=True
        ),
        identifier=str,
    )
    target = structures[1]
    assert read(identifier=target.identifier, before=later) == [(target.legal_name, target.pk)]
    assert read(identifier=target.identifier, before=timezone.now() - timedelta(days=1)) == []
    assert flat(identifier=structures[2].identifier) == [structures[2].legal_name]


def test_compiled_once_then_only_executed(structures, monkeypatch):
    compiled = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    read = FixedRead(lambda pk: Structure.objects.filter(pk=pk), pk=int)
    with CaptureQueriesContext(connection) as queries:
        for structure in structures:
            assert [s.pk for s in read(pk=structure.pk)] == [structure.pk]
    assert len(compiled) == 2  # the two samples of the first call, nothing after
    assert len(queries) == 3  # one statement per call


def test_each_thread_compiles_for_its_own_connection(structures):
    read = FixedRead(lambda pk: Structure.objects.filter(pk=pk), pk=int)
    read(pk=structures[0].pk)
    seen = []

    def other_thread():
        seen.append(read._local.__dict__.get("compiled"))

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen == [None] and read._local.compiled.connection is connections["default"]


@pytest.mark.parametrize(
    ("build", "kinds", "message"),
    [
        (lambda name: Structure.objects.filter(legal_name__icontains=name), {"name": str}, "derived"),
        (lambda pk: Structure.objects.filter(pk__gt=pk + 1), {"pk": int}, "derived"),
        (lambda pk: Structure.objects.all(), {"pk": int}, "never reach"),
        (lambda pk: Structure.objects.filter(pk=pk).values("pk"), {"pk": int}, "not supported"),
    ],
)
def test_reads_whose_values_are_transformed_are_refused_loudly(build, kinds, message):
    with pytest.raises(TypeError, match=message):
        FixedRead(build, **kinds)(**dict.fromkeys(kinds, 1))


def test_only_plain_kinds_of_values():
    with pytest.raises(TypeError, match="int, str or datetime"):
        FixedRead(lambda amount: Structure.objects.all(), amount=float)


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.postgres
def test_on_postgresql_only_fixed_reads_are_prepared(structures):
    """A fixed read is prepared at its first run (PostgreSQL then plans it once per connection);
    an ordinary queryset, run as often, never is: each run is planned for its own values."""
    if os.environ.get("OPENCHORUS_REQUIRE_POSTGRES") != "1":
        assert connection.vendor == "sqlite"  # nothing is prepared there; CI's second pass runs this
        return
    for structure in structures * 3:
        list(Structure.objects.filter(identifier=structure.identifier))
    assert not [sql for sql in _prepared_statements() if "structures_structure" in sql]
    read = FixedRead(lambda identifier: Structure.objects.filter(identifier=identifier), identifier=str)
    assert [s.pk for s in read(identifier=structures[0].identifier)] == [structures[0].pk]
    prepared = [sql for sql in _prepared_statements() if "structures_structure" in sql]
    assert len(prepared) == 1 and '"identifier" = $1' in prepared[0]
    assert connection.connection.prepare_threshold is None  # restored after the read
