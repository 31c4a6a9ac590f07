"""Queries built and compiled once, then run again with other values.

For a small query Django's own work is most of the cost: building the
queryset, resolving its lookups and compiling its SQL take three to four times
as long as running it and making the rows into instances. A page that runs the
same few queries for every reader (a release's topics, its organisations, its
neighbours) pays that on every request. A ``Statement`` builds and compiles its
queryset once for each database and *shape* of its values, keeps the compiled
query, and on later runs only puts the new values in place of the first
call's: the rows come back through the queryset's own iterable, so related
objects, annotations and a custom iterable class work as in the queryset.
"""

import contextlib
import copy
import datetime
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler
from psycopg.pq import TransactionStatus

# The first call's values are markers no real value takes, so that each can be
# found among the compiled query's parameters and replaced later.
MARKER_NUMBER = -987_654_321_000
# The compiled queries a statement keeps, one for each shape of values.
MAX_SHAPES = 256


def marker(field, number):
    """A value of ``field``'s type that no row holds, the ``number``-th of its slot."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return datetime.datetime(1001, 1, 1, 0, 0, 0, number, tzinfo=datetime.UTC)
    if kind == "DateField":
        return datetime.date(1001, 1, 1) + datetime.timedelta(days=number)
    if kind == "UUIDField":
        return uuid.UUID(int=(MARKER_NUMBER + number) % 2**128)
    if "Integer" in kind or "AutoField" in kind:
        return MARKER_NUMBER - number
    return f"\x1fmarker-{number}\x1f"


class Statement:
    """``build(**values)``'s query, compiled once for each shape of ``values``.

    ``slots`` names each value and the model field that stores it, which turns a
    value into the database's parameter. A value may be a list, which is a list
    of slots of that field: its length is part of the shape, as is whether a
    value is None, since each changes the SQL (``IN (%s, %s)``, ``IS NULL``).
    ``build`` may read a value's length and presence, never the value itself:
    it is given markers that stand for the values.

    On PostgreSQL a statement is kept prepared (``prepared``), unless ``prepare`` is
    False: for a query whose best plan depends on its values, the generic plan the
    server settles on after five runs can be far slower than each run planned anew.
    With ``generic``, every run takes the generic plan, the first included: for a query
    whose plan does not depend on its values and takes far longer to make than to run
    (the rule of public organisations), which the server may go on planning anew
    because it estimates the generic plan dearer than the runs it planned.
    """

    def __init__(self, build, *, prepare=True, generic=False, **slots):
        self.build = build
        self.prepare = prepare
        self.generic = generic
        self.slots = slots
        self.compiled = {}

    def rows(self, using=DEFAULT_DB_ALIAS, **values):
        """The instances the query gives for ``values``, as a list."""
        using = using or DEFAULT_DB_ALIAS
        connection = connections[using]
        shape = (using, connection.vendor, *(self.shape_of(values[name]) for name in self.slots))
        if shape not in self.compiled:
            if len(self.compiled) >= MAX_SHAPES:
                # A list that grows with the archive makes a new shape now and then:
                # the oldest compiled goes first.
                del self.compiled[next(iter(self.compiled))]
            self.compiled[shape] = self.compile(connection, values)
        compiled = self.compiled[shape]
        if compiled is None:
            return []
        params = list(compiled.params)
        for position, (name, index) in compiled.positions.items():
            value = values[name] if index is None else values[name][index]
            params[position] = self.slots[name].get_db_prep_value(value, connection, prepared=False)
        with prepared(connection, self.generic) if self.prepare else contextlib.nullcontext():
            return list(compiled.queryset_for(tuple(params), connection))

    @staticmethod
    def shape_of(value):
        if value is None:
            return None
        if isinstance(value, list | tuple):
            return len(value)
        return ""

    def compile(self, connection, values):
        """The ``Compiled`` query for values of this shape, or None when it can match nothing."""
        markers, wanted, number = {}, {}, 0
        for name, field in self.slots.items():
            value = values[name]
            if value is None:
                markers[name] = None
                continue
            if isinstance(value, list | tuple):
                markers[name] = []
                for index in range(len(value)):
                    markers[name].append(marker(field, number))
                    wanted[(name, index)] = markers[name][-1]
                    number += 1
            else:
                markers[name] = marker(field, number)
                wanted[(name, None)] = markers[name]
                number += 1
        queryset = self.build(**markers)
        # Rows are made into instances of their own: a manager's instance the
        # markers stood for must not be set on them.
        queryset._known_related_objects = {}
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        adapted = {
            slot: self.slots[slot[0]].get_db_prep_value(value, connection, prepared=False)
            for slot, value in wanted.items()
        }
        positions = {}
        for position, param in enumerate(params):
            for slot, value in adapted.items():
                if type(param) is type(value) and param == value:
                    positions[position] = slot
                    break
        missing = set(adapted) - set(positions.values())
        if missing:
            raise ValueError(f"These values are not parameters of the query: {sorted(missing)}")
        columns = [column for column, *_ in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(columns)
        return Compiled(queryset, compiler, sql, params, positions, converters)


@contextmanager
def prepared(connection, generic=False):
    """Have PostgreSQL keep what runs inside prepared, where the database settings bind
    parameters on the server (``DATABASE_PREPARED_STATEMENTS``); with ``generic``, run
    it by its generic plan.

    A statement's SQL is the same on every run, so its plan can be too: planning the
    release page's linked releases took longer than running them. Other queries are
    never prepared: a generic plan of a query no one chose for it (a topic's probe,
    with "up to now" as a parameter) can be far slower than the one planned for its
    values.
    """
    if connection.vendor != "postgresql" or not connection.settings_dict["OPTIONS"].get(
        "server_side_binding"
    ):
        yield
        return
    connection.ensure_connection()
    database = connection.connection
    threshold = database.prepare_threshold
    database.prepare_threshold = 0
    if generic:
        database.execute("SET plan_cache_mode = force_generic_plan", prepare=False)
    try:
        yield
    finally:
        database.prepare_threshold = threshold
        # After an error inside a transaction, its rollback undoes the setting.
        if generic and database.info.transaction_status != TransactionStatus.INERROR:
            database.execute("RESET plan_cache_mode", prepare=False)


@dataclass(frozen=True)
class Compiled:
    """A queryset, its compiler after compiling, the SQL and first parameters, and
    ``positions``: which slot's value (name, index in a list or None) each parameter is,
    and the converters of the columns read, which depend on the columns alone."""

    queryset: QuerySet
    compiler: SQLCompiler
    sql: str
    params: tuple
    positions: dict
    converters: dict

    def queryset_for(self, params, connection):
        """A copy of the queryset whose evaluation runs the kept SQL with ``params`` on
        ``connection``, this thread's.

        The compiler knows from compiling how to read the rows (its columns,
        related objects and annotations); its ``as_sql``, the converters it would
        look up again and the connection (the compiling thread's) are replaced.
        """
        run = copy.copy(self.compiler)
        run.connection = connection
        run.as_sql = lambda *args, **kwargs: (self.sql, params)
        run.get_converters = lambda expressions: self.converters
        ready = self.queryset._chain()
        ready.query.get_compiler = lambda *args, **kwargs: run
        return ready


def remember_prefetched(instance, name, rows):
    """Keep ``rows`` as ``instance``'s ``name`` the way ``prefetch_related`` does, so that
    ``instance.<name>.all()`` reads them without a query (``ReadAhead``)."""
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = ReadAhead(
        instance, name, rows
    )


class ReadAhead(QuerySet):
    """The rows of ``instance``'s relation ``name``, read ahead.

    A prefetch keeps its rows in the relation's own queryset, and building that
    queryset (the related manager, its filter through the relation; taggit's
    more so) took longer than reading the rows: about 0.4 ms of a release page.
    This keeps the rows alone. Reading them (iterating, counting, indexing, ``exists``)
    needs nothing more; whatever asks for a query instead (a filter, an update,
    ``iterator``, pickling) is given the relation's own queryset with the rows, built
    then, so that it reaches this relation's rows and no others.
    """

    def __init__(self, instance, name, rows):
        super().__init__(
            model=instance._meta.get_field(name).related_model,
            using=instance._state.db,
            hints={"instance": instance},
        )
        self._result_cache = list(rows)
        self._prefetch_done = True
        self._instance = instance
        self._name = name
        self._relation = None

    def relation(self):
        """The relation's queryset holding the rows, as ``prefetch_related`` keeps it."""
        if self._relation is None:
            # The manager hands back what the instance keeps: set aside while it builds.
            kept = self._instance._prefetched_objects_cache.pop(self._name)
            try:
                relation = getattr(self._instance, self._name).all()
            finally:
                self._instance._prefetched_objects_cache[self._name] = kept
            relation._result_cache = self._result_cache
            relation._prefetch_done = True
            self._relation = relation
        return self._relation

    @property
    def query(self):
        return self.relation().query

    @query.setter
    def query(self, value):
        self.relation().query = value

    def _clone(self):
        return self.relation()._clone()

    def __copy__(self):
        return copy.copy(self.relation())

    def __deepcopy__(self, memo):
        return copy.deepcopy(self.relation(), memo)

    def __reduce_ex__(self, protocol):
        # Unpickled as the relation's queryset: the instance it reads ahead for is gone.
        return (_unpickled, (self.relation(),))


def _unpickled(relation):
    return relation
