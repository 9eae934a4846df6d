"""spec.record_groups: a group fills the fields its records share, an /impl record is derived from
its statement, an erratum record always carries its description, and bad input is refused by name."""

import pytest

from spec import registry
from spec.record_groups import RecordGroup
from spec.registry import Direct, Erratum, Source

SRC = Source("002", "9.9", "Lemma 9.9")
OTHER = Source("002", "9.9", "Lemma 9.9 (proof)")
CHECK = Direct("nothing", lambda profile: {})


@pytest.fixture(autouse=True)
def empty_registry(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", {})


def test_a_record_gets_the_group_fields_unless_it_names_its_own():
    group = RecordGroup("AS", SRC, tags=("t",))
    plain = group.register(id="X", title="x", statement="s", checks=(CHECK,))
    own = group.register(id="Y", title="y", statement="s", checks=(CHECK,), source=OTHER, tags=())
    assert (plain.paper, plain.source, plain.tags) == ("AS", SRC, ("t",))
    assert (own.source, own.tags) == (OTHER, ())
    assert registry._REGISTRY == {"X": plain, "Y": own}


def test_a_group_without_a_source_needs_one_per_record():
    with pytest.raises(TypeError, match="source"):
        RecordGroup("DA").register(id="X", title="x", statement="s", checks=(CHECK,))
    assert registry._REGISTRY == {}


def test_the_impl_record_is_derived_from_its_statement():
    group = RecordGroup("DA", tags=("hmv",), implementation_tags=("impl",))
    statement = group.register(id="X", title="x", statement="s", checks=(CHECK,), source=OTHER,
                               tags=("hmv", "extension"), cites=("W",))
    impl = group.implementation(statement, "x: the implementation agrees", "it agrees", (CHECK,), notes="n")
    assert (impl.id, impl.paper, impl.source, impl.cites) == ("X/impl", "DA", OTHER, ("X",))
    assert impl.tags == ("hmv", "extension", "impl") and impl.notes == "n" and impl.expect == "holds"


def test_an_erratum_record_carries_its_description():
    group = RecordGroup("AS", SRC)
    lit = group.erratum(id="X/literal", title="x", statement="s", checks=(CHECK,), literal="as printed",
                        corrected_by="X", severity="typo", root_cause="rc", readings=("r1", "r2"))
    shared = Erratum("error", "rc2", ("r",))
    other = group.erratum(id="Y/literal", title="y", statement="s", checks=(CHECK,), literal="p",
                          corrected_by="Y", erratum=shared)
    assert (lit.expect, lit.literal, lit.corrected_by) == ("erratum", "as printed", "X")
    assert lit.erratum == Erratum("typo", "rc", ("r1", "r2")) and other.erratum is shared


def test_an_erratum_without_severity_or_with_two_descriptions_is_refused():
    group = RecordGroup("AS", SRC)
    with pytest.raises(TypeError, match="Z/literal: severity is missing"):
        group.erratum(id="Z/literal", title="z", statement="s", checks=(CHECK,), literal="p", corrected_by="Z",
                      root_cause="rc")
    with pytest.raises(TypeError, match="not both"):
        group.erratum(id="Z/literal", title="z", statement="s", checks=(CHECK,), literal="p", corrected_by="Z",
                      severity="typo", erratum=Erratum("typo", "rc"))
    with pytest.raises(ValueError, match="severity must be one of"):
        group.erratum(id="Z/literal", title="z", statement="s", checks=(CHECK,), literal="p", corrected_by="Z",
                      severity="bad", root_cause="rc")
    assert registry._REGISTRY == {}


def test_a_group_shares_its_cites_unless_a_record_names_its_own():
    group = RecordGroup("DA", SRC, cites=("W",), implementation_tags=("impl",))
    shared = group.register(id="X", title="x", statement="s", checks=(CHECK,))
    own = group.register(id="Y", title="y", statement="s", checks=(CHECK,), cites=())
    impl = group.implementation(shared, "x: the implementation agrees", "it agrees", (CHECK,))
    assert (shared.cites, own.cites, impl.cites) == (("W",), (), ("X",))


def test_a_typo_is_an_erratum_of_severity_typo_with_the_group_tags():
    group = RecordGroup("AS", SRC, tags=("reduction",))
    lit = group.typo(id="X/literal", title="x", statement="s", checks=(CHECK,), literal="as printed",
                     corrected_by="X", root_cause="rc", readings=("r",), notes="n")
    assert lit.erratum == Erratum("typo", "rc", ("r",)) and lit.tags == ("reduction",)
    assert (lit.expect, lit.literal, lit.corrected_by, lit.notes) == ("erratum", "as printed", "X", "n")
    with pytest.raises(ValueError, match="root_cause"):
        group.typo(id="Z/literal", title="z", statement="s", checks=(CHECK,), literal="p", corrected_by="Z",
                   root_cause="", readings=())
    assert set(registry._REGISTRY) == {"X/literal"}


def test_a_theorem_is_a_main_result_printed_in_its_papers_text():
    thm = RecordGroup("AS").theorem("T", "4.3", "Theorem 4.6", title="t", statement="s", checks=(CHECK,),
                                    cites=("L",))
    assert (thm.kind, thm.source, thm.cites) == ("theorem", Source("002", "4.3", "Theorem 4.6"), ("L",))
    assert RecordGroup("DA").theorem("U", "4", "Theorem 4.1", "u", "s", (CHECK,)).source.seed == "000"


def test_a_printed_form_x_literal_is_corrected_by_x_unless_it_names_another():
    group = RecordGroup("AS", SRC)
    lit = group.erratum(id="X/literal", title="x", statement="s", checks=(CHECK,), literal="p",
                        severity="slip", root_cause="rc")
    typo = group.typo(id="Y/literal", title="y", statement="s", checks=(CHECK,), literal="p",
                      corrected_by="W", root_cause="rc", readings=())
    assert (lit.corrected_by, typo.corrected_by) == ("X", "W")
    with pytest.raises(TypeError, match="E1: corrected_by is missing"):
        group.erratum(id="E1", title="e", statement="s", checks=(CHECK,), literal="p", severity="slip",
                      root_cause="rc")
    assert set(registry._REGISTRY) == {"X/literal", "Y/literal"}


def test_a_group_at_a_section_and_number_keeps_its_other_fields():
    group = RecordGroup("DA", SRC, tags=("t",), cites=("W",))
    part = group.at("5.4", "Claim 5.10")
    record = part.register(id="X", title="x", statement="s", checks=(CHECK,))
    assert (record.source, record.tags, record.cites) == (Source("000", "5.4", "Claim 5.10"), ("t",), ("W",))
    assert group.source == SRC and RecordGroup("AS").at("3.3", "Lemma 3.3").source == Source("002", "3.3", "Lemma 3.3")


def test_a_correction_corrects_the_printed_form_of_its_own_id():
    group = RecordGroup("AS", SRC, tags=("t",))
    fixed = group.correction(id="X", title="x", statement="s", checks=(CHECK,), notes="n")
    assert (fixed.corrects, fixed.corrected_by, fixed.tags, fixed.notes) == ("X/literal", None, ("t",), "n")
