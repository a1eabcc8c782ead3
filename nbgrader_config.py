"""nbgrader settings for students' self-checks: JupyterLab's Validate button and
``nbgrader validate``, run from this folder.

JupyterLab's Validate button reads the ``nbgrader_config.py`` of the folder JupyterLab was
started in (``make lab`` starts it here). With this file it checks a notebook the way
grading does: the course's per-cell timeout (nbgrader's default is 30 s) and kernel, and a
warning on stderr does not fail a test that grading passes. The course configuration
(release, autograde, feedback) is ``grading/nbgrader_config.py``; ``python -m grading``
loads that one explicitly and never reads this file.
"""
c = get_config()  # noqa: F821 (provided by the config loader)

try:
    from grading.cli.validate import apply_validation_settings
except ImportError:  # the workbook is not installed in this Jupyter's environment
    pass
else:
    apply_validation_settings(c)
