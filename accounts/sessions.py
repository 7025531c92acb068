"""Django's database sessions (SESSION_ENGINE), the session read in plain SQL: it is the first
query of every signed-in request (see `accounts.plain_reads`)."""

from django.contrib.sessions.backends import db

from .plain_reads import live_session


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        session = live_session(self.model, self.session_key)
        if session is None:
            self._session_key = None  # as Django's: an unknown or expired key is not reused
        return session
