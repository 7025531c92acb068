"""Reading the mails a test sent: each names one recipient alone (outbox.services.enqueue_mail)."""


def sent_to(messages) -> set[str]:
    """Everyone the messages reach; fails if one of them names more than its own recipient."""
    addresses = set()
    for message in messages:
        assert len(message.to) == 1 and not message.cc and not message.bcc, message.recipients()
        addresses.add(message.to[0])
    return addresses


def to_whom(messages, address: str) -> list:
    """The messages that reach this address."""
    return [m for m in messages if address in m.recipients()]
