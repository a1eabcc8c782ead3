"""The formgrader's Autograde button is off for a course that python -m grading grades: nbgrader, configured by
the course configuration that release writes, refuses at once and names the command to run, before any of the
student's code runs."""
import nbformat
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

from grading.nbgrader_glue.formgrader import RefuseAutograde
from grading_fixture import NAME, fixture_course, solved


def test_the_formgraders_autograde_refuses_and_names_the_command(tmp_path):
    grader, _, released = fixture_course(tmp_path)
    course = grader.layout.root
    folder = course / "submitted" / "alice" / NAME
    folder.mkdir(parents=True)
    nb = solved(released)
    nb.cells.append(nbformat.v4.new_code_cell(f"open({str(tmp_path / 'ran')!r}, 'w').write('ran')"))
    nbformat.write(nb, str(folder / f"{NAME}.ipynb"))
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()   # what the formgrader reads
    assert config.Autograde.sanitize_preprocessors[0] is RefuseAutograde
    result = NbGraderAPI(CourseDirectory(config=config), config=config).autograde(NAME, "alice")
    text = (result.get("error") or "") + (result.get("log") or "")
    assert not result["success"]
    assert "Autograde is turned off in the formgrader" in text
    assert f"python -m grading autograde {course / 'submitted'} --course {course}" in text
    assert not (tmp_path / "ran").exists()                  # the student's code never ran
