"""The glue to nbgrader: the course's configuration, nbgrader's Python API called in-process, and what its
failures mean.
"""
