"""Instructor tooling: nbgrader course layout, autograding, feedback, grade export.

The package is in wings, each a sub-package with one job, importing only from the wings before it in
:data:`WINGS` (``tests/grading/test_structure.py`` checks that no import, even one inside a function,
goes the other way):

* the package's root: :mod:`~grading.limits` (what a submission may use), :mod:`~grading.course` (where things
  are), :mod:`~grading.records` (the typed records between the command and a worker, the judge's verdict);
* ``sandbox``: process trees, Landlock, seccomp, the kernel's launcher;
* ``gradebook``: nbgrader's scores, our tables, database URLs, the class report;
* ``nbgrader_glue``: the course's nbgrader configuration and nbgrader's Python API;
* ``judge``: test cells decided outside the kernel, and the wire to it;
* ``execute``: the graded execution of a notebook;
* ``worker``: grades one submission;
* ``edition``: the student edition of ``helpers``;
* ``batch``: release, a class's grading (on this machine or a Dask cluster), merge, feedback and export;
* ``cli``: ``python -m grading``.

``grading/nbgrader_config.py`` is the course's nbgrader configuration (a file nbgrader loads, not a module).
"""

#: The wings in import order: each imports only from itself and the wings before it ("" is the root's modules).
WINGS = ("", "sandbox", "gradebook", "nbgrader_glue", "judge", "execute", "worker", "edition", "batch", "cli")
