"""Django's database sessions, read with one fixed SQL statement.

Every page reads its session; the ORM's building of that one ``SELECT`` cost more than running
it. The rows, the cookie, expiry and saving are Django's own (``django.contrib.sessions``): a
session deleted on sign-out or by a password change is gone for every worker at once, which a
per-process cache of sessions or a signed-cookie session could not promise.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT session_data FROM {model._meta.db_table} WHERE session_key = %s AND expire_date > %s",
                           [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])
