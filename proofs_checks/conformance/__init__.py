"""The conformance kit: check an implementation from outside this project against the reference.

* :mod:`.dynamic_check`: ``check-dynamic MODULE:CLASS``, any dynamic attention structure with the
  protocol of DA Theorem 4.1 (``Class(Q, K, V, *, a, scale)``, ``update_k``, ``update_v``,
  ``query``, ``output``; ``update_q`` and ``recompute`` optional).
* :mod:`.approx_check`: ``check-approx MODULE:FUNCTION``, approximate attention
  ``f(Q, K, V, *, scale)`` in the bounded-entry regime of AS Theorem 3.7.
* :mod:`.vectors`: test vectors (JSON, :mod:`.vector_schema`) with expected outputs to 40
  significant digits, their export and their replay.
* :mod:`.cli`: the subcommands; exit codes 0 conforming, 1 a defect (with the shrunk program or
  input), 2 a usage error.

docs/conformance.md and docs/vectors.md describe the kit and the vector format.
"""
