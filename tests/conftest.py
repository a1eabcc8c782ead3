import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))


import pytest  # noqa: E402

from notebook_runner import execute  # noqa: E402

pytest_plugins = ["mistake_coverage", "edition_twin", "postgres_server", "grading_fixture"]


@pytest.fixture(scope="module")
def run(request):
    """The executed notebook named by the test module's NAME (executed once per session)."""
    return execute(request.module.NAME)


@pytest.fixture(scope="module")
def measured(run):
    """The `measured` dict of that notebook: the numbers behind its claims."""
    return run.measured
