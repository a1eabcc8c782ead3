"""The course's nbgrader configuration and the interface to nbgrader's Python API.

nbgrader runs in-process through ``NbGraderAPI`` (much faster than its command line),
configured from ``grading/nbgrader_config.py`` (:func:`load_config`); :class:`NbGrader`
creates the API on first use and calls it, and :func:`failure_reason` /
:func:`classify_failure` turn the ``{success, log, error}`` dict it returns into a one-line
reason, telling a student's broken notebook from a failure of the grading machinery.
"""
import functools
import logging
import os
import re
import sys
import warnings
from pathlib import Path

from sqlalchemy.exc import SAWarning
from traitlets.config.loader import PyFileConfigLoader
from grading.gradebook import database


CONFIG_FILE = Path(__file__).resolve().parent.parent / "nbgrader_config.py"

#: Failure reasons that point at the grading machinery, not at a student's notebook.
INFRASTRUCTURE_PATTERNS = (
    "OperationalError",
    "database",
    "NoSuchKernel",
    "No such kernel",
    "before replying to kernel_info",
)

#: nbgrader's error messages that only say "see above".
GENERIC_ERRORS = ("There was an error processing", "Please see the")

FORMGRADER_CONFIG = """\
# Written by `python -m grading release` (do not edit: the next release rewrites it).
# nbgrader's formgrader (`make formgrader`, JupyterLab started in this folder) reads it: the
# course configuration of the repository, with this course directory and its gradebook.
c = get_config()  # noqa: F821
load_subconfig({config_name!r}, path={config_dir!r})  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = {db_url!r}
# The formgrader's Autograde button would run plain nbgrader (the students' code with no judge, sandbox or limits):
# it is turned off, with a message naming the command that grades this course.
from grading.nbgrader_glue.formgrader import RefuseAutograde, template_basedirs  # noqa: E402
c.Autograde.sanitize_preprocessors = [RefuseAutograde, *c.Autograde.sanitize_preprocessors]
c.RefuseAutograde.command = {command!r}
# The grading page loads MathJax from the Jupyter server (jupyter-server-mathjax), not from a CDN: it works offline.
c.HTMLExporter.extra_template_basedirs = template_basedirs()
"""


class PipelineError(Exception):
    """nbgrader could not do what was asked; the message says why."""


def ensure_scripts_on_path():
    """Put this interpreter's scripts folder (``.venv/bin``) first on ``PATH``.

    nbgrader runs the ``alembic`` command by name when it creates a gradebook, which
    fails when the virtual environment's Python is run without activating it.
    """
    scripts = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if scripts not in path.split(os.pathsep):
        os.environ["PATH"] = scripts + (os.pathsep + path if path else "")


def alembic_head():
    """The revision that nbgrader stamps on a new gradebook (the head of its alembic scripts), read in this process.

    nbgrader 0.9.6 gets it by running the ``alembic heads`` command: a second Python process, about 1.2 s, for every
    gradebook it creates (a release creates two: the course's and the grading jobs' template).
    """
    # nbgrader and alembic take seconds to import: only when a gradebook is made.
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from nbgrader import dbutil

    config = Config()
    config.set_main_option("script_location", dbutil.ALEMBIC_DIR)
    return ScriptDirectory.from_config(config).get_current_head()


def stamp_new_gradebooks_in_process():
    """Make nbgrader read the revision of a new gradebook with :func:`alembic_head` (once per process)."""
    import nbgrader.api  # seconds to import: only when nbgrader is used (the api property)

    if getattr(nbgrader.api.get_alembic_version, "__wrapped__", None) is not alembic_head:
        nbgrader.api.get_alembic_version = functools.cache(alembic_head)


def course_config():
    """``grading/nbgrader_config.py`` as loaded (no course directory or gradebook set)."""
    return PyFileConfigLoader(CONFIG_FILE.name, path=str(CONFIG_FILE.parent)).load_config()


def load_config(layout):
    """The course configuration, with ``CourseDirectory.root``, ``db_url`` and the layout's ``course_id`` set.

    With a database server and no course id, ``course_id`` defaults to ``default_course``: nbgrader's own
    default, ``''``, names no row of its ``course`` table, which SQLite lets pass and
    PostgreSQL's foreign keys refuse (``generate_assignment`` fails).
    """
    config = course_config()
    config.CourseDirectory.root = str(layout.root)
    config.CourseDirectory.db_url = database.normalize_db_url(layout.db_url)
    if layout.course_id:
        config.CourseDirectory.course_id = layout.course_id
    elif not database.is_sqlite(layout.db_url) and not config.CourseDirectory.get("course_id"):
        config.CourseDirectory.course_id = "default_course"
    return config


def course_settings(root):
    """``(db_url, course_id)`` that ``COURSE/nbgrader_config.py`` (written by release) names, each None where it
    names none; a SQLite URL counts as none (the course's own ``gradebook.db`` is the default anyway, and the
    folder may have moved). So that every command finds the course's gradebook and keeps its course id
    without being told again."""
    path = Path(root) / "nbgrader_config.py"
    if not path.is_file():
        return None, None
    config = PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
    url = config.CourseDirectory.get("db_url") or None
    return (None if url is None or database.is_sqlite(url) else url), (config.CourseDirectory.get("course_id") or None)


def write_formgrader_config(layout):
    """Write COURSE/nbgrader_config.py so that the formgrader, started in the course directory,
    uses this repository's course configuration and the same gradebook as the command."""
    config = load_config(layout)
    # Never a password in the course folder: the formgrader's libpq reads ~/.pgpass instead.
    command = f"python -m grading autograde {layout.root / 'submitted'} --course {layout.root}"
    text = FORMGRADER_CONFIG.format(config_name=CONFIG_FILE.name, config_dir=str(CONFIG_FILE.parent),
                                    root=str(layout.root), db_url=database.without_password(database.normalize_db_url(layout.db_url)),
                                    command=command)
    if config.CourseDirectory.get("course_id"):
        text += f"c.CourseDirectory.course_id = {config.CourseDirectory.course_id!r}\n"
    path = layout.root / "nbgrader_config.py"
    path.write_text(text)
    return path


def quiet_nbgrader_warnings():
    """Silence nbgrader's noise (in a ``warnings.catch_warnings()`` block): SQLAlchemy's
    ``not in session``, and the missing id of a test cell re-added by
    ``OverwriteCells.add_missing_cells``."""
    warnings.simplefilter("ignore", SAWarning)
    warnings.filterwarnings("ignore", "Cell is missing an id field")


class NbGrader:
    """``NbGraderAPI`` on one course directory (``layout``), created on first use.

    ``config`` (default: :func:`load_config`) and ``log`` (default: the ``grading.nbgrader``
    logger, on stderr with ``verbose``) configure it.
    """

    def __init__(self, layout, verbose=False, config=None, log=None):
        self.layout, self.verbose = layout, verbose
        self._config, self._log = config, log
        self._api = None

    @property
    def api(self):
        """The ``NbGraderAPI`` (created on first use: importing nbgrader takes seconds)."""
        if self._api is None:
            # nbgrader.apps takes 2-5 s to import; commands that never call nbgrader skip it.
            from nbgrader.apps import NbGraderAPI

            self.layout.root.mkdir(parents=True, exist_ok=True)
            ensure_scripts_on_path()
            stamp_new_gradebooks_in_process()
            config = self._config if self._config is not None else load_config(self.layout)
            with warnings.catch_warnings():
                quiet_nbgrader_warnings()
                self._api = NbGraderAPI(config=config, log=self._log or nbgrader_log(self.verbose))
        return self._api

    @property
    def config(self):
        return self.api.config

    def call(self, method, *args, **kwargs):
        """Call an API method; returns its ``{success, log, error}`` dict."""
        with warnings.catch_warnings():
            quiet_nbgrader_warnings()
            return getattr(self.api, method)(*args, **kwargs)


def nbgrader_log(verbose=False):
    """The logger nbgrader writes to: on stderr with ``verbose``, else nowhere."""
    log = logging.getLogger("grading.nbgrader")
    log.setLevel(logging.INFO)
    log.propagate = False
    if verbose and not any(type(h) is logging.StreamHandler for h in log.handlers):
        log.addHandler(logging.StreamHandler(sys.stderr))
    elif not log.handlers:  # without any, logging prints warnings to stderr anyway
        log.addHandler(logging.NullHandler())
    return log


def _logged_errors(result):
    """The ERROR entries of an API result's log, each as (first line, last line)."""
    entries, current = [], None
    for line in (result.get("log") or "").splitlines():
        if re.match(r"\[[A-Z]+\] ", line):
            current = [line] if line.startswith("[ERROR] ") else None
            if current is not None:
                entries.append(current)
        elif current is not None and line.strip():
            current.append(line.strip())
    return [(entry[0][len("[ERROR] "):].strip(), entry[-1].strip()) for entry in entries]


def failure_reason(result):
    """A one-line reason from an ``NbGraderAPI`` result dict that reports a failure.

    nbgrader logs a specific message (e.g. a timeout), a formatted traceback whose last
    line is the exception, and generic "see above" messages; in that order of use.
    """
    errors = _logged_errors(result)
    for first, _ in errors:
        if not first.startswith("Traceback") and not first.startswith(GENERIC_ERRORS):
            return first
    for first, last in errors:
        if first.startswith("Traceback"):
            return last
    trace = (result.get("error") or "").strip().splitlines()
    return trace[-1].strip() if trace else "nbgrader reported a failure without a message"


def is_infrastructure(text):
    """True if a failure's ``text`` points at the grading machinery (a database, a kernel)."""
    return any(re.search(re.escape(p), text, re.IGNORECASE) for p in INFRASTRUCTURE_PATTERNS)


def classify_failure(result):
    """``(reason, infrastructure)`` of an ``NbGraderAPI`` result dict that reports a failure:
    the reason as :func:`failure_reason`, and whether its messages and exceptions (not whole
    tracebacks) point at the grading machinery."""
    reason = failure_reason(result)
    lines = [line for entry in _logged_errors(result) for line in entry]
    trace = (result.get("error") or "").strip().splitlines()
    return reason, is_infrastructure("\n".join([reason] + lines + trace[-1:]))
