"""Fast attention with bounded entries: the polynomial method of Alman & Song (AS).

* :func:`exp_polynomial` -- a low-degree P with certified relative error ``|P - e^x| <= eps e^x``
  on ``[-R, R]`` (section 2, Lemma 2.1 / Corollary 2.2);
* :func:`feature_maps` -- ``P(X Y^T) = U1 U2^T`` with ``C(d+g, g)`` monomial columns (Lemma 3.2);
* :func:`poly_attention` -- Algorithm 1 (section 3.7, Theorem 3.7).
"""

from impl.poly.algorithm import PolyAttentionReport, poly_attention, poly_attention_report
from impl.poly.certify import Certificate, certify
from impl.poly.expoly import ExpPolynomial, exp_polynomial
from impl.poly.features import feature_maps, paper_rank, rank

__all__ = [
    "Certificate", "ExpPolynomial", "PolyAttentionReport", "certify", "exp_polynomial",
    "feature_maps", "paper_rank", "poly_attention", "poly_attention_report", "rank",
]
