"""Reductions of the two lower bounds, driven through ``impl`` (0-based indices throughout).

* :mod:`impl.reductions.hmv` -- DA Lemmas 5.5 and 5.9 (DA arXiv v1, section 5): Hinted MV through
  the dynamic attention structure (unnormalized OAMV and normalized ODAMV).
* :mod:`impl.reductions.ann` -- AS Remark 4.4, Definition 4.5 and Lemma 4.7 (AS, section
  4): Gap-ANN through (approximate) attention, or by lookup-table brute force for small ``t``.
* :mod:`impl.reductions.exactsign` -- exact "> 0" / "= 0" for rational functions of ``e``.
"""
