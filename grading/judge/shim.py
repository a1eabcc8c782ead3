"""The kernel's side of the judge (its source is sent to the student's kernel, after
:mod:`grading.judge.wire`'s, and run in a private namespace, ``_nnfs_judge``).

The judge (:mod:`grading.judge`) sends one execute request per test cell,
``_nnfs_judge["shim"].loop()``, which serves requests until the judge says the cell is done
(single requests can also be sent as ``_nnfs_judge["serve"](REQUEST)`` or
``_nnfs_judge["serve"]()``);
everything else crosses the kernel's stdin channel, whose ``input_request`` prompts carry
``PREFIX + kind + JSON`` (no data is ever parsed as code or formatted by IPython): ``Q`` asks for
the next request (the ``input_reply`` is its JSON; empty: the loop ends), ``C`` calls a judge-side function (the reply is its
answer), ``R`` gives the answer to the request. Requests (JSON):

* ``{"op": "lookup", "name": N}``: the notebook's global ``N`` (a function crosses as a handle);
* ``{"op": "call", "fn": HANDLE, "args": [...], "kwargs": {...}}``: call it; the reply has the
  result (or the exception's type and message) and, if the call changed them, the arguments as
  they are after the call;
* ``{"op": "has" | "get" | "set", "fn": HANDLE, "name": N[, "value": V]}``: ``fn.__globals__``;
* ``{"op": "names", "fn": HANDLE}``: the global names its code (and nested code) refers to.

A judge-side callable arrives as a stub that calls back into the judge (``C``).

Nothing here is trusted by the judge: the student's code can change all of it; the judge only
ever reads plain data from it, and reinstalls it when it stops answering.
"""
import sys

try:
    Encoder  # noqa: B018  (sent to a kernel: grading.judge.wire's source comes first)
except NameError:  # imported as a module (tests)
    from grading.judge.wire import Decoder, Encoder, Handles, WireError, dumps, loads, restore  # noqa: F401

PREFIX = "\x00nnfs-judge:"
MAX_REPLY = 1 << 25  # grading.judge.MAX_REPLY
EXCEPTIONS = {cls.__name__: cls for cls in (
    TypeError, ValueError, KeyError, IndexError, AttributeError, NameError, ZeroDivisionError,
    NotImplementedError, AssertionError, RuntimeError, ArithmeticError, OverflowError, LookupError,
    FloatingPointError, RecursionError, MemoryError, StopIteration)}


class JudgeFailure(Exception):
    """A judge-side function the student's code called reported a failed check."""


def _kernel_input():
    from IPython import get_ipython  # runs in the kernel, where IPython is loaded

    shell = get_ipython()
    raw_input = shell.kernel.raw_input

    def unflushed_input(prompt):
        """raw_input without its two flushes of stdout and stderr: each waits for the kernel's IO
        thread (0.28 ms together, a third of a call back into the judge). The judge reads no output
        between requests, and the IO thread sends what a student's function printed all the same."""
        out, err = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = None
        try:
            return raw_input(prompt)
        finally:
            sys.stdout, sys.stderr = out, err

    return shell.user_ns, unflushed_input


class Shim:
    def __init__(self, user_ns, raw_input):
        self.user_ns, self.raw_input = user_ns, raw_input
        self.handles = Handles("k")
        self.stubs = {}
        self.rngs = {}
        self.rng_ids = {}

    # -- codec -----------------------------------------------------------------------------
    def encoder(self):
        return Encoder(self.handles, self._foreign, self.rng_ids)

    def decoder(self):
        return Decoder(self._resolve, self.rngs, "k", self.rng_ids)

    def _foreign(self, value):
        return getattr(value, "_nnfs_judge_ref", None)

    def _resolve(self, tag):
        if tag["side"] == "k":
            return self.handles.get(tag["id"])
        key = tag["id"]
        if key not in self.stubs:
            self.stubs[key] = self._stub(tag)
        return self.stubs[key]

    def _stub(self, tag):
        shim = self

        def judge_function(*args, **kwargs):
            encoder = shim.encoder()
            request = {"cb": tag["id"], "args": encoder.encode(list(args)), "kwargs": encoder.encode(kwargs)}
            answer = loads(shim.raw_input(PREFIX + "C" + dumps(request)), MAX_REPLY)
            decoder = shim.decoder()
            if "args" in answer:
                restore(list(args), decoder.decode(answer["args"]))
                restore(kwargs, decoder.decode(answer["kwargs"]))
            if "error" in answer:
                error = answer["error"]
                if error.get("type") == "ExerciseFailure":
                    raise JudgeFailure(error.get("message", ""))
                raise EXCEPTIONS.get(error.get("type"), RuntimeError)(error.get("message", ""))
            return decoder.decode(answer.get("ok"))

        judge_function._nnfs_judge_ref = {"$": "ref", "side": "j", "id": tag["id"], "kind": tag.get("kind", "fn")}
        judge_function.__name__ = judge_function.__qualname__ = str(tag.get("name") or "judge_function")
        if tag.get("kind") == "obj":
            return _JudgeObject(judge_function._nnfs_judge_ref)
        return judge_function

    # -- requests ----------------------------------------------------------------------------
    def serve(self, text=None):
        """Answer a request: ``text``, or asked from the judge (``Q``) when it is large. The answer starts with
        the request's number (``seq``), which the judge checks: a reply forged by the student's code is refused."""
        seq = None
        try:
            request = loads(self.raw_input(PREFIX + "Q") if text is None else text, MAX_REPLY)
            seq = request.get("seq")
            answer = getattr(self, "op_" + request["op"])(request)
        except WireError as exc:
            answer = {"error": {"type": "WireError", "message": str(exc)}}
        self.raw_input(PREFIX + "R" + dumps({"seq": seq, **answer}))

    def loop(self):
        """Serve requests (``Q``) until the judge answers with nothing."""
        while True:
            text = self.raw_input(PREFIX + "Q")
            if not text:
                return
            self.serve(text)

    def _fn(self, request):
        return self.decoder().decode(request["fn"])

    def op_ping(self, request):
        return {"ok": None}

    def op_lookup(self, request):
        name = request["name"]
        if name not in self.user_ns:
            return {"error": {"type": "NameError", "message": f"name '{name}' is not defined"}}
        return {"ok": self.encoder().encode(self.user_ns[name])}

    def op_call(self, request):
        decoder = self.decoder()
        fn = decoder.decode(request["fn"])
        args, kwargs = decoder.decode(request["args"]), decoder.decode(request["kwargs"])
        answer = {}
        try:
            answer["ok"] = fn(*args, **kwargs)
        except JudgeFailure as exc:
            answer["error"] = {"type": "JudgeFailure", "message": str(exc)}
        except Exception as exc:  # the student's function failed: its type and message go back
            answer["error"] = {"type": type(exc).__name__, "message": str(exc)[:2000]}
        encoder = self.encoder()
        try:
            reply = {"args": encoder.encode(args), "kwargs": encoder.encode(kwargs)}
            if dumps(reply["args"]) == dumps(request["args"]) and dumps(reply["kwargs"]) == dumps(request["kwargs"]):
                reply = {}  # the call left its arguments as they were
            if "ok" in answer:
                reply["ok"] = encoder.encode(answer["ok"])
        except WireError as exc:
            return {"error": {"type": "WireError", "message": str(exc)}}
        if "error" in answer:
            reply["error"] = answer["error"]
        return reply

    def _globals(self, request):
        namespace = getattr(self._fn(request), "__globals__", None)
        if not isinstance(namespace, dict):
            raise WireError("this function has no module namespace")
        return namespace

    def op_has(self, request):
        return {"ok": request["name"] in self._globals(request)}

    def op_get(self, request):
        return {"ok": self.encoder().encode(self._globals(request)[request["name"]])}

    def op_set(self, request):
        self._globals(request)[request["name"]] = self.decoder().decode(request["value"])
        return {"ok": None}

    def op_names(self, request):
        from helpers.checks.core import global_names  # the kernel's own helpers (its edition), when asked

        return {"ok": sorted(global_names(self._fn(request)))}


class _JudgeObject:
    """An object of the judge that the kernel may only hand back."""

    def __init__(self, ref):
        self._nnfs_judge_ref = ref

    def __repr__(self):
        return "<judge object>"


def install():
    """Create the shim in the kernel; returns the namespace entry ``_nnfs_judge``."""
    user_ns, raw_input = _kernel_input()
    shim = Shim(user_ns, raw_input)
    entry = {"serve": shim.serve, "shim": shim}
    user_ns["_nnfs_judge"] = entry
    return entry
