"""Instructor tooling: nbgrader course layout, autograding, feedback, grade export."""
