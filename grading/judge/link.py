"""The judge's connection to one student kernel (:class:`KernelLink`).

Requests and answers cross the kernel's own Jupyter channels as plain data (:mod:`grading.judge.wire`), served
kernel-side by the shim (:mod:`grading.judge.shim`); the kernel's functions are :class:`RemoteFunction` stand-ins
here, and the judge's functions lent to the kernel are called back through its stdin channel. Everything is
bounded: every wait by the cell's deadline, a reply by :data:`MAX_REPLY` characters and the deadline while it is
decoded, a reply by the number of its request, and what a lent function computes by the sizes of its check's case.
"""
from __future__ import annotations

import ast
import contextlib
import time
from pathlib import Path

import numpy as np
import zmq
from nbclient.util import run_sync

from grading.judge import shim, wire


#: Largest reply (characters of JSON) the judge reads from a kernel: 32 Mi, far beyond what any check's case
#: exchanges (the tables' largest, inputs and result, is 9 KB; a training check's data a few tens of KB), and a
#: bound on the time spent decoding one (a deeply nested reply of 21 MB takes about 3 s; one of 250 MB, minutes).
MAX_REPLY = 1 << 25
#: Elements (of an array, or of a matrix that two integer arguments could size) that a judge-side function
#: lent to the kernel may be asked to compute with at the least: 2**24, 128 MiB of float64.
CALLBACK_ELEMENTS = 1 << 24
#: ... and at the most, relative to the largest array of the check's own case (the judge's calls).
CALLBACK_FACTOR = 16
#: Seconds that a check's second pass, which only looks for a hint (core.graded_on_its_own), may take.
HINT_SECONDS = 5.0
#: Seconds an interrupted kernel has to come back after a hint pass ran out of time.
RECOVERY_SECONDS = 5.0


class JudgeError(Exception):
    """The kernel could not be asked (no reply in time, dead, or a reply that is not plain data)."""


class KernelLost(BaseException):
    """The kernel did not answer in time, or died: the test cell stops here. A BaseException, so
    that a check's own ``except Exception`` (trying a variant of the student's code) cannot go on
    past the cell's deadline."""


class KernelTimeout(KernelLost):
    pass


class KernelDied(KernelLost):
    pass


class RemoteError(RuntimeError):
    """The student's function raised an exception of a kind the judge does not re-create."""

    def __init__(self, kind, message):
        super().__init__(f"{kind}: {message}" if kind else message)
        self.kind = kind


class RemoteFunction:
    """Stand-in for a function that lives in the student's kernel: calling it calls that function
    (arguments and result as plain data); ``__globals__`` is its module's namespace, remotely."""

    def __init__(self, link, tag):
        self._link, self._tag = link, {"$": "ref", "side": "k", "id": tag["id"], "kind": tag["kind"]}
        self.__name__ = self.__qualname__ = str(tag.get("name") or "function")
        self.__module__ = str(tag.get("module") or "__main__")
        self._globals = RemoteGlobals(link, self)

    def __call__(self, *args, **kwargs):
        return self._link.call(self, args, kwargs)

    @property
    def __globals__(self):
        return self._globals

    def global_names(self):
        """The global names the function's code (and the code nested in it) refers to: what the kernel
        says, and (the kernel may lie) every name its definition in the submitted notebook uses."""
        names = self._link.request({"op": "names", "fn": self._tag})
        reported = {n for n in names if isinstance(n, str)} if isinstance(names, list) else set()
        return reported | self._link.source_names(self.__name__)

    def __repr__(self):
        return f"<function {self.__name__} in the student's kernel>"


class RemoteObject:
    """Stand-in for an object of the kernel that is not plain data: it can only be handed back."""

    def __init__(self, tag):
        self._tag = {"$": "ref", "side": "k", "id": tag["id"], "kind": "obj"}
        self.type_name = str(tag.get("name") or "object")

    def __repr__(self):
        return f"<{self.type_name} object in the student's kernel>"


class RemoteGlobals:
    """The mapping ``names_replaced`` uses: ``in``, ``[]`` and ``[]=`` on the kernel function's
    module namespace. Assigning a judge-side callable installs a stub that calls back here."""

    def __init__(self, link, fn):
        self._link, self._fn = link, fn

    def __contains__(self, name):
        return bool(self._link.request({"op": "has", "fn": self._fn._tag, "name": name}))

    def __getitem__(self, name):
        return self._link.request({"op": "get", "fn": self._fn._tag, "name": name})

    def __setitem__(self, name, value):
        self._link.set_global(self._fn, name, value)


_EXCEPTIONS = {cls.__name__: cls for cls in (
    TypeError, ValueError, KeyError, IndexError, AttributeError, NameError, ZeroDivisionError,
    NotImplementedError, ArithmeticError, OverflowError, LookupError, FloatingPointError,
    RecursionError, MemoryError)}


class KernelLink:
    """The judge's connection to one kernel (a client of its own on the kernel's channels).

    ``deadline``: ``time.monotonic()`` value past which waiting for the kernel stops; set per cell.
    ``on_timeout``: called when it passes, to interrupt or stop the kernel.
    """

    #: Requests up to this size go in the execute request's code (one round trip less).
    INLINE = 1 << 14

    def __init__(self, km, alive=None):
        self.km = km
        self.kc = km.blocking_client()
        self.kc.start_channels(shell=True, iopub=False, stdin=True, hb=False, control=False)
        self.alive = alive or (lambda: True)
        self.deadline = None
        self.handles = wire.Handles("j")
        self.rng_ids = {}
        self.kernel_rngs = {}
        self.stand_ins = {}
        self.failure = None      # an ExerciseFailure raised by a callback, re-raised after the call
        self._request = self._answer = None
        self._session = None     # the msg_id of the execute request serving a session
        self._installed = False
        self.busy = False
        self.calls = 0
        self.callbacks = 0
        self.seq = 0             # the number of the current request, which its answer must start with
        self.hints_off = False   # a hint pass of this cell ran out of time: no more of them in this cell
        self.lent_names = None   # while a hint pass runs: {(function id, name): (function, the name's value before)}
        self.source_names = lambda name: set()   # name -> the names its definition in the notebook uses
        self.case_elements = 0   # the largest array the judge sent in the current check's calls
        self.refusals = []       # what the judge refused the kernel (an oversized answer, a callback's sizes): notes

    def close(self):
        with contextlib.suppress(Exception):
            self.kc.stop_channels()

    # -- codec -------------------------------------------------------------------------------
    def encode(self, value):
        return wire.Encoder(self.handles, self._foreign, self.rng_ids).encode(value)

    def decode(self, data):
        return wire.Decoder(self._resolve, self.kernel_rngs, "j", self.rng_ids, self.deadline).decode(data)

    @staticmethod
    def _foreign(value):
        return value._tag if isinstance(value, (RemoteFunction, RemoteObject)) else None

    def _resolve(self, tag):
        if tag["side"] == "j":
            return self.handles.get(tag["id"])
        key = (tag["id"], tag.get("kind"))
        if key not in self.stand_ins:
            self.stand_ins[key] = RemoteFunction(self, tag) if tag.get("kind") == "fn" else RemoteObject(tag)
        return self.stand_ins[key]

    # -- requests ------------------------------------------------------------------------------
    def open(self):
        """Start a test cell's session; the shim is installed once per kernel, and again if the
        student's code since removed or broke it (its first answer fails)."""
        if self._installed:
            self.begin()
            try:
                self.request({"op": "ping"})
                return
            except JudgeError:
                self._session = None
        self.install()
        self.begin()

    def install(self):
        """(Re)install the kernel-side shim; returns the file ``helpers`` is imported from there."""
        self._session = None
        self._installed = True
        source = Path(wire.__file__).read_text() + "\n" + Path(shim.__file__).read_text()
        code = (f"exec(compile({source!r}, '<nnfs-judge>', 'exec'), _nnfs_judge_ns := {{}})\n"
                "_nnfs_judge_ns['install']()\ndel _nnfs_judge_ns\n")
        self.handles, self.stand_ins, self.rng_ids, self.kernel_rngs = wire.Handles("j"), {}, {}, {}
        reply = self._execute(code, {"helpers": "getattr(__import__('helpers'), '__file__', '')"})
        return reply.get("helpers", "")

    def request(self, request):
        """Send one request to the shim; returns the decoded ``ok`` value (raises on ``error``)."""
        answer = self._ask(request)
        if "error" in answer:
            raise self._exception(answer["error"])
        return self.decode(answer.get("ok"))

    def set_global(self, fn, name, value):
        """``fn.__globals__[name] = value`` in the kernel. While a hint pass runs, the name's value from before the
        pass is kept first (:meth:`hint_budget` puts it back when the pass is abandoned); a name the namespace
        does not hold is not kept (``names_replaced`` replaces only the names the notebook defines)."""
        key = (fn._tag["id"], name)
        if self.lent_names is not None and key not in self.lent_names and name in fn.__globals__:
            self.lent_names[key] = (fn, fn.__globals__[name])
        self.request({"op": "set", "fn": fn._tag, "name": name, "value": self.encode(value)})

    def call(self, fn, args, kwargs):
        """Call the kernel's ``fn``; arguments' changes are copied back, then the result returned."""
        self.calls += 1
        self.failure = None
        self.case_elements = max(self.case_elements, demand([args, kwargs], with_integers=False))
        answer = self._ask({"op": "call", "fn": fn._tag, "args": self.encode(list(args)),
                            "kwargs": self.encode(dict(kwargs))})
        if "args" in answer:
            new_args, new_kwargs = self.decode(answer["args"]), self.decode(answer.get("kwargs"))
            if isinstance(new_args, list) and len(new_args) == len(args):
                for old, new in zip(args, new_args):
                    wire.restore(old, new)
            if isinstance(new_kwargs, dict):
                for key in kwargs:
                    if key in new_kwargs:
                        wire.restore(kwargs[key], new_kwargs[key])
        if self.failure is not None:
            failure, self.failure = self.failure, None
            raise failure
        if "error" in answer:
            raise self._exception(answer["error"])
        return self.decode(answer.get("ok"))

    @staticmethod
    def _exception(error):
        kind = str(error.get("type", "")) if isinstance(error, dict) else ""
        message = str(error.get("message", "")) if isinstance(error, dict) else str(error)
        if kind == "WireError":
            return JudgeError(f"the kernel could not send its answer: {message}")
        if kind in _EXCEPTIONS:
            return _EXCEPTIONS[kind](message)
        return RemoteError(kind, message)

    def begin(self):
        """Open a session: one execute request whose shim serves every request (through the stdin
        channel) until :meth:`end`; a call then costs two stdin round trips, not an execution."""
        self._request = self._answer = None
        self._session = self.kc.execute("_nnfs_judge['shim'].loop()", silent=True, store_history=False,
                                        allow_stdin=True, stop_on_error=False)

    def end(self):
        """Close the session (the shim's loop returns); raises if the kernel does not finish it."""
        session, self._session = self._session, None
        if session is None:
            return
        self._request, self._answer = "", None
        self._check(self._guarded_wait(session, until_answer=False))

    def _ask(self, request):
        self.seq += 1
        text = wire.dumps({"seq": self.seq, **request})
        if self._session is not None:
            self._request, self._answer = text, None
            reply = self._guarded_wait(self._session, until_answer=True)
            if reply is not None:  # the session's execution ended: the shim stopped serving
                self._session = None
                self._check(reply)
                raise JudgeError("the kernel stopped answering the judge")
        elif len(text) <= self.INLINE:
            self._request, self._answer = None, None
            self._execute(f"_nnfs_judge['serve']({text!r})", {})
        else:
            self._request, self._answer = text, None
            self._execute("_nnfs_judge['serve']()", {})
        if self._answer is None:
            raise JudgeError("the kernel did not answer the judge")
        try:
            answer = wire.loads(self._answer, MAX_REPLY)
        except wire.WireError as error:
            self.refusals.append(f"the judge refused the kernel's answer: {error}")
            raise
        if not isinstance(answer, dict):
            raise JudgeError("the kernel's answer is not a dict")
        return answer

    def end_broken(self):
        """Forget a session the kernel will not finish (timed out, or dead)."""
        self._session = None

    @contextlib.contextmanager
    def hint_budget(self):
        """core.hint_pass while the judge checks: the pass that only adds a hint gets HINT_SECONDS (within the
        cell's own limit). When they run out, the kernel is interrupted and a new session opened, and the pass is
        abandoned (core.HintAbandoned): the verdict stands, without the hint; so are the cell's later hint passes.

        The pass lends the kernel the judge's blocks (names_replaced); its own cleanup, which gives the kernel its
        blocks back, ran out of time with it: the names it set are put back here, in the new session. Else the
        kernel would keep a judge's block whose handle the check's end revokes, and the cell's next check (its
        hidden tests), or a later cell, would find it there: a score that depends on how fast the machine was."""
        from helpers.checks.core import HintAbandoned  # the workbook's checks: only when a cell is judged

        if self.hints_off:
            raise HintAbandoned("an earlier hint pass of this cell ran out of time")
        cell_deadline = self.deadline
        budget = time.monotonic() + HINT_SECONDS
        self.deadline = budget if cell_deadline is None else min(cell_deadline, budget)
        self.lent_names = {}
        try:
            yield
        except KernelTimeout:
            if cell_deadline is not None and time.monotonic() >= cell_deadline:
                raise                                  # the cell's own limit: a timeout as before
            self.deadline = time.monotonic() + RECOVERY_SECONDS
            self._interrupt_session()
            self.deadline = time.monotonic() + RECOVERY_SECONDS   # the kernel is back: a few quick requests
            self._give_names_back()
            self.hints_off = True
            raise HintAbandoned("the hint pass ran out of time") from None
        finally:
            self.lent_names = None
            self.deadline = cell_deadline

    def _give_names_back(self):
        """Set every name the hint pass set in the kernel's namespaces back to its value from before the pass."""
        lent, self.lent_names = self.lent_names or {}, None
        for (_, name), (fn, before) in reversed(lent.items()):
            self.set_global(fn, name, before)

    def _interrupt_session(self):
        """Interrupt the kernel in the middle of a session and open a new one (KernelTimeout if it does not
        come back). The request the judge gave up on is dropped, never served by the interrupted session: a shim
        whose loop goes on (the student's code swallowed the interrupt) is told the session is over."""
        session, self._session = self._session, None
        self._request, self._answer = "", None
        run_sync(self.km.interrupt_kernel)()
        if session is not None:
            self._guarded_wait(session, until_answer=False)
        self.begin()

    def _guarded_wait(self, msg_id, until_answer):
        if self.busy:
            raise JudgeError("the judge cannot call the kernel while the kernel is calling the judge")
        self.busy = True
        try:
            return self._wait(msg_id, until_answer)
        finally:
            self.busy = False

    @staticmethod
    def _check(reply):
        """Raise if an execute reply is not ``ok`` (interrupted: :class:`KernelTimeout`)."""
        content = reply.get("content", {})
        if content.get("status") != "ok":
            ename, evalue = content.get("ename", "error"), content.get("evalue", "")
            if ename == "KeyboardInterrupt":
                raise KernelTimeout("interrupted")
            raise JudgeError(f"the kernel failed to answer the judge ({ename}: {str(evalue)[:200]})")
        return content

    def _execute(self, code, expressions):
        """Run ``code`` in the kernel (silently), answering its stdin requests; returns the values
        of ``expressions`` (each must be a string in the kernel) as strings."""
        msg_id = self.kc.execute(code, silent=True, store_history=False, user_expressions=expressions,
                                 allow_stdin=True, stop_on_error=False)
        content = self._check(self._guarded_wait(msg_id, until_answer=False))
        values = {}
        for name, result in (content.get("user_expressions") or {}).items():
            text = (result.get("data") or {}).get("text/plain") if isinstance(result, dict) else None
            if not isinstance(text, str) or len(text) > MAX_REPLY + 16:
                raise JudgeError("the kernel's answer is missing or too large")
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                raise JudgeError("the kernel's answer is not a string") from None
            if not isinstance(value, str):
                raise JudgeError("the kernel's answer is not a string")
            values[name] = value
        return values

    def _wait(self, msg_id, until_answer):
        """Answer the kernel's stdin requests for ``msg_id`` until its execute reply (returned) or,
        with ``until_answer``, until the answer to the current request has come (None)."""
        shell, stdin = self.kc.shell_channel, self.kc.stdin_channel
        poller = zmq.Poller()
        poller.register(shell.socket, zmq.POLLIN)
        poller.register(stdin.socket, zmq.POLLIN)
        while True:
            left = None if self.deadline is None else self.deadline - time.monotonic()
            if left is not None and left <= 0:
                raise KernelTimeout("the cell's time limit was reached")
            if not self.alive():
                raise KernelDied("the kernel died")
            events = dict(poller.poll(int(1000 * min(0.5, left if left is not None else 0.5))))
            if stdin.socket in events:
                message = stdin.get_msg(timeout=0)
                if message.get("parent_header", {}).get("msg_id") == msg_id and \
                        message.get("msg_type") == "input_request":
                    self.kc.input(self._stdin(message.get("content", {}).get("prompt", "")))
                    if until_answer and self._answer is not None:
                        return None
            if shell.socket in events:
                message = shell.get_msg(timeout=0)
                if message.get("parent_header", {}).get("msg_id") == msg_id:
                    return message

    def _stdin(self, prompt):
        """The reply to the kernel's ``input_request``: the request (``Q``), a callback's answer
        (``C``), nothing (``R``: the kernel's answer, kept); end of file for anything else."""
        if not isinstance(prompt, str) or not prompt.startswith(shim.PREFIX):
            return "\x04"  # the student's own input()
        kind, text = prompt[len(shim.PREFIX):][:1], prompt[len(shim.PREFIX) + 1:]
        if kind == "Q" and self._request is not None:
            request, self._request = self._request, None
            return request
        if kind == "R" and self._answer is None and text.startswith(f'{{"seq":{self.seq},'):
            self._answer = text
            return ""
        if kind == "C":
            return self._callback(text)
        return "\x04"

    def _callback(self, text):
        """Run the judge-side function the kernel asked for; the reply's JSON text."""
        from helpers.checks.core import ExerciseFailure  # the workbook's checks: only when a cell is judged

        self.callbacks += 1
        try:
            request = wire.loads(text, MAX_REPLY)
            fn = self.handles.get(request.get("cb")) if isinstance(request, dict) else None
            args, kwargs = self.decode(request.get("args")), self.decode(request.get("kwargs"))
            if not callable(fn) or not isinstance(args, list) or not isinstance(kwargs, dict) \
                    or not all(isinstance(k, str) for k in kwargs):
                raise wire.WireError("not a call of a judge function")
        except wire.WireError as exc:
            return wire.dumps({"error": {"type": "TypeError", "message": f"bad call of a judge function: {exc}"}})
        refused = self._refused(fn, args, kwargs)
        if refused:
            self.refusals.append(refused)
            return wire.dumps({"error": {"type": "ValueError", "message": refused}})
        answer = {}
        try:
            answer["ok"] = self.encode(fn(*args, **kwargs))
        except ExerciseFailure as failure:
            self.failure = self.failure or failure
            answer = {"error": {"type": "ExerciseFailure", "message": str(failure)}}
        except Exception as exc:  # the reference refused the student's arguments: tell the kernel
            answer = {"error": {"type": type(exc).__name__, "message": str(exc)[:2000]}}
        try:
            answer["args"], answer["kwargs"] = self.encode(args), self.encode(kwargs)
        except wire.WireError:
            pass
        return wire.dumps(answer)

    def _refused(self, fn, args, kwargs):
        """Why the judge will not run ``fn(*args, **kwargs)`` for the kernel ('' when it will): its sizes
        are far beyond the check's own case (they would make the grading process compute for minutes, or
        allocate gigabytes)."""
        allowed = max(CALLBACK_ELEMENTS, CALLBACK_FACTOR * self.case_elements)
        asked = demand([args, kwargs])
        if asked <= allowed:
            return ""
        name = getattr(fn, "__name__", "a judge function")
        return (f"the judge refuses to run {name} with sizes of {asked:,} elements: this check's case needs at "
                f"most {allowed:,}")


def demand(value, with_integers=True):
    """The elements a call with the arguments ``value`` may ask for: its largest array's size, or (with
    ``with_integers``) the product of its two largest integers (the shape of a matrix they could size)."""
    largest, integers, stack = 0, [1, 1], [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, np.ndarray):
            largest = max(largest, item.size)
        elif with_integers and isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            integers = sorted([*integers, abs(int(item))])[-2:]
        elif isinstance(item, (list, tuple)) and depth < wire.MAX_DEPTH:
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, dict) and depth < wire.MAX_DEPTH:
            stack.extend((v, depth + 1) for v in item.values())
    return max(largest, integers[0] * integers[1] if with_integers else 0)
