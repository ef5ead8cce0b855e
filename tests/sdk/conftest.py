import pytest

# detailed assertion messages inside the shared helper module
pytest.register_assert_rewrite("tests.sdk.wire")
