"""The engines that discharge spec against impl, the runner, the report writer and the command
line (``attention-proofs``, or ``python -m proofs_checks``)."""

#: the version of the attention-proofs distribution (pyproject.toml reads it from here)
__version__ = "0.2.0.dev0"
