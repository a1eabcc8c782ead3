"""The grading worker: grades one submission in a private course (sanitized, scanned, executed), in a process
of its own started by :mod:`grading.batch.isolation`.
"""
