"""The judge: graded test cells are decided in the grading process, never in the student's kernel.

While grading, a test cell's code is not executed in the kernel. The judge parses it
(:mod:`grading.judge.check_calls`), imports the notebook's check module (``helpers.checks.shallow``...)
here, and runs each check with the student's function replaced by a stand-in that calls the function in the
kernel with the judge's inputs (:mod:`grading.judge.verdicts`):

* the call crosses the kernel's own Jupyter channels (:mod:`grading.judge.link`): an execute request runs the
  small kernel-side shim (:mod:`grading.judge.shim`, installed once, and again whenever the student's code
  removed or broke it), which fetches the requests and returns its answer through the kernel's stdin channel
  as plain data (:mod:`grading.judge.wire`: JSON, arrays as raw bytes; nothing is ever unpickled, and no data
  is parsed as code);
* judge-side callables given to the student's code (a recording reference put in place with
  ``names_replaced``, a ``train_eval`` callback) run HERE: the kernel calls them back, so reference code and
  recordings stay here, and they answer only while the check that lent them runs;
* what the call did to its arguments (in-place updates of arrays, dicts, random generators) is copied back, so
  a check sees the effects as if the function had run here.

The kernel can answer anything: a wrong type, garbage, a forged reply. Each is at worst a failed check with a
message; the verdict, its inputs and its reference are the judge's. Every wait for the kernel is bounded by the
cell's deadline: past it, the kernel is interrupted (and the cell fails).
"""
