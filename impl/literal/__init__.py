"""The printed DA pseudocode, transcribed line by line with its defects (see ``repairs``)."""

from impl.literal.appendix import PaperAppendixAttention
from impl.literal.repairs import APPENDIX_DEFECTS, REPAIRS, V1_DEFECTS
from impl.literal.slots import LiteralUndefinedRead
from impl.literal.v1 import PaperV1Attention

__all__ = ["PaperV1Attention", "PaperAppendixAttention", "LiteralUndefinedRead", "REPAIRS",
           "V1_DEFECTS", "APPENDIX_DEFECTS"]
