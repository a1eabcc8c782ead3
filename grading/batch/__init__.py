"""The batch: release, the grading of a class (a worker process per submission under hard limits, each job
prepared from its assignment's template), the merge of what comes back into the gradebook, feedback and export.
"""
