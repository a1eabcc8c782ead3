"""The typed records between the grading command and its workers (grading.records): a JSON round
trip, strict reading (a malformed record names what is wrong), and a broken worker's result
costing only that submission, with the reason."""
import json

import nbformat
import pytest

from grading.batch.isolation import RunOutcome
from grading.batch.isolation import read_worker_result
from grading.course import find_submissions
from grading.gradebook.session import Gradebook
from grading.limits import GiB, Limits
from grading.records import CheckVerdict, Job, RecordError, WorkerResult
from grading_fixture import NAME, TOTAL, fixture_course, solved


def a_result():
    verdicts = {NAME: {
        "test_relu": CheckVerdict("test_relu", "relu", True, True, None),
        "test_softmax": CheckVerdict("test_softmax", "softmax", False, False, None, "softmax overflows",
                                     "softmax.unstable", 0.25, "ExerciseFailure"),
    }}
    return WorkerResult(reason="test_softmax: MemoryError (memory limit 2 GiB)",
                        notes=["test cell test_softmax was edited; the released version is graded"],
                        events=[("test_softmax", "MemoryError", "")], scores={NAME: {"test_relu": 2.0, "test_softmax": 0, "answer_why": None}},
                        verdicts=verdicts, sandbox=6, seconds=3.25)


def test_records_round_trip_through_json():
    job = Job("alice", NAME, [NAME], Limits(timeout=20, cell_timeout=8, memory=2 * GiB, sandbox=False))
    assert Job.from_json(job.to_json()) == job
    assert json.loads(job.to_json())["limits"]["memory"] == 2 * GiB
    result = a_result()
    again = WorkerResult.from_json(result.to_json())
    assert again == result
    assert isinstance(again.verdicts[NAME]["test_softmax"], CheckVerdict)
    assert again.verdicts[NAME]["test_softmax"].relative_error == 0.25
    failure = WorkerResult.failure("the grading worker failed: KeyError: 'x'", infrastructure=True)
    assert WorkerResult.from_json(failure.to_json()) == failure
    verdict = result.verdicts[NAME]["test_softmax"]
    assert CheckVerdict.from_dict(json.loads(json.dumps(verdict.to_dict()))) == verdict


@pytest.mark.parametrize("text, named", [
    ("{ not json", "not valid JSON"),
    ("[1, 2]", "not a JSON object but list"),
    ('{"problem": 3}', "'problem' has the wrong type"),
    ('{"infrastructure": "yes"}', "'infrastructure' has the wrong type"),
    ('{"seconds": true}', "'seconds' has the wrong type"),
    ('{"notes": ["ok", 2]}', "'notes' has the wrong type"),
    ('{"events": [["cell", "MemoryError"]]}', "'events' has the wrong type"),
    ('{"scores": {"nb": {"test": "2"}}}', "'scores' has the wrong type"),
    ('{"problme": ""}', "unknown field(s) 'problme'"),
    ('{"verdicts": {"nb": {"t": {"grade_id": "t", "passed": 1}}}}', "verdict nb/t: 'passed' has the wrong type"),
    ('{"verdicts": {"nb": {"t": {"passed": true}}}}', "verdict nb/t: no 'grade_id'"),
])
def test_a_malformed_worker_result_says_what_is_wrong(text, named):
    with pytest.raises(RecordError) as error:
        WorkerResult.from_json(text)
    assert named in str(error.value)


def test_a_malformed_job_says_what_is_wrong():
    with pytest.raises(RecordError, match="job.json: no 'assignment', 'notebooks'"):
        Job.from_json('{"student": "alice"}')
    with pytest.raises(RecordError, match="invalid 'limits'.*timeout must be positive"):
        Job.from_json('{"student": "a", "assignment": "b", "notebooks": [], "limits": {"timeout": 0}}')


def test_a_broken_worker_result_becomes_a_failure_with_its_reason(tmp_path):
    outcome = RunOutcome(exitcode=0, seconds=1.5)
    missing = read_worker_result(tmp_path / "result.json", RunOutcome(exitcode=-9, seconds=2.0))
    assert missing.infrastructure and missing.problem == "the grading worker ended without a result (exit code -9)"
    (tmp_path / "result.json").write_text('{"problem": "", "scores": []}')
    broken = read_worker_result(tmp_path / "result.json", outcome)
    assert broken.infrastructure and broken.seconds == 1.5
    assert broken.problem == "the grading worker left a malformed result: result.json: 'scores' has the wrong type: []"
    (tmp_path / "result.json").write_bytes(b"\xff\xfe")
    assert "malformed result" in read_worker_result(tmp_path / "result.json", outcome).problem
    (tmp_path / "result.json").write_text(a_result().to_json())
    assert read_worker_result(tmp_path / "result.json", outcome) == a_result()


def test_a_malformed_result_costs_only_its_submission(tmp_path, monkeypatch):
    """One worker leaves a malformed result.json: that submission gets no points and the reason,
    the batch goes on, and the other submission is graded by a real worker."""
    from grading.batch import pipeline

    grader, _, released = fixture_course(tmp_path, jobs=1)
    for student in ("alice", "broken"):
        folder = tmp_path / "subs" / student / NAME
        folder.mkdir(parents=True)
        nbformat.write(solved(released), str(folder / f"{NAME}.ipynb"))
    real = pipeline.run_isolated

    def run(directory, limits, notebooks=1, cancel=None):
        if directory.name.startswith("broken-"):
            (directory / "result.json").write_text('{"problem": "", "verdicts": {"x": 1}}')
            return RunOutcome(exitcode=0, seconds=0.1)
        return real(directory, limits, notebooks, cancel=cancel)

    monkeypatch.setattr(pipeline, "run_isolated", run)
    results = {r.student: r for r in grader.autograde_all(find_submissions(tmp_path / "subs"))}
    broken, alice = results["broken"], results["alice"]
    assert broken.infrastructure and broken.score is None
    assert broken.status == ("failed to process: the grading worker left a malformed result: "
                             "result.json: 'verdicts' has the wrong type: {'x': 1}")
    assert (alice.score, alice.max_score, alice.status) == (TOTAL, TOTAL, "graded")
    rows = {row.student: (row.score, row.submitted) for row in Gradebook(grader.layout.db_url).all_scores()}
    assert rows == {"alice": (TOTAL, True)}
