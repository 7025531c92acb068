"""The workflow's refusal: raised by services and rules, shown to the person as a message."""

from common.errors import UserError


class WorkflowError(UserError):
    """An action that the project's state or files do not allow; the message is for the user."""
