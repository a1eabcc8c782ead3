"""Gradebook URLs."""

from grading.batch.pipeline import Grader
from grading.course import CourseLayout


def test_database_urls(tmp_path):
    from grading.gradebook.database import normalize_db_url

    try:  # SQLAlchemy 2.1's default driver; the pinned one is psycopg2
        import psycopg  # noqa: F401
        plain = "postgresql"
    except ImportError:
        plain = "postgresql+psycopg2"
    assert normalize_db_url("postgres://u@h:5/db") == f"{plain}://u@h:5/db"
    assert normalize_db_url("postgresql://u@h/db") == f"{plain}://u@h/db"
    assert normalize_db_url("postgresql+psycopg2://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert normalize_db_url("sqlite:////x/g.db") == "sqlite:////x/g.db"
    layout = Grader(tmp_path / "c", db_url="postgres://u@h/db").layout     # the command normalises what it is given
    assert layout.db_url == f"{plain}://u@h/db" and layout.gradebook_exists()
    assert not CourseLayout(tmp_path / "c").gradebook_exists()
