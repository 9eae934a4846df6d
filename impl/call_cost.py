"""What one call of a structure or algorithm cost, as the ledger (``impl.ledger``) recorded it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CallCost:
    op: str
    mul_adds: int = 0
    exps: int = 0
    words: int = 0
    #: words held by the structure after the call
    space: int = 0
    #: recomputes performed inside the call; rows rescaled or re-evaluated for float64 stability
    recomputes: int = 0
    rows_rescaled: int = 0
    rows_refreshed: int = 0
    #: pending key and value updates when the call started
    pending: tuple[int, int] = (0, 0)

    # Optional extras, set on an instance only when used (class attributes, not dataclass fields,
    # so that creating a CallCost on the DynamicAttention path costs nothing more; their types are
    # type comments because an annotation would make them fields):
    #: named parts of this call's own counts, {part: [mul_adds, exps, words]} (``Ledger.part``)
    parts = None  # type: dict[str, list[int]] | None
    #: calls made to another structure or oracle during this call, {op: count} (``Ledger.sub``)
    sub_calls = None  # type: dict[str, int] | None
    #: [mul_adds, exps, words] of those calls as their own ledgers recorded them
    sub_cost = None  # type: list[int] | None
    #: sizes of the instance (``Ledger.sizes``), e.g. {"n": 8, "r": 36}
    sizes = None  # type: dict[str, int] | None

    def part(self, name: str) -> list[int]:
        """``[mul_adds, exps, words]`` of a named part (zeros when the call has no such part)."""
        return list((self.parts or {}).get(name, (0, 0, 0)))

    def extras(self) -> dict:
        """The optional extras that are set: parts, sub_calls, sub_cost, sizes."""
        return {k: v for k in ("parts", "sub_calls", "sub_cost", "sizes")
                if (v := getattr(self, k)) is not None}
