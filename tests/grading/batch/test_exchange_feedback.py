"""A submission collected through nbgrader's exchange carries its secret (``submission_secret.txt``), by which
``release_feedback`` and ``fetch_feedback`` name its feedback: grading keeps it (into the autograded folder, from
where nbgrader's generate_feedback copies it on) and does not call it an extra file."""
import os
import secrets

import nbformat
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import notebook_hash

from grading.course import SECRET, find_notebooks, find_submissions
from grading.nbgrader_glue.api import load_config
from grading_fixture import NAME, fixture_course, solved


def test_feedback_of_an_exchange_submission_can_be_released(tmp_path):
    grader, notebooks, released = fixture_course(tmp_path)
    folder = tmp_path / "submitted" / "alice" / NAME
    folder.mkdir(parents=True)
    nbformat.write(solved(released), str(folder / f"{NAME}.ipynb"))
    secret = secrets.token_hex(64)
    (folder / SECRET).write_text(secret)
    (folder / "timestamp.txt").write_text("2026-12-07 12:00:00.000000 UTC")
    [result] = grader.autograde_all(find_submissions(tmp_path / "submitted"), find_notebooks(notebooks))
    assert result.score == result.max_score and not [n for n in result.notes if "extra files" in n], result.notes

    for _ in range(2):   # feedback generated again keeps the secret
        grader.feedback()
        assert (grader.layout.root / "feedback" / "alice" / NAME / SECRET).read_text() == secret

    exchange = tmp_path / "exchange"
    exchange.mkdir()
    os.chmod(exchange, 0o777)
    config = load_config(grader.layout)
    config.CourseDirectory.course_id = "nnfs101"
    config.Exchange.root = str(exchange)
    done = NbGraderAPI(CourseDirectory(config=config), config=config).release_feedback(NAME)
    assert done["success"], done.get("error") or done.get("log")
    released_feedback = exchange / "nnfs101" / "feedback" / f"{notebook_hash(secret=secret, notebook_id=NAME)}.html"
    assert released_feedback.is_file() and "relu" in released_feedback.read_text()
