"""The one error type a person is shown: raised by services, turned into a message by views."""


class UserError(Exception):
    """An action that the data, the state or the rules do not allow; the message is French and
    says what to do."""
