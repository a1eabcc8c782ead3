"""nbgrader's configuration and API: what its failures mean, the course configuration."""

from grading.course import REPO_ROOT, CourseLayout
from grading.nbgrader_glue.api import failure_reason


ALEMBIC_LOG = """[INFO] Updating/creating assignment '00_mini': {}
[ERROR] There was an error processing assignment: /c/source/./00_mini
[ERROR] Traceback (most recent call last):
      File "base.py", line 386, in convert_notebooks
        self.init_assignment(gd['assignment_id'], gd['student_id'])
    FileNotFoundError: [Errno 2] No such file or directory: 'alembic'

[ERROR] There was an error processing assignment '00_mini' for student '.'
[ERROR] Please see the the above traceback for details on the specific errors on the above failures.
"""


def test_failure_reason_picks_the_informative_message():
    assert failure_reason({"log": ALEMBIC_LOG, "error": "Traceback\nNbGraderException: x"}) == \
        "FileNotFoundError: [Errno 2] No such file or directory: 'alembic'"
    timeout = "[INFO] hi\n[ERROR] Timeout waiting for execute reply (120s).\n" + ALEMBIC_LOG
    assert failure_reason({"log": timeout}) == "Timeout waiting for execute reply (120s)."
    assert failure_reason({"success": False, "error": "Traceback\nValueError: y"}) == "ValueError: y"


def test_infrastructure_failures_are_recognised():
    from grading.nbgrader_glue.api import classify_failure, is_infrastructure

    assert is_infrastructure("sqlite3.OperationalError: database is locked")
    assert is_infrastructure("jupyter_client.kernelspec.NoSuchKernel: python3")
    assert not is_infrastructure("CellTimeoutError: No reply from kernel before timeout")
    locked = {"success": False, "log": "[ERROR] There was an error processing\n",
              "error": "Traceback\nsqlite3.OperationalError: database is locked"}
    assert classify_failure(locked) == ("sqlite3.OperationalError: database is locked", True)
    timeout = {"success": False, "log": "[ERROR] Timeout waiting for execute reply (120s).\n"}
    assert classify_failure(timeout) == ("Timeout waiting for execute reply (120s).", False)


def test_server_gradebook_gets_a_course_id(tmp_path):
    from grading.nbgrader_glue.api import load_config

    assert load_config(CourseLayout(tmp_path)).CourseDirectory.get("course_id") is None
    config = load_config(CourseLayout(tmp_path, "postgresql://u@h/db"))
    assert config.CourseDirectory.course_id == "default_course"


def test_root_nbgrader_config_does_not_reach_the_grading_command(tmp_path, monkeypatch):
    """python -m grading loads grading/nbgrader_config.py explicitly, wherever it runs."""
    from grading.nbgrader_glue.api import load_config

    monkeypatch.chdir(REPO_ROOT)
    from_root = load_config(CourseLayout(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert load_config(CourseLayout(tmp_path)) == from_root
    text = (REPO_ROOT / "nbgrader_config.py").read_text()
    assert "apply_validation_settings" in text and "Autograde" not in text


def test_a_new_gradebook_is_stamped_with_nbgrader_s_own_revision_without_a_second_process(tmp_path):
    """nbgrader runs `alembic heads` in a new process (about 1.2 s) for each gradebook it creates; grading reads the
    same head in its own process, once."""
    import subprocess

    import nbgrader.api
    from nbgrader import dbutil

    from grading.nbgrader_glue.api import alembic_head, ensure_scripts_on_path, stamp_new_gradebooks_in_process

    ensure_scripts_on_path()
    ini = tmp_path / "alembic.ini"                                  # as nbgrader.api.get_alembic_version asks alembic
    dbutil.write_alembic_ini(str(ini), f"sqlite:///{tmp_path / 'gradebook.db'}")
    heads = subprocess.check_output(["alembic", "-c", str(ini), "heads"], text=True)
    assert alembic_head() == heads.split()[0]
    stamp_new_gradebooks_in_process()
    stamp_new_gradebooks_in_process()                                          # once is enough
    assert nbgrader.api.get_alembic_version() == alembic_head()
    assert nbgrader.api.get_alembic_version.__wrapped__ is alembic_head
