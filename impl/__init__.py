"""HOW: the algorithms of the two papers (DESIGN.md).  ``impl`` imports neither spec nor proofs_checks."""
