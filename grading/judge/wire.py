"""Plain data across the judge's process boundary: JSON whose loading never runs code.

Both sides use this module: the grading process (the judge) imports it, and the student's kernel
gets its source text (:mod:`grading.judge.shim` sends it), so it depends on the standard library
and numpy only, and defines no name that could clash with a notebook's.

A value is encoded as JSON with tagged objects:

* ``None``, ``bool``, ``int``, ``float`` (NaN and infinities included), ``str``, ``list``: as such;
* ``{"$": "nd", "dtype": "<f8", "shape": [2, 3], "b64": ...}``: a numpy array of numbers or bools,
  its raw bytes in base64 (never ``np.load``: nothing can be unpickled);
* ``{"$": "sc", "dtype": ..., "b64": ...}``: a numpy scalar (``np.float64(0.5)``...);
* ``{"$": "tuple", "items": [...]}``, ``{"$": "dict", "items": [[key, value], ...]}``;
* ``{"$": "rng", "id": N, "state": ...}``: a ``np.random.Generator``, by its bit generator's state
  (the same generator keeps the same ``id`` on the side that owns it);
* ``{"$": "ref", "side": "k" | "j", "id": N, "kind": "fn" | "obj", "name": ..., "module": ...}``:
  anything else (a function, an object), an opaque handle that only its owner can resolve.

:func:`decode` validates what it reads (tags, dtypes, sizes, nesting) and raises
:class:`WireError` with a clear message on anything else: what a kernel sends is untrusted.
"""
import base64
import json
import time

import numpy as np

#: numpy dtypes that may cross (native byte order); object and structured dtypes never do.
WIRE_DTYPES = ("|b1", "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8",
               "<f2", "<f4", "<f8", "<c8", "<c16")
MAX_DEPTH = 64
MAX_NDIM = 16


class WireError(ValueError):
    """Data that cannot cross the boundary (what was sent is not plain data, or is malformed)."""


class Handles:
    """One side's registry of the objects it sent as opaque handles (kept alive, same id each time, never
    an id given before: a revoked handle stays unknown)."""

    def __init__(self, side):
        self.side = side
        self.objects = {}
        self.ids = {}
        self.issued = 0

    def add(self, obj):
        key = id(obj)
        if key not in self.ids:
            self.issued += 1
            self.ids[key] = self.issued
            self.objects[self.issued] = obj
        return self.ids[key]

    def revoke(self):
        """Forget every object sent so far: the other side's handles of them no longer reach anything."""
        self.objects.clear()
        self.ids.clear()

    def get(self, number):
        try:
            return self.objects[number]
        except (KeyError, TypeError):
            raise WireError(f"unknown handle {number!r}") from None


def _array_spec(value):
    array = np.asarray(value)
    dtype = array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
    array = array.astype(dtype, copy=False)
    if array.dtype.str not in WIRE_DTYPES:
        raise WireError(f"a numpy array of dtype {array.dtype} cannot be sent (numbers and bools only)")
    return {"dtype": array.dtype.str, "shape": list(array.shape),
            "b64": base64.b64encode(array.tobytes()).decode("ascii")}


def json_scalar(value, depth) -> bool:
    """True for JSON's own scalars (None, bool, int, float, str: sent as they are); raises WireError for data
    nested deeper than MAX_DEPTH."""
    if depth > MAX_DEPTH:
        raise WireError(f"data nested more than {MAX_DEPTH} levels deep")
    return value is None or type(value) in (bool, int, float, str)


class Encoder:
    """``encode(value)``: the JSON-ready form of ``value``; unknown objects become handles of
    ``handles``; ``foreign(value)`` returns the handle tag of an object owned by the other side
    (a stand-in received from it), or None."""

    def __init__(self, handles, foreign=None, rng_ids=None):
        self.handles = handles
        self.foreign = foreign or (lambda value: None)
        self.rng_ids = rng_ids if rng_ids is not None else {}

    def encode(self, value, depth=0):
        if json_scalar(value, depth):
            return value
        if isinstance(value, np.ndarray):
            return {"$": "nd", **_array_spec(value.view(np.ndarray))}
        if isinstance(value, np.generic) and not isinstance(value, (np.str_, np.bytes_, np.void, np.object_)):
            return {"$": "sc", **_array_spec(np.asarray(value))}
        if isinstance(value, np.random.Generator):
            return {"$": "rng", "side": self.handles.side, "id": self.rng_id(value),
                    "state": self.encode(value.bit_generator.state, depth + 1)}
        tag = self.foreign(value)
        if tag is not None:
            return tag
        for plain in (bool, int, float, str):  # a subclass crosses as its plain value
            if isinstance(value, plain):
                return plain(value)
        if isinstance(value, tuple):
            return {"$": "tuple", "items": [self.encode(v, depth + 1) for v in tuple.__iter__(value)]}
        if isinstance(value, list):
            return [self.encode(v, depth + 1) for v in list.__iter__(value)]
        if isinstance(value, dict):
            return {"$": "dict", "items": [[self.encode(k, depth + 1), self.encode(v, depth + 1)]
                                           for k, v in dict.items(value)]}
        kind = "fn" if callable(value) else "obj"
        return {"$": "ref", "side": self.handles.side, "id": self.handles.add(value), "kind": kind,
                "name": str(getattr(value, "__name__", type(value).__name__))[:100],
                "module": str(getattr(value, "__module__", "") or "")[:100]}

    def rng_id(self, rng):
        key = id(rng)
        if key not in self.rng_ids:
            self.rng_ids[key] = (len(self.rng_ids) + 1, rng)
        return self.rng_ids[key][0]


def _decode_array(data, scalar):
    dtype, shape, b64 = data.get("dtype"), data.get("shape"), data.get("b64")
    if dtype not in WIRE_DTYPES:
        raise WireError(f"an array of dtype {dtype!r} was sent (numbers and bools only)")
    if (not isinstance(shape, list) or len(shape) > MAX_NDIM
            or not all(type(n) is int and n >= 0 for n in shape) or (scalar and shape)):
        raise WireError(f"an array with an invalid shape {shape!r} was sent")
    if not isinstance(b64, str):
        raise WireError("an array without its data was sent")
    raw = base64.b64decode(b64.encode("ascii"), validate=True)
    np_dtype = np.dtype(dtype)
    count = 1
    for n in shape:
        count *= n
    if len(raw) != count * np_dtype.itemsize:
        raise WireError(f"an array of shape {tuple(shape)} and dtype {dtype} came with {len(raw)} bytes")
    array = np.frombuffer(raw, dtype=np_dtype).reshape(shape).copy()
    return array[()] if scalar else array


class Decoder:
    """``decode(data)``: the value of the JSON form ``data``; ``resolve(tag)`` turns a handle tag
    into an object (one of ours, or a stand-in for one of the other side's); generators are kept
    per id in ``rngs`` so that the same generator arrives as the same object; ``deadline``, a
    ``time.monotonic()`` value (or None), is checked as it goes: past it, WireError."""

    BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
    #: Values decoded between two looks at the clock (a look costs about as much as 20 values).
    CLOCK_EVERY = 4096

    def __init__(self, resolve, rngs=None, side="", own_rngs=None, deadline=None):
        self.resolve = resolve
        self.rngs = rngs if rngs is not None else {}
        self.side = side
        self.own_rngs = own_rngs if own_rngs is not None else {}
        self.deadline = deadline
        self._until_clock = self.CLOCK_EVERY

    def decode(self, data, depth=0):
        self._until_clock -= 1
        if not self._until_clock:
            self._until_clock = self.CLOCK_EVERY
            if self.deadline is not None and time.monotonic() > self.deadline:
                raise WireError("decoding the data ran past the time limit")
        if json_scalar(data, depth):
            return data
        if type(data) is list:
            return [self.decode(v, depth + 1) for v in data]
        if type(data) is not dict:
            raise WireError(f"unexpected {type(data).__name__} in the data")
        tag = data.get("$")
        if tag in ("nd", "sc"):
            return _decode_array(data, tag == "sc")
        if tag == "tuple":
            return tuple(self.decode(v, depth + 1) for v in self._items(data))
        if tag == "dict":
            result = {}
            for pair in self._items(data):
                if type(pair) is not list or len(pair) != 2:
                    raise WireError("a dict entry is not a (key, value) pair")
                key = self.decode(pair[0], depth + 1)
                try:
                    result[key] = self.decode(pair[1], depth + 1)
                except TypeError:
                    raise WireError(f"a dict key of type {type(key).__name__} cannot be hashed") from None
            return result
        if tag == "rng":
            return self._rng(data, depth)
        if tag == "ref":
            if data.get("side") not in ("k", "j") or type(data.get("id")) is not int:
                raise WireError("an invalid handle was sent")
            return self.resolve(data)
        raise WireError(f"unknown tag {tag!r} in the data")

    @staticmethod
    def _items(data):
        items = data.get("items")
        if type(items) is not list:
            raise WireError("a tuple or dict without items was sent")
        return items

    def _rng(self, data, depth):
        state = self.decode(data.get("state"), depth + 1)
        name = state.get("bit_generator") if isinstance(state, dict) else None
        if name not in self.BIT_GENERATORS:
            raise WireError(f"a random generator with an unknown bit generator {name!r} was sent")
        key = data.get("id")
        if data.get("side") == self.side:  # one of ours, coming back
            rng = next((obj for number, obj in self.own_rngs.values() if number == key), None)
        else:
            rng = self.rngs.get(key)
        if rng is None or type(rng.bit_generator).__name__ != name:
            rng = np.random.Generator(getattr(np.random, name)())
            self.rngs[key] = rng
        try:
            rng.bit_generator.state = state
        except (TypeError, ValueError, KeyError, OverflowError) as exc:
            raise WireError(f"an invalid random generator state was sent ({exc})") from None
        return rng


def restore(original, new, depth=0):
    """Copy what a call did to its arguments back into the caller's objects (in place): arrays'
    values, dicts' and lists' contents, generators' states. Returns ``original`` where it was
    updated in place, else ``new`` (to put in its place in the enclosing dict or list)."""
    if depth > MAX_DEPTH or new is original:
        return original
    if isinstance(original, np.ndarray):
        if isinstance(new, np.ndarray) and new.shape == original.shape and original.flags.writeable:
            try:
                original[...] = new
                return original
            except (TypeError, ValueError):
                pass
        return new
    if isinstance(original, np.random.Generator):
        if isinstance(new, np.random.Generator):
            try:
                original.bit_generator.state = new.bit_generator.state
                return original
            except (TypeError, ValueError, KeyError):
                pass
        return new
    if isinstance(original, dict) and isinstance(new, dict):
        for key in [k for k in original if k not in new]:
            del original[key]
        for key, value in new.items():
            original[key] = restore(original[key], value, depth + 1) if key in original else value
        return original
    if isinstance(original, list) and isinstance(new, list):
        if len(original) == len(new):
            for i, value in enumerate(new):
                original[i] = restore(original[i], value, depth + 1)
        else:
            original[:] = new
        return original
    if isinstance(original, tuple) and isinstance(new, tuple) and len(original) == len(new):
        for old, value in zip(original, new):
            restore(old, value, depth + 1)
        return original
    return new


def dumps(data):
    return json.dumps(data, separators=(",", ":"))


def loads(text, limit):
    """Parse JSON text of at most ``limit`` characters (WireError otherwise)."""
    if not isinstance(text, str):
        raise WireError(f"expected text, got {type(text).__name__}")
    if len(text) > limit:
        raise WireError(f"{len(text)} characters of data were sent (at most {limit})")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise WireError(f"malformed data ({str(exc)[:100]})") from None
