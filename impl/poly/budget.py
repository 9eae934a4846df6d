"""Memory budget of :func:`impl.poly.poly_attention`: refuse, before allocating, what cannot fit.

The rank ``r = C(d + g, g)`` explodes with the degree (d = 16, g = 45: r = 2e14), and everything
Algorithm 1 holds per feature column is at least one float64: the feature buffer (``r`` x rows per
block, at least one row), the ``r x (1 + e)`` factor ``U2^T [1 | V]``, the column weights and the
``(d, g)`` index tables (an ``r x d`` int64 exponent table and ``r`` multinomial coefficients).
:func:`peak_bytes` adds these up with the n- and m-sized arrays; :func:`check_fits` compares the
sum with :func:`memory_limit`: the smaller of :data:`MAX_BYTES` and the memory the operating system
reports available.  The check runs twice: with the proved lower bound on the degree before any
polynomial is certified (a high degree takes seconds to certify), then with the degree found.
"""

from __future__ import annotations

import math
from pathlib import Path

#: the documented cap on what one poly_attention call may allocate (bytes)
MAX_BYTES = 4 * 2 ** 30
#: bytes per feature column held by the (d, g) index tables besides the d int64 exponents: the
#: multinomial coefficient (a Python int in a tuple), the column weight and, with a fold, its
#: column index and gathered weight
TABLE_BYTES_PER_COLUMN = 64


def available_bytes() -> int | None:
    """``MemAvailable`` of /proc/meminfo, or None where there is none."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def memory_limit() -> int:
    """What one call may allocate: ``min(MAX_BYTES, available memory)``."""
    avail = available_bytes()
    return MAX_BYTES if avail is None else min(MAX_BYTES, avail)


def peak_bytes(n: int, m: int, d: int, e: int, r: int, step: int) -> int:
    """Bytes held at the peak of one call with ``step`` rows per feature block."""
    words = (r * step                       # feature buffer
             + r * (1 + e) + r              # the factor U2^T [1 | V] and the column weights
             + (n + m) * d + m * e          # private copies of Q, K, V
             + m * (1 + e) + n * (e + 1)    # [1 | V], the output and w~
             + step * (1 + e))              # one block's product
    return 8 * words + r * (8 * d + TABLE_BYTES_PER_COLUMN)


def fit_step(n: int, m: int, d: int, e: int, r: int, step: int, limit: float) -> int:
    """``step`` lowered (to 1 at least) until :func:`peak_bytes` is within ``limit``, if it can be."""
    fixed = peak_bytes(n, m, d, e, r, 0)
    room = int((limit - fixed) // (8 * (r + 1 + e)))
    return max(1, min(step, room))


def _fmt_count(r: int) -> str:
    return f"{r:,}" if r < 10 ** 9 else f"{r:.3g}"


def _fmt_bytes(b: float) -> str:
    for unit, size in (("TB", 2 ** 40), ("GB", 2 ** 30), ("MB", 2 ** 20), ("kB", 2 ** 10)):
        if b >= size:
            return f"{b / size:.3g} {unit}"
    return f"{b:.0f} bytes"


def check_fits(*, n: int, m: int, d: int, e: int, degree: int, step: int, eps: float, B: float,
               radius: float, limit: int, at_least: bool = False) -> None:
    """Raise ``ValueError`` when a call at this degree would allocate more than ``limit`` bytes
    with ``step`` rows per feature block."""
    r = math.comb(d + degree, degree)
    need = peak_bytes(n, m, d, e, r, step)
    if need <= limit:
        return
    deg = f"degree >= {degree} (a proved lower bound)" if at_least else f"degree {degree}"
    raise ValueError(
        f"poly_attention refuses eps={eps:g}, B={B:g}: the logit radius {radius:g} needs "
        f"{deg}, so rank C(d + g, g) = {_fmt_count(r)} feature columns at d = {d}, and the call would "
        f"hold at least {_fmt_bytes(need)} (feature block, r x (1 + e) factor, index tables) "
        f"against a limit of {_fmt_bytes(limit)} (max_bytes; default min({_fmt_bytes(MAX_BYTES)}, "
        f"available memory)). Use exact attention (impl.attention.attention), a larger eps, or "
        f"inputs of smaller norm")
