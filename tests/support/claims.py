"""How closely a number that a notebook's text quotes must hold in its measurements.

The notebooks' runs are seeded and single-threaded, so on one machine they repeat exactly. What
another BLAS (or numpy) changes is the order of its sums: differences near 1e-16, which hundreds of
training steps can turn into a close call going the other way. So an accuracy measured on n examples
holds to the rounding of the quoted figure plus ONE example of its set (1/n; for a mean over several
runs, one example of one run's set). A quoted figure off by two examples or more still fails, and
so does any claim that is wrong by more than what one example can change.
"""
from __future__ import annotations


def quoted(value: float, percent: float, n: int, examples: int = 1, decimals: int = 1) -> bool:
    """True when the accuracy `value` (a fraction, measured on n examples) is the text's `percent`,
    rounded to `decimals` decimals, up to `examples` examples of the set (a difference of two
    accuracies: examples=2)."""
    return abs(100 * value - percent) <= 0.5 * 10 ** -decimals + 100 * examples / n + 1e-9
