"""Records of one printed statement, written once.

A statement's records share the paper, the place it is printed and their tags: the corrected
statement, its printed form (an erratum record, which always quotes the text, names its
correction and describes the erratum) and the ``<ID>/impl`` record that runs our implementation
of it.  :class:`RecordGroup` holds what they share, so that a module states each record's own
fields only; what it registers is an ordinary :class:`spec.registry.Lemma`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from spec.registry import Check, Erratum, Lemma, Paper, Severity, Source, register

#: the text (a key of :data:`spec.registry.TEXTS`) that prints each paper's statements, its main text
MAIN_TEXTS: dict[str, str] = {"DA": "000", "AS": "002"}
#: the suffix of the id of a statement's printed form: ``X/literal`` is corrected by ``X``
LITERAL = "/literal"


@dataclass(frozen=True)
class RecordGroup:
    """The shared fields of a group of records: ``paper``, ``source``, ``tags`` and ``cites`` (a
    record may name its own); an ``/impl`` record adds ``implementation_tags`` to its statement's
    tags."""

    paper: Paper
    #: None: every record names its own source
    source: Source | None = None
    tags: tuple[str, ...] = ()
    implementation_tags: tuple[str, ...] = ()
    #: what the proofs of the group's statements use (an ``/impl`` record cites its statement)
    cites: tuple[str, ...] = ()

    def register(self, id: str, title: str, statement: str, checks: tuple[Check, ...],
                 **fields: Any) -> Lemma:
        """Register the record ``id`` with the group's paper, and its source, tags and cites
        unless ``fields`` names its own (a part of the statement printed elsewhere, a proof step);
        ``fields`` are the other fields of :class:`Lemma`."""
        if self.source is not None:
            fields.setdefault("source", self.source)
        fields.setdefault("tags", self.tags)
        fields.setdefault("cites", self.cites)
        return register(Lemma(id=id, paper=self.paper, title=title, statement=statement, checks=checks,
                              **fields))

    def at(self, section: str, number: str) -> RecordGroup:
        """The group with its source at ``number`` in ``section`` of the paper's text
        (:data:`MAIN_TEXTS`): for a record printed elsewhere than the group's source (a part of
        the statement, a proof step)."""
        return replace(self, source=Source(MAIN_TEXTS[self.paper], section, number))

    def correction(self, id: str, title: str, statement: str, checks: tuple[Check, ...],
                   **fields: Any) -> Lemma:
        """Register ``id``, the corrected statement whose printed form is ``<id>/literal``."""
        return self.register(id=id, title=title, statement=statement, checks=checks, corrects=id + LITERAL,
                             **fields)

    def theorem(self, id: str, section: str, number: str, title: str, statement: str,
                checks: tuple[Check, ...], **fields: Any) -> Lemma:
        """Register ``id``, a main result of the paper (a node of the theorem graph), printed as
        ``number`` in ``section`` of the paper's text."""
        return self.at(section, number).register(id=id, title=title, statement=statement, checks=checks,
                                                 kind="theorem", **fields)

    def erratum(self, id: str, title: str, statement: str, checks: tuple[Check, ...], *, literal: str,
                corrected_by: str = "", severity: Severity | None = None, root_cause: str = "",
                readings: tuple[str, ...] = (), erratum: Erratum | None = None, **fields: Any) -> Lemma:
        """Register the printed form ``id`` of a statement, expected to fail: ``literal`` quotes
        the printed text, ``corrected_by`` names the corrected record (by default ``X`` for the
        printed form ``X/literal``), and ``severity``, ``root_cause`` and ``readings`` describe the
        erratum (:class:`spec.registry.Erratum`), or ``erratum`` is the description several
        records share (the errata one fix repairs)."""
        if not corrected_by:
            if not id.endswith(LITERAL):
                raise TypeError(f"erratum {id}: corrected_by is missing (only an id X{LITERAL} implies X)")
            corrected_by = id.removesuffix(LITERAL)
        if erratum is None:
            if severity is None:
                raise TypeError(f"erratum {id}: severity is missing (or pass a shared erratum)")
            erratum = Erratum(severity, root_cause, readings)
        elif severity is not None or root_cause or readings:
            raise TypeError(f"erratum {id}: give erratum or severity, root_cause and readings, not both")
        return self.register(id=id, title=title, statement=statement, checks=checks, expect="erratum",
                             literal=literal, corrected_by=corrected_by, erratum=erratum, **fields)

    def typo(self, id: str, title: str, statement: str, checks: tuple[Check, ...], *, literal: str,
             corrected_by: str = "", root_cause: str, readings: tuple[str, ...], **fields: Any) -> Lemma:
        """Register the printed form ``id`` of a statement with a typo (severity "typo": the
        intent is plain from the context; the severity is what the report and ``list`` read)."""
        return self.erratum(id, title, statement, checks, literal=literal, corrected_by=corrected_by,
                            severity="typo", root_cause=root_cause, readings=readings, **fields)

    def implementation(self, of: Lemma, title: str, statement: str, checks: tuple[Check, ...],
                       **fields: Any) -> Lemma:
        """Register ``<of.id>/impl``, the checks that run our implementation of the statement
        ``of`` (its general proof stays in ``of``, so a weaker run never weakens the proof): the
        same paper and source as ``of``, citing ``of`` only, with its tags and the group's
        ``implementation_tags``."""
        return register(Lemma(id=f"{of.id}/impl", paper=of.paper, title=title, statement=statement,
                              source=of.source, checks=checks, cites=(of.id,),
                              tags=(*of.tags, *self.implementation_tags), **fields))
