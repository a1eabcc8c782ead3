"""Running a notebook for grading: nbgrader's preprocessors (the graded execution, whose test cells the judge
decides), the plan of which cells run, and the kernel's manager and environment.
"""
