"""A long sentence quoted back in a challenge: cut where a reader can follow, keeping the number questioned."""

from __future__ import annotations

from interviewer.interview.quoting import excerpt


def test_a_short_sentence_is_quoted_whole() -> None:
    assert excerpt("We will optimise click-through rate rather than watch time") == (
        "We will optimise click-through rate rather than watch time."
    )


def test_a_long_calculation_is_quoted_from_a_clause_boundary_with_its_result() -> None:
    said = (
        "Some 5 × 10^8 daily users at ca. 5 home loads each give 2.5 × 10^9 requests a day; divided by "
        "8.64 × 10^4 seconds this is ca. 2.9 × 10^6 requests per second"
    )
    quoted = excerpt(said)
    assert quoted == "… divided by 8.64 × 10^4 seconds this is ca. 2.9 × 10^6 requests per second."
    assert len(quoted.split()) <= 31


def test_a_long_claim_is_quoted_from_its_start_and_not_cut_after_an_operator() -> None:
    said = " ".join(
        ["We", "rank", "every", "video", "with", "a", "heavy", "model"] * 3 + ["at", "5", "×", "10^9"]
    )
    quoted = excerpt(said + " and then some more words to make it long enough to cut here for sure")
    assert quoted.endswith(" …")
    assert not quoted.removesuffix(" …").endswith(("×", "at", "and"))
    assert len(quoted.split()) <= 31


def test_a_question_quoted_back_keeps_its_question_mark_alone() -> None:
    assert (
        excerpt("Why is click-through rate the right target?")
        == "Why is click-through rate the right target?"
    )
    assert excerpt("We optimise clicks") == "We optimise clicks."
