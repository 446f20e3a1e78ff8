# Fixtures the fault tests share with the rest of the suite.
from tests.shopping import fake_stripe  # noqa: F401
