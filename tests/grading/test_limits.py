"""What one submission may use: sizes and limits."""

import pytest

from grading.limits import GiB, Limits


def test_sizes_and_limits():
    from grading.limits import MiB, format_size, parse_size

    assert parse_size("3G") == 3 * GiB and parse_size("1.5GiB") == int(1.5 * GiB)
    assert parse_size("800M") == 800 * MiB and parse_size("4096") == 4096
    for bad in ("lots", "-1G", "0", "3 X"):
        with pytest.raises(ValueError):
            parse_size(bad)
    assert format_size(int(1.875 * GiB)) == "1.88 GiB" and format_size(3 * GiB) == "3 GiB"
    limits = Limits(timeout=300, grace=60)
    assert limits.hard_timeout(2) == 660 and limits.tree_memory == limits.memory + limits.worker_memory
    with pytest.raises(ValueError):
        Limits(timeout=0)
