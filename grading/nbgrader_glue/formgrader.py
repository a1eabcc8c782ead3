"""nbgrader's formgrader, as this course runs it: Autograde off, MathJax from the server, a token URL that works.

- **Autograde off.** nbgrader's formgrader autogrades in the Jupyter server with plain nbgrader: the students' code
  would run with no judge (test cells in the student's kernel), no sandbox and no limits. The course configuration
  that release writes for the formgrader (``COURSE/nbgrader_config.py``) puts :class:`RefuseAutograde` first, so the
  button fails at once with a message naming the command to run instead. Manual grading, feedback and export in the
  formgrader work as before.
- **MathJax without the internet.** nbgrader's grading page loads MathJax from a CDN; offline it throws "MathJax is
  not defined", the LaTeX stays raw and the page's keyboard shortcuts are never registered. The same configuration
  puts :func:`template_basedirs` on the grading page's template path, whose ``formgrade/mathjax.html.j2`` loads the
  copy that the jupyter-server-mathjax extension serves.
- **A token URL that works.** This module is also a Jupyter server extension, enabled by ``make formgrader``
  (jupyter/instructors): see :func:`_load_jupyter_server_extension`.
"""
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.server_extensions.formgrader import handlers as formgrader_handlers
from traitlets import Unicode

#: This course's template overrides for the formgrader's pages (only ``formgrade/``: the grading page).
TEMPLATES = Path(__file__).resolve().parent / "templates"


class FormgraderAutogradeRefused(RuntimeError):
    """Autograde was asked of nbgrader directly, where grading's judge, sandbox and limits do not run."""


class RefuseAutograde(NbGraderPreprocessor):
    """Refuses to autograde: the message says why, and which command grades instead."""

    command = Unicode("python -m grading autograde COURSE/submitted --course COURSE",
                      help="The command that autogrades this course.").tag(config=True)

    def preprocess(self, nb, resources):
        raise FormgraderAutogradeRefused(
            "Autograde is turned off in the formgrader for this course: it would run the students' code without "
            f"the grading judge, its sandbox and its limits. Run instead: {self.command}")


def template_basedirs():
    """``HTMLExporter.extra_template_basedirs`` for the formgrader: this course's overrides first, then nbgrader's
    own templates (the formgrader's default, which nbgrader's feedback also needs: it looks no further once this
    option is set)."""
    return [str(TEMPLATES), formgrader_handlers.template_path]


def _jupyter_server_extension_points():
    return [{"module": "grading.nbgrader_glue.formgrader"}]


def _load_jupyter_server_extension(serverapp):
    """Give the login cookie the server's base URL as its path, so that a formgrader URL with ``?token=`` logs in.

    jupyter_server sets the login cookie on the first request that carries the token, with the handler's base URL as
    the cookie's path; nbgrader's handlers strip that URL's trailing slash, which leaves the path empty for a server
    at ``/``. The browser then files the cookie under the page's own folder: opened at
    ``/formgrader/submissions/ID/?token=T``, the grading page's calls to ``/formgrader/api/...`` carry no cookie and
    are redirected to the login page (its scores and comments never load) until some other page was opened with
    the token. An explicit path, the one every other handler already uses, makes the cookie the same for all.
    """
    provider = serverapp.identity_provider
    options = getattr(provider, "cookie_options", None)
    if options is not None and "path" not in options:
        provider.cookie_options = {**options, "path": serverapp.base_url}
        serverapp.log.info("grading: the login cookie's path is %s (nbgrader's formgrader URLs with a token)",
                           serverapp.base_url)
