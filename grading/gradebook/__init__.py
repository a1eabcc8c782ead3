"""The gradebook: nbgrader's scores, our two tables beside them, database URLs and credentials, the class's
data, the class report and the tables printed on screen.
"""
