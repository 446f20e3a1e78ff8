from tests.shopping import fake_stripe  # noqa: F401 (a fixture of the fault tests)
