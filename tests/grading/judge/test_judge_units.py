"""Units of the judge: the wire format (plain data only, garbage refused with a clear error), the
copy-back of arguments, the test-cell parser, the static scan and the student edition in a kernel."""
from __future__ import annotations

import subprocess
import sys
import time
import types

import IPython
import nbformat
import numpy as np
import pytest

from grading.edition.build import build_edition
from grading.judge import shim, wire
from grading.judge.check_calls import CheckCellError, exercises, parse_test_cell
from grading.worker.scan import scan_notebook, scan_source
from notebook_runner import NOTEBOOKS


def _roundtrip(value):
    data = wire.Encoder(wire.Handles("k")).encode(value)
    text = wire.dumps(data)
    return wire.Decoder(lambda tag: ("handle", tag["id"], tag["kind"])).decode(wire.loads(text, 1 << 20))


def test_plain_data_crosses_unchanged():
    value = {"W1": np.arange(6.0).reshape(2, 3).T, "b": np.zeros((3, 1), dtype=np.float32),
             "mask": np.array([[True, False]]), "n": 3, "lr": 0.5, "nan": float("nan"),
             "scalar": np.float64(0.25), "i": np.int64(7), "name": "relu", "none": None,
             "nested": [(1, 2.0), {"k": [np.ones(2)]}], (1, 2): "tuple key"}
    back = _roundtrip(value)
    assert set(back) == set(value)
    for key in ("W1", "b", "mask"):
        assert back[key].dtype == value[key].dtype and np.array_equal(back[key], value[key])
    assert type(back["scalar"]) is np.float64 and type(back["i"]) is np.int64
    assert back["nested"][0] == (1, 2.0) and np.array_equal(back["nested"][1]["k"][0], np.ones(2))
    assert isinstance(back["nested"][0], tuple) and np.isnan(back["nan"]) and back[(1, 2)] == "tuple key"


def test_functions_and_objects_cross_as_handles_and_generators_by_state():
    rng = np.random.default_rng(5)
    rng.random(3)
    back = _roundtrip([len, object(), rng])
    assert back[0][0] == "handle" and back[0][2] == "fn" and back[1][2] == "obj"
    assert back[2].random() == rng.random()


@pytest.mark.parametrize("data, message", [
    ({"$": "nd", "dtype": "|O", "shape": [1], "b64": ""}, "dtype"),
    ({"$": "nd", "dtype": "<f8", "shape": [2, 2], "b64": "AAAA"}, "bytes"),
    ({"$": "nd", "dtype": "<f8", "shape": [-1], "b64": ""}, "shape"),
    ({"$": "pickle", "data": "gASV"}, "unknown tag"),
    ({"$": "rng", "id": 1, "state": {"$": "dict", "items": [["bit_generator", "os.system"]]}}, "bit generator"),
    ({"$": "rng", "id": 1, "state": {"bit_generator": "PCG64"}}, "unknown tag"),
    ({"$": "dict", "items": [[[1], 2]]}, "hashed"),
])
def test_garbage_is_refused_with_a_clear_error(data, message):
    with pytest.raises(wire.WireError, match=message):
        wire.Decoder(lambda tag: None).decode(data)


def test_oversized_or_malformed_text_is_refused():
    with pytest.raises(wire.WireError, match="at most"):
        wire.loads("[" * 100, 10)
    with pytest.raises(wire.WireError, match="malformed"):
        wire.loads("[" * 100_000, 1 << 20)
    with pytest.raises(wire.WireError, match="nested"):
        wire.Decoder(lambda tag: None).decode(wire.loads("[" * 200 + "]" * 200, 1 << 20))


def test_decoding_stops_at_the_deadline():
    """A kernel's reply of up to 32 Mi characters decodes in seconds; the decoder still looks at the clock as
    it goes, so a reply cannot hold the judge past a cell's limit."""
    data = wire.loads("[" + ",".join(["[0, 1]"] * 50_000) + "]", 1 << 20)
    assert len(wire.Decoder(lambda tag: None, deadline=time.monotonic() + 60).decode(data)) == 50_000
    with pytest.raises(wire.WireError, match="past the time limit"):
        wire.Decoder(lambda tag: None, deadline=time.monotonic() - 1).decode(data)


@pytest.mark.parametrize("args, elements", [
    ([25000, 25000, 1], 625_000_000),                   # initialize_parameters(n_x, n_h, n_y): an n_h x n_x matrix
    ([[2, 4, 1], {"seed": 3}], 12),                     # a seed counts as a size: an overestimate the floor absorbs
    ([np.zeros((3, 5)), {"n": 2}], 15),
    ([{"W1": np.zeros((40, 50))}, (True, 7)], 2000),    # bools are not sizes
])
def test_what_a_call_asks_for_is_its_largest_array_or_two_integers_product(args, elements):
    from grading.judge.link import demand

    assert demand(args) == elements


def test_the_judge_refuses_callbacks_far_beyond_the_checks_case():
    from grading.judge.link import CALLBACK_ELEMENTS, CALLBACK_FACTOR, KernelLink

    link = KernelLink.__new__(KernelLink)
    link.case_elements = 0
    assert link._refused(np.zeros, [[4, 2]], {}) == ""
    message = link._refused(np.zeros, [25000, 25000, 1], {})
    assert "refuses to run zeros with sizes of 625,000,000 elements" in message and f"{CALLBACK_ELEMENTS:,}" in message
    link.case_elements = CALLBACK_ELEMENTS              # a check whose own case is big allows more, in proportion
    assert link._refused(np.zeros, [np.zeros(2)], {"n": [CALLBACK_ELEMENTS, 4]}) == ""
    assert link._refused(np.zeros, [CALLBACK_ELEMENTS, CALLBACK_FACTOR + 1], {}) != ""


def test_the_grading_worker_caps_its_own_memory():
    """What the judge computes for a kernel runs in the grading worker: past the cap, MemoryError in that
    check, not the supervisor killing the whole run; a child can still set a larger limit of its own."""
    code = ("import resource, numpy as np\n"
            "from grading.limits import GiB\nfrom grading.sandbox.processes import cap_address_space\n"
            "cap = cap_address_space(256 * 2**20)\n"
            "try:\n    np.ones(GiB // 8 * 2)\n    print('allocated')\nexcept MemoryError:\n    print('MemoryError')\n"
            "resource.setrlimit(resource.RLIMIT_AS, (cap + GiB, resource.getrlimit(resource.RLIMIT_AS)[1]))\n"
            "print('child may raise', resource.getrlimit(resource.RLIMIT_AS)[0] > cap)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.split("\n")[:2] == ["MemoryError", "child may raise True"], out


def test_object_arrays_are_never_sent():
    with pytest.raises(wire.WireError, match="numbers and bools"):
        wire.Encoder(wire.Handles("k")).encode(np.array([object()]))


def test_a_revoked_handle_reaches_nothing_and_its_id_is_never_given_again():
    """The judge revokes what it lent the kernel for a check (reference blocks, callbacks) when the check ends:
    a stand-in the student's code kept answers no more, and no later object takes its number."""
    handles = wire.Handles("j")
    lent = handles.add(print)
    assert handles.get(lent) is print
    handles.revoke()
    with pytest.raises(wire.WireError, match="unknown handle"):
        handles.get(lent)
    assert handles.add(print) != lent


def test_restore_copies_in_place_changes_back():
    states = [{"running_mean": np.zeros((2, 1)), "count": 1}]
    new = [{"running_mean": np.ones((2, 1)), "count": 2, "added": "x"}]
    original_array = states[0]["running_mean"]
    wire.restore(states, new)
    assert states[0]["running_mean"] is original_array and np.all(original_array == 1)
    assert states[0]["count"] == 2 and states[0]["added"] == "x"
    rng, moved = np.random.default_rng(1), np.random.default_rng(1)
    moved.random(4)
    wire.restore(rng, moved)
    assert rng.random() == moved.random()


def test_test_cells_parse_into_visible_and_hidden_calls():
    source = ("checks.check_sigmoid(sigmoid)\n### BEGIN HIDDEN TESTS\n"
              "checks.check_sigmoid(sigmoid, shape=(2, 7), seed=2024)\n### END HIDDEN TESTS\n")
    calls = parse_test_cell(source)
    assert [(c.check, c.function, c.kwargs, c.hidden) for c in calls] == [
        ("check_sigmoid", "sigmoid", {}, False), ("check_sigmoid", "sigmoid", {"shape": (2, 7), "seed": 2024}, True)]
    for bad in ("assert True", "checks.check_sigmoid(lambda z: z)", "checks.check_sigmoid(sigmoid, seed=f())"):
        with pytest.raises(CheckCellError):
            parse_test_cell(bad)


def test_every_notebooks_test_cells_parse_and_name_their_exercises():
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        names = exercises(nbformat.read(str(path), as_version=4))
        assert names, path.name
    nb01 = nbformat.read(str(NOTEBOOKS / "01_shallow_network.ipynb"), as_version=4)
    assert exercises(nb01)[:3] == ["sigmoid", "initialize_parameters", "forward_propagation"]


@pytest.mark.parametrize("code, finding", [
    ("checks.check_sigmoid = lambda *a: None", "assigns to checks.check_sigmoid"),
    ("import sys\nsys.modules['helpers.checks.shallow'] = object()", "sys.modules"),
    ("setattr(checks, 'check_sigmoid', print)", "setattr on checks"),
    ("get_ipython().set_custom_exc((Exception,), None)", "IPython's error display"),
    ("ip = get_ipython()\nip.showtraceback = print", "showtraceback"),
    ("import base64\nexec(base64.b64decode(b'cHJpbnQoMSk='))", "exec() of code built at run time"),
    ("__import__('helpers' + '.shallow')", "__import__"),
    ("np.allclose = lambda *a, **k: True", "assigns to np.allclose"),
    ("class A:\n    def __eq__(self, other):\n        return True", "__eq__"),
    ("print('\\u2714 sigmoid: all tests passed.')", "success line"),
    ("import sys as _s\nfound = [m for m in list(_s.modules.values()) if hasattr(m, 'sigmoid')]", "reads sys.modules"),
    ("import gc\nfound = [f for f in gc.get_objects() if getattr(f, '__name__', '') == 'sigmoid']", "gc.get_objects"),
    ("import json\ncells = json.load(open('01_shallow_network.ipynb'))['cells']", "names a notebook file"),
])
def test_scan_finds_tampering(code, finding):
    assert any(finding in text for text in scan_source("import numpy as np\n" + code)), scan_source(code)


def test_scan_finds_nothing_in_the_solutions():
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        assert scan_notebook(nbformat.read(str(path), as_version=4), "alice", path.stem) == []


def test_a_kernel_on_the_student_edition_has_no_reference_to_call(tmp_path):
    """What replaced the delegation guard: the graded kernel imports its assignment's student edition, in which
    the notebook's own references are not there to call, while an earlier notebook's, given on purpose, are."""
    build_edition(tmp_path, {"02_deep_network": NOTEBOOKS / "02_deep_network.ipynb"})
    code = """
import numpy as np, helpers, helpers.deep as deep, helpers.shallow as shallow
assert helpers.__file__.startswith(%r), helpers.__file__
assert not any(hasattr(deep, name) for name in ("relu", "L_model_forward", "L_model_backward")), dir(deep)
print(deep.sigmoid(0.0), callable(shallow.nn_model))   # notebook 01's, which notebook 02 uses on purpose
""" % str(tmp_path)
    done = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(tmp_path), "PATH": ""},
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "0.5 True" in done.stdout


def test_the_names_a_function_uses_come_from_the_submitted_source_too():
    """make_train_eval's check asks which globals the function uses (the test set must stay unseen): a
    kernel that answers "none" cannot hide X_test, because the judge reads the definition in the notebook."""
    from grading.judge.link import RemoteFunction
    from grading.judge.verdicts import defined_names

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("def make_train_eval(X_train, Y_train):\n"
                                  "    return lambda config: evaluate(model(X_train, Y_train), X_test, y_test)"),
        nbformat.v4.new_code_cell("checks.check_make_train_eval(make_train_eval)"),
        nbformat.v4.new_code_cell("def make_train_eval(X_train, Y_train):\n"
                                  "    return lambda config: evaluate(model(X_train, Y_train), X_dev, y_dev)"),
    ])
    assert {"X_test", "y_test", "evaluate", "model"} <= defined_names(nb, "make_train_eval", before=1)
    assert "X_test" not in defined_names(nb, "make_train_eval")          # the last definition counts
    assert defined_names(nb, "undefined_function") == set()

    class LyingLink:
        source_names = staticmethod(lambda name: defined_names(nb, name, before=1))

        def request(self, message):
            return ["evaluate", "model"]                                 # the kernel hides X_test

    stand_in = RemoteFunction(LyingLink(), {"id": 1, "kind": "fn", "name": "make_train_eval"})
    assert {"X_test", "y_test"} <= stand_in.global_names()


def test_the_shims_stdin_requests_skip_ipykernels_flushes(monkeypatch):
    """Each flush waits for the kernel's IO thread (a third of a call's time): the shim's input requests
    go without them, and stdout and stderr are back afterwards, even when the request is interrupted."""
    seen = []

    def raw_input(prompt):
        seen.append((sys.stdout, sys.stderr))
        if prompt == "interrupt":
            raise KeyboardInterrupt
        return "reply"
    shell = types.SimpleNamespace(user_ns={}, kernel=types.SimpleNamespace(raw_input=raw_input))
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    out, err = sys.stdout, sys.stderr
    _, unflushed_input = shim._kernel_input()
    assert unflushed_input("question") == "reply"
    with pytest.raises(KeyboardInterrupt):
        unflushed_input("interrupt")
    assert seen == [(None, None), (None, None)]
    assert (sys.stdout, sys.stderr) == (out, err)
