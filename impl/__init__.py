"""HOW: the algorithms of the two papers (DA, arXiv 2304.02207; AS, arXiv 2302.13214).

``impl`` imports neither spec nor proofs_checks, and needs only numpy, sympy and mpmath.
"""
