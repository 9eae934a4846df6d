"""The printed DA pseudocode, transcribed line by line under its most favourable consistent
reading (``LIST_INDEX``), with its remaining defects (see ``repairs``)."""

from impl.literal.appendix import PaperAppendixAttention
from impl.literal.repairs import APPENDIX_DEFECTS, LIST_INDEX, REPAIRS, V1_DEFECTS
from impl.literal.slots import LiteralUndefinedRead
from impl.literal.v1 import PaperV1Attention

__all__ = ["PaperV1Attention", "PaperAppendixAttention", "LiteralUndefinedRead", "LIST_INDEX",
           "REPAIRS", "V1_DEFECTS", "APPENDIX_DEFECTS"]
