"""The payouts blueprint's one error: a rule was broken, the message is for the user."""


class PayoutError(ValueError):
    """A rule was broken; the message is for the user or operator."""
