"""Sign-in as Django's ``ModelBackend``; a signed-in request's user comes with its account.

Every page needs the user and then its account (role, county, school): one fixed SQL statement
with the joins instead of two ORM queries (building the ORM's join cost more than running it).
A user without an account (a Django superuser) is read as Django reads it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

from ..models import Account, County, School

_JOINED: list[tuple[str, list]] = []  # the statement and, per model, its fields and converters (built once)


def _joined(connection):
    if not _JOINED:
        User = get_user_model()
        parts = [(model, alias, list(model._meta.concrete_fields))
                 for model, alias in ((Account, "a"), (User, "u"), (County, "c"), (School, "s"))]
        columns = ", ".join(f'{alias}."{f.column}"' for _, alias, fields in parts for f in fields)
        joins = " ".join(
            f'{kind} JOIN "{model._meta.db_table}" {alias} ON {alias}."{model._meta.pk.column}"'
            f' = a."{Account._meta.get_field(name).column}"'
            for kind, model, alias, name in (("", User, "u", "user"), ("LEFT", County, "c", "county"),
                                             ("LEFT", School, "s", "school")))
        sql = (f'SELECT {columns} FROM "{Account._meta.db_table}" a {joins}'
               f' WHERE a."{Account._meta.get_field("user").column}" = %s')

        def converters(alias, field):  # what the ORM applies to a value read from the database
            col = field.get_col(alias)
            return col, connection.ops.get_db_converters(col) + col.get_db_converters(connection)

        _JOINED.append((sql, [(model, [f.attname for f in fields], [converters(alias, f) for f in fields])
                              for model, alias, fields in parts]))
    return _JOINED[0]


def account_with_joins(user_id) -> Account | None:
    """The account of ``user_id`` with its user, county and school, as ``select_related`` would."""
    db = router.db_for_read(Account)
    connection = connections[db]
    sql, parts = _joined(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    objects, start = [], 0
    for model, names, converters in parts:
        values = []
        for value, (col, field_converters) in zip(row[start:start + len(names)], converters, strict=True):
            for convert in field_converters:
                value = convert(value, col, connection)
            values.append(value)
        start += len(names)
        objects.append(None if values[0] is None else model.from_db(db, names, values))
    acc, user, county, school = objects
    acc.user, acc.county, acc.school = user, county, school
    return acc


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        acc = account_with_joins(user_id)
        if acc is None:
            return super().get_user(user_id)
        user = acc.user
        user._junheng_account = acc  # access.account_of reads it from here
        return user if self.user_can_authenticate(user) else None
