"""Mutation testing of ``impl/`` with the spec checks as the killing suite (``make mutation``).

A small, self-contained driver (instead of mutmut 3, whose trampolines rewrite the copied tree
and whose per-function mutant names do not map back to a line).  It copies the parts of the tree
the suite reads to a temporary directory (``snapshot``), never writes into the source tree, and
enumerates mutants on the AST of each target module (``mutants``).  Each mutant runs in a forked
child of a process that has already imported numpy, sympy, mpmath, Hypothesis and pytest
(``fork_pool``): the child serves the mutated module from memory (``import_hook``) and runs the
killing suite (``killing_suite``: the test modules of ``suite.toml`` and the statements tagged
``mutation-suite`` in the registry), stopping at the first check that no longer comes out as
expected.  A mutant is *killed* when a check fails (or the child crashes or exceeds the
timeout), *survived* otherwise.  Survivors are reviewed by hand: ``equivalents.toml`` explains
each equivalent mutant, and the others get a test in the test module of their subject.  The
record (``record``) goes to ``benchmarks/mutation_results.json``, which the report shows.

    python -m tools.mutation [--module impl/dynamic.py ...] [--jobs 2] [--timeout 180]
    python -m tools.mutation --list               # enumerate the mutants only
    python -m tools.mutation --only KEY ...       # re-run some mutants (keys from the record)
    python -m tools.mutation --only-file keys.txt # the same, one key a line
    python -m tools.mutation --resume             # keep the recorded kills, run everything else
    python -m tools.mutation --fresh              # a new record instead of merging into the old
    python -m tools.mutation --rev HEAD           # the committed tree, not the working tree
    python -m tools.mutation --pin impl/x.py      # the committed impl/x.py (mid-edit elsewhere)
    python -m tools.mutation --statements DA-4.1 DA-4.8   # these statements, not the tagged ones

Every run merges into the existing record: a run of some modules replaces all the mutants
recorded for those modules and keeps the others', an ``--only``/``--limit`` run replaces just the
mutants it ran; the score and tables are recomputed over the whole record.

On a cluster (``--scheduler ADDRESS``, ``dask_pool``): the baseline runs locally, then every
mutant is a task of the Dask distributed cluster whose scheduler listens at ADDRESS; the record
is the same as a local run's (only times and the ``runs`` entry differ).  To use a real cluster:

    dask scheduler                                   # on one machine: prints tcp://HOST:8786
    dask worker tcp://HOST:8786 --nworkers 8 --nthreads 1   # on each worker machine
    python -m tools.mutation --scheduler tcp://HOST:8786 --timeout 300

Each worker machine needs Python with the packages of the project's ``verify`` and ``test``
extras and ``dask[distributed]`` (the same versions as the client: the workers re-enumerate the
mutants and check that they find the same ones); the code under test and this package are sent
with the tasks.  One thread per worker process: each task forks a child, and the mutants are
CPU-bound.
"""
