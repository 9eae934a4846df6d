"""The record group of AS (arXiv 2302.13214) section 4.3, Lemma 4.7: its statements are registered
by several modules (ann_reduction, ann_matrix, ann_thresholds, ann_lookup), which share the paper,
the source and the tags through this one group."""

from __future__ import annotations

from spec.record_groups import RecordGroup
from spec.registry import Source

LEMMA_47 = RecordGroup("AS", Source(seed="002", section="4.3", number="Lemma 4.7"), tags=("reduction", "ann"))
