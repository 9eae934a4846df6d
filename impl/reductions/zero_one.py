"""0/1 matrices given as any array-like of numbers: the entry check the reductions' inputs share
(``impl.reductions.ann.binary_vectors`` for AS's Gap-ANN vectors, ``impl.reductions.hmv_inputs.
boolean_matrix`` for DA's HMV matrices), which differ only in the numbers they accept."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from impl.ledger import Ledger


def zero_one_entries(arr: np.ndarray, name: str, what: str, is_zero_one: Callable[[Any], bool | None],
                     ledger: Ledger | None = None) -> np.ndarray:
    """The entries of the object array ``arr`` as an int64 0/1 array.

    ``is_zero_one(v)``: whether the number ``v`` is 0 or 1, or None when ``v`` is not a number
    the caller accepts (TypeError naming the entry); an entry that is neither 0 nor 1 is a
    ValueError saying that ``name`` must be ``what``.  ``ledger``: counts the object copy and
    the test and store of each entry."""
    out = np.zeros(arr.shape, dtype=np.int64)
    for idx, v in np.ndenumerate(arr):
        ok = is_zero_one(v)
        if ok is None:
            raise TypeError(f"{name}[{idx[0]}, {idx[1]}] must be 0 or 1, got {type(v).__name__}")
        if not ok:
            raise ValueError(f"{name} must be {what}; {name}[{idx[0]}, {idx[1]}] = {v!r}")
        out[idx] = int(v == 1)
    if ledger is not None:
        ledger.touch(2 * arr.size)                  # the object copy
        ledger.vec(arr.size)                        # a test and a store per entry
    return out
