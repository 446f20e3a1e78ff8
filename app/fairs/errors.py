"""The fairs blueprint's one error: a rule was broken; the message is for the organiser or
staff, `field` names the form field.
"""


class FairError(ValueError):
    """A rule was broken; the message is for the organiser or staff, `field` names the field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
