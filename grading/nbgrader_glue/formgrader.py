"""The formgrader's own Autograde button, turned off for a course graded by ``python -m grading``.

nbgrader's formgrader autogrades in the Jupyter server with plain nbgrader: the students' code would run with no
judge (test cells in the student's kernel), no sandbox and no limits. The course configuration that release writes
for the formgrader (``COURSE/nbgrader_config.py``) puts :class:`RefuseAutograde` first, so the button fails at once
with a message naming the command to run instead. Manual grading, feedback and export in the formgrader work as
before.
"""
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode


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
