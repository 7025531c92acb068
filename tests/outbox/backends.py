"""A mail backend that fails on demand, keeping sent mails in `django.core.mail.outbox`."""

import smtplib

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

REFUSED_DOMAIN = "@refused.example"


class FlakyBackend(BaseEmailBackend):
    """Refuses every address at refused.example (for good); raises a connection error while
    `down` is set, as a mail server that is off."""

    down = False

    def send_messages(self, messages):
        for message in messages:
            message.message()  # builds the headers: a bad one raises as with SMTP
            if FlakyBackend.down:
                raise ConnectionRefusedError("mail server down")
            if any(address.endswith(REFUSED_DOMAIN) for address in message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no such user")})
            mail.outbox.append(message)
        return len(messages)
