"""Where things are: the repository's notebooks, the generated nbgrader course directory,
submissions and students' working copies; and the plain file copying between them.

Nothing here runs nbgrader. The course directory follows nbgrader's layout::

    COURSE/source/X/X.ipynb            copied from notebooks/X.ipynb
    COURSE/release/X/X.ipynb           student version (generate_assignment)
    COURSE/submitted/STUDENT/X/X.ipynb copied from a submissions folder
    COURSE/autograded/STUDENT/X/X.ipynb
    COURSE/feedback/STUDENT/X/X.html
    COURSE/gradebook.db, COURSE/grades.csv, COURSE/grading_report.csv
    COURSE/reports/                    the class report (class_report.html, mistakes.csv, ...)
    COURSE/.grading/                   ours: lock, templates (private gradebooks), logs

The gradebook is ``COURSE/gradebook.db`` (SQLite) unless a database URL is given
(``--db-url``, e.g. PostgreSQL).
"""
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path


REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
DEFAULT_COURSE_DIR = REPO_ROOT / "build" / "course"
DEFAULT_DEMO_DIR = REPO_ROOT / "build" / "demo"
#: Files that nbgrader's exchange puts beside a submission's notebooks: the submission time, and the secret
#: that release_feedback and fetch_feedback name the feedback by (so it must reach COURSE/feedback).
TIMESTAMP, SECRET = "timestamp.txt", "submission_secret.txt"


class CourseError(Exception):
    """A problem with the course's files that the instructor has to fix."""


@dataclass(frozen=True)
class CourseLayout:
    """Paths inside one nbgrader course directory."""

    root: Path
    database: str | None = None  # SQLAlchemy URL of the gradebook; None: COURSE/gradebook.db
    course_id: str | None = None  # nbgrader's course id (the exchange's and the hub's); None: nbgrader's default

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root).resolve())

    @property
    def gradebook(self):
        return self.root / "gradebook.db"

    @property
    def db_url(self):
        """The gradebook's URL. By default an absolute SQLite URL, with which a writer
        waits up to 60 s for a lock instead of failing."""
        return self.database or f"sqlite:///{self.gradebook}?timeout=60"

    def gradebook_exists(self):
        """False only for a SQLite gradebook file not created yet (a server is asked)."""
        return bool(self.database) or self.gradebook.exists()

    @property
    def grading_report(self):
        return self.root / "grading_report.csv"

    @property
    def work_dir(self):
        """Our own files in the course: lock, template gradebooks, worker logs."""
        return self.root / ".grading"

    def log_file(self, student, assignment):
        return self.work_dir / "logs" / student / f"{assignment}.log"

    def source_dir(self, assignment):
        return self.root / "source" / assignment

    @property
    def grades_csv(self):
        return self.root / "grades.csv"

    @property
    def reports_dir(self):
        """The instructor's class report: class_report.html, mistakes.csv, exercises.csv."""
        return self.root / "reports"

    def source_notebook(self, assignment):
        return self.root / "source" / assignment / f"{assignment}.ipynb"

    def release_notebook(self, assignment):
        return self.root / "release" / assignment / f"{assignment}.ipynb"

    def submitted_dir(self, student, assignment):
        return self.root / "submitted" / student / assignment

    def autograded_dir(self, student, assignment):
        return self.root / "autograded" / student / assignment

    def autograded_notebook(self, student, assignment):
        return self.autograded_dir(student, assignment) / f"{assignment}.ipynb"

    def feedback_dir(self, student, assignment):
        return self.root / "feedback" / student / assignment

    def feedback_html(self, student, assignment):
        return self.feedback_dir(student, assignment) / f"{assignment}.html"

    def autograded_pairs(self):
        """Sorted ``(student, assignment)`` pairs that have an autograded notebook."""
        pattern = "autograded/*/*/*.ipynb"
        return sorted(
            (path.parent.parent.name, path.parent.name)
            for path in self.root.glob(pattern)
            if path.stem == path.parent.name
        )


def find_notebooks(notebooks_dir=DEFAULT_NOTEBOOKS_DIR, only=None):
    """Map assignment id (the file stem) to source notebook path, sorted by id.

    ``only`` restricts to the given ids; an id without a notebook is an error.
    """
    notebooks_dir = Path(notebooks_dir)
    found = {}
    if notebooks_dir.is_dir():
        found = {path.stem: path for path in sorted(notebooks_dir.glob("*.ipynb"))}
    if only:
        missing = [name for name in only if name not in found]
        if missing:
            raise CourseError(
                f"no notebook for {', '.join(missing)} in {notebooks_dir} "
                f"(available: {', '.join(found) or 'none'})"
            )
        found = {name: found[name] for name in sorted(set(only))}
    return found


def install_sources(layout, notebooks):
    """Copy each source notebook to ``COURSE/source/X/X.ipynb`` (replacing old copies)."""
    for assignment, path in notebooks.items():
        dest = layout.source_notebook(assignment)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)


def add_student_copies(released, dest_dir, prepare=None):
    """Copy released notebooks to ``dest_dir/X.ipynb``, never replacing an existing file.

    ``released`` maps assignment id to released notebook; ``prepare(assignment, nb)``, if given, changes each
    notebook (a ``dict`` read with ``json``) before it is written. Returns ``(added, kept)``:
    lists of the destination paths created and of those left untouched. Each copy names the
    kernel's language as this environment's kernel reports it (``language_info``): JupyterLab
    rewrites a shorter one when the kernel starts, and the notebook would show as changed the
    moment it opens.
    """
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    added, kept = [], []
    for assignment, path in sorted(released.items()):
        dest = dest_dir / f"{assignment}.ipynb"
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        nb.setdefault("metadata", {})["language_info"] = kernel_language_info()
        if prepare is not None:
            prepare(assignment, nb)
        try:
            # "x" mode: fails if the file exists, with no window between check and write.
            with open(dest, "x", encoding="utf-8") as out:
                out.write(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        except FileExistsError:
            kept.append(dest)
        else:
            added.append(dest)
    return added, kept


def kernel_language_info():
    """The ``language_info`` that this environment's Python kernel reports (ipykernel's)."""
    from ipykernel.ipkernel import IPythonKernel  # imports IPython (a second): only when copies are made

    return dict(IPythonKernel.language_info)


@dataclass(frozen=True)
class Submission:
    """One ``SUBMISSIONS/STUDENT/ASSIGNMENT/`` folder."""

    student: str
    assignment: str
    path: Path

    @property
    def notebook(self):
        return self.path / f"{self.assignment}.ipynb"

    def other_notebooks(self):
        return sorted(p.name for p in self.path.glob("*.ipynb") if p != self.notebook)

    def extra_files(self, expected):
        """Relative paths of the visible files other than ``expected`` names (not graded)."""
        return sorted(
            rel for rel, _ in _visible_files(self.path)
            if rel not in expected
        )


def _visible_files(root):
    """``(relative posix path, Path)`` of the files below ``root``, hidden ones and
    symbolic links left out, sorted."""
    root = Path(root)
    found = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            path = Path(folder) / name
            if name.startswith(".") or path.is_symlink():
                continue
            found.append((path.relative_to(root).as_posix(), path))
    return sorted(found)


def tree_hash(root):
    """SHA-256 over the names and contents of the visible files below ``root``.

    Equal hashes mean the same files with the same contents: an unchanged submission.
    """
    digest = hashlib.sha256()
    for rel, path in _visible_files(root):
        file_digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                file_digest.update(block)
        digest.update(rel.encode() + b"\0" + file_digest.digest())
    return digest.hexdigest()


def _visible_dirs(path):
    return sorted(p for p in Path(path).iterdir() if p.is_dir() and not p.name.startswith("."))


def find_submissions(submissions_dir, assignments=None):
    """All ``STUDENT/ASSIGNMENT`` folders of ``submissions_dir`` (nbgrader's layout).

    ``assignments`` (ids) restricts the result. Hidden folders are ignored.
    """
    submissions_dir = Path(submissions_dir)
    if not submissions_dir.is_dir():
        raise CourseError(f"submissions folder {submissions_dir} does not exist")
    found = []
    for student_dir in _visible_dirs(submissions_dir):
        for assignment_dir in _visible_dirs(student_dir):
            if assignments and assignment_dir.name not in assignments:
                continue
            found.append(Submission(student_dir.name, assignment_dir.name, assignment_dir))
    return found


def copy_submission(layout, submission):
    """Copy (never link) a submission folder to ``COURSE/submitted/STUDENT/ASSIGNMENT``.

    The previous copy is replaced, so stale files do not linger. Symbolic links are left
    out (one could point at anything, ``/dev/zero`` included). When the submissions
    folder *is* the course's ``submitted/`` folder, nothing is copied.
    """
    dest = layout.submitted_dir(submission.student, submission.assignment)
    if dest.resolve() == submission.path.resolve():
        return dest
    if dest.exists():
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)

    def links(folder, names):
        return [name for name in names if os.path.islink(os.path.join(folder, name))]

    shutil.copytree(submission.path, dest, ignore=links)
    return dest


def remove_outputs(layout, student, assignment):
    """Delete the autograded notebook and feedback of one submission, if any."""
    for path in (layout.autograded_dir(student, assignment), layout.feedback_dir(student, assignment)):
        if path.exists():
            shutil.rmtree(path)
