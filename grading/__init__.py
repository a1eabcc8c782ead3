"""Instructor tooling: nbgrader course layout, autograding, feedback, grade export.

Autograding's layers, each importing only those above it (``tests/test_grading_structure.py``
checks that no import, even one inside a function, goes the other way):

* :mod:`~grading.course`, :mod:`~grading.limits`, :mod:`~grading.gradebook`: where things are,
  the limits, the gradebook;
* :mod:`~grading.nbgrader_api`: the course's nbgrader configuration and nbgrader's Python API;
* :mod:`~grading.records`: the typed records between the command and a worker (``job.json``,
  ``result.json``: a strict JSON round trip) and the result of one submission;
* :mod:`~grading.worker`: grades one submission in a private course (:mod:`~grading.judge`,
  :mod:`~grading.preprocessors`, :mod:`~grading.sanitize`, :mod:`~grading.scan` do the work);
* :mod:`~grading.isolation`: runs a worker in a child process under the hard limits;
* :mod:`~grading.edition` (with :mod:`~grading.edition_closure`): the student edition of ``helpers``, which
  release writes and each grading job's kernel imports;
* :mod:`~grading.jobs` (what a worker gets), :mod:`~grading.merge` (what comes back, into the
  gradebook), :mod:`~grading.pipeline` (release, the batch, feedback, export);
* :mod:`~grading.cli`: ``python -m grading``.
"""
