"""nbgrader configuration of the course.

Loaded by ``grading.nbgrader_glue.api.load_config`` with traitlets' ``PyFileConfigLoader`` (the
``NbGraderAPI`` does not read it by itself), which then sets ``CourseDirectory.root`` and
an absolute SQLite ``CourseDirectory.db_url`` for the chosen course directory.
"""
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    ClearOutput,
    ComputeChecksums,
    DeduplicateIds,
    GetGrades,
    IgnorePattern,
    IncludeHeaderFooter,
    InstantiateTests,
    LimitOutput,
    LockCells,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
    SaveCells,
)

from grading.execute.preprocessors import (ClearHiddenTestsOfTestCells, ClearRunOutputs, GradingExecute,
                                           HideTestInternals, StderrToStdout)
from grading.nbgrader_glue.grader_notes import RemoveGraderNotes
from grading.nbgrader_glue.release import ClearSolutionsNamingTheQuestion, RemoveDiscussions

c = get_config()  # noqa: F821 (provided by the config loader)

# nbgrader's release, with a stub that names its question in each written answer cell ("YOUR ANSWER HERE
# (Question 2)"), so that Validate's list of unanswered questions says which is which; and without the
# discussions below the written answers (they give the answers away; grading puts them back for the feedback,
# grading/nbgrader_glue/discussions.py).
c.GenerateAssignment.preprocessors = [
    RemoveDiscussions,
    IncludeHeaderFooter,
    InstantiateTests,
    LockCells,
    ClearSolutionsNamingTheQuestion,
    ClearOutput,
    CheckCellMetadata,
    ComputeChecksums,
    SaveCells,
    ClearHiddenTests,
    ClearMarkScheme,
    ComputeChecksums,
    CheckCellMetadata,
]

# Every notebook declares the standard kernel; GradingExecute runs it on the grading
# interpreter (the virtual environment's Python), see grading/execute/kernels.py.
c.ExecutePreprocessor.kernel_name = "python3"
# Per-cell limit: an endless loop is interrupted and its cell scores 0.
c.ExecutePreprocessor.timeout = 120

# A deleted test cell is put back from the gradebook (and then scores what it scores),
# instead of being skipped silently.
c.OverwriteCells.add_missing_cells = True

# nbgrader's default sanitizing, except that the cells grading does not run (demonstrations
# and challenges, see grading/execute/cellplan.py) keep the student's outputs for the feedback: the
# outputs are cleared after the test cells are restored, on the notebook that will run.
c.Autograde.sanitize_preprocessors = [
    DeduplicateIds,
    OverwriteKernelspec,
    OverwriteCells,
    ClearRunOutputs,
    CheckCellMetadata,
]

# nbgrader's default autograde pipeline, with our Execute and with StderrToStdout so that
# a warning on stderr does not zero a passing test cell. StderrToStdout comes after
# IgnorePattern (disabled by default), which only looks at stderr outputs.
c.Autograde.autograde_preprocessors = [
    GradingExecute,
    IgnorePattern,
    StderrToStdout,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
]  # nbgrader's CheckCellMetadata ran in the sanitizing, and executing changes no metadata

# Feedback must never show hidden tests: first hide tracebacks and output lines quoting
# them (needs the hidden block), then remove the hidden blocks from the test sources.
# Nor the model answers and rubrics that grading put under the written answers for the
# formgrader's graders (grading/nbgrader_glue/grader_notes.py): always left out.
c.GenerateFeedback.preprocessors = [
    RemoveGraderNotes,
    HideTestInternals,
    ClearHiddenTestsOfTestCells,      # a student's text quoting the markers stays as written
    GetGrades,
    CSSHTMLHeaderPreprocessor,
]
