"""The grading worker: what it reports of the limits its run hit."""

from grading.limits import GiB, Limits


def test_limit_events_summary():
    from grading.worker.main import summarize_events

    events = [("softmax", "KernelDied", "the kernel died"), ("test_softmax", "NotRun", "not run: the kernel died in an earlier cell")]
    assert summarize_events(events) == \
        "softmax: KernelDied (the kernel died); 1 later cell(s) not run (the kernel died in an earlier cell)"
    assert summarize_events([("test_relu", "MemoryError", "")], Limits(memory=2 * GiB)) == \
        "test_relu: MemoryError (memory limit 2 GiB)"
