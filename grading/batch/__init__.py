"""The batch: release, the grading of a class (a worker process per submission under hard limits, each job
prepared from its assignment's template; on a Dask cluster, one task per submission that does the same on a
worker: cluster, remote), the merge of what comes back into the gradebook, feedback and export.
"""
