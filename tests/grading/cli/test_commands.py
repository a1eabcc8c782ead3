"""The command line: every make target's command parses, exit statuses, credentials."""
import re
import shlex

import pytest

from grading.cli import commands as cli
from grading.course import REPO_ROOT, CourseLayout
from grading.records import GradeResult


def test_every_make_target_command_parses():
    makefile = (REPO_ROOT / "Makefile").read_text()
    commands = re.findall(r"-m grading (.+)", makefile)
    assert len(commands) >= 7
    names = set()
    for command in commands:
        argv = shlex.split(re.sub(r"\$\((\w+)\)", r"VALUE_\1", command))
        args = cli.build_parser().parse_args(argv)
        names.add(args.command)
    assert names == set(cli.COMMANDS)


def test_autograde_exit_status_only_fails_for_infrastructure(tmp_path, monkeypatch, capsys):
    from grading.batch import pipeline

    (tmp_path / "subs" / "alice" / "01_a").mkdir(parents=True)
    outcome = [GradeResult("alice", "01_a", 0.0, 5.0, problem="not a valid notebook")]
    monkeypatch.setattr(pipeline.Grader, "autograde_all", lambda self, *a, **k: outcome)
    argv = ["autograde", str(tmp_path / "subs"), "--course", str(tmp_path / "course")]
    assert cli.main(argv) == 0
    outcome[0].infrastructure = True
    assert cli.main(argv) == 1
    assert "infrastructure" in capsys.readouterr().err
    assert cli.main(["autograde", str(tmp_path / "nowhere")]) == 1


def test_validate_missing_notebook_is_an_error(tmp_path, capsys):
    assert cli.main(["validate", str(tmp_path / "nope.ipynb")]) == 1
    assert "no notebook" in capsys.readouterr().err


def test_no_password_on_the_command_line_or_in_the_course(tmp_path, capsys):
    """A --db-url with a password is refused (it would be in every process's view of the command
    line); a URL file is read only if no one else may read it; the formgrader's configuration in
    the course folder never holds the password."""
    from grading.course import CourseLayout
    from grading.nbgrader_glue.api import write_formgrader_config

    parser = cli.build_parser()
    with pytest.raises(SystemExit) as refused:
        parser.parse_args(["export", "--db-url", "postgresql://grader:s3cret@dbhost/course"])
    assert refused.value.code == 2 and "~/.pgpass" in capsys.readouterr().err
    assert parser.parse_args(["export", "--db-url", "postgresql://grader@dbhost/course"]).db_url == \
        "postgresql://grader@dbhost/course"
    url_file = tmp_path / "gradebook-url"
    url_file.write_text("postgresql://grader:s3cret@dbhost/course\n")
    url_file.chmod(0o644)
    with pytest.raises(SystemExit):
        parser.parse_args(["export", "--db-url-file", str(url_file)])
    assert "chmod 600" in capsys.readouterr().err
    url_file.chmod(0o600)
    args = parser.parse_args(["export", "--db-url-file", str(url_file)])
    assert args.db_url == "postgresql://grader:s3cret@dbhost/course"
    (tmp_path / "course").mkdir()
    config = write_formgrader_config(CourseLayout(tmp_path / "course", args.db_url)).read_text()
    assert "s3cret" not in config and "grader@dbhost/course" in config
