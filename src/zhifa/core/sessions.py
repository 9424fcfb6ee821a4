"""The session store (SESSION_ENGINE): Django's database sessions, with the one read every signed-in
request makes compiled once per process (core.prepared). The session key is the table's primary key,
so the expiry is checked on the one row instead of in the WHERE clause: the same answer."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from zhifa.core.prepared import Prepared

_SESSION: Prepared[Session] = Prepared(
    lambda key: Session.objects.filter(session_key=key), markers=("\x00not-a-session-key",)
)


class SessionStore(DbSessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        found = _SESSION(key) if key else []
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None
        return None
