"""Values that agree within rounding, exact conversions within a unit class, and money in
two currencies never equal (summarize.link.quantity, through the figure comparisons)."""

from datetime import date

import pytest

from summarize.link import quantity, reconcile
from summarize.models import BriefFigure, Evidence


def figure(fid, value, unit, quote, bound="exact", article="a1", counts="the thing"):
    return BriefFigure(
        id=fid, value=value, unit=unit, counts=counts, bound=bound, source="the outlet", source_id=None,
        evidence=Evidence(article_id=article, quote=quote),
    )


@pytest.mark.parametrize(
    "first, second, verdict",
    [
        ((9.4e9, "USD", "a $9.4bn deal", "exact"), (9.37e9, "USD", "worth $9.37bn", "exact"), "rounded"),
        ((27e9, "USD", "a deal worth 27bn dollars", "exact"), (27.5e9, "USD", "$27.5bn", "exact"), "rounded"),
        ((3000, "people", "about 3,000 people", "approximate"), (3100, "people", "3,100 people", "exact"), "rounded"),
        ((3000, "people", "3,000 people", "exact"), (3100, "people", "3,100 people", "exact"), "differ"),
        ((14, "days", "a ban of 14 days", "exact"), (2, "weeks", "a ban of two weeks", "exact"), "agree"),
        ((10, "days", "a ban of 10 days", "exact"), (2, "weeks", "a ban of two weeks", "exact"), "differ"),
        ((18, "mois", "une peine de 18 mois", "exact"), (1.5, "ans", "une peine de 1,5 ans", "exact"), "agree"),
        ((1.4e6, "members", "1.4 million members", "exact"), (1_400_000, "members", "its 1,400,000 members", "exact"), "agree"),
        ((2.1e9, "GBP", "a £2.1bn offer", "exact"), (2.1e9, "USD", "a $2.1bn offer", "exact"), "incomparable"),
        ((12, "percent", "up 12 per cent", "exact"), (12, "USD", "$12", "exact"), "incomparable"),
        ((5000, "troops", "Up to five thousand troops", "at_most"), (8000, "soldiers", "up to 8,000 soldiers", "at_most"), "differ"),
    ],
)
def test_agreement_within_the_precision_of_the_less_precise_statement(first, second, verdict):
    a, b = quantity.of(first[0], first[1], first[3], first[2]), quantity.of(second[0], second[1], second[3], second[2])
    assert quantity.agreement(a, b) == verdict == quantity.agreement(b, a)


def test_precision_is_read_from_the_quote():
    assert quantity.of(9.4e9, "USD", "exact", "$9.4bn").half_step == pytest.approx(0.05e9)
    assert quantity.of(27e9, "USD", "exact", "27bn dollars").half_step == pytest.approx(0.5e9)
    assert quantity.of(3000, "people", "approximate", "about 3,000 people").half_step == pytest.approx(500)
    assert quantity.of(3000, "people", "exact", "3,000 people").half_step == pytest.approx(0.5)
    assert quantity.of(5000, "troops", "at_most", "five thousand troops").half_step == pytest.approx(500)
    assert quantity.of(8000, "Soldaten", "exact", "8.000 Soldaten").half_step == pytest.approx(0.5)  # a German thousands dot


def test_unit_classes_come_from_every_language_file():
    assert quantity.unit_class("weeks") == ("duration", 604800.0)
    assert quantity.unit_class("Wochen") == ("duration", 604800.0)
    assert quantity.unit_class("semanas")[0] == quantity.unit_class("jours")[0] == "duration"
    assert quantity.unit_class("million people") == ("people", 1e6)
    assert quantity.unit_class("GBP")[0] == "money GBP" and quantity.unit_class("per cent")[0] == "percent"
    assert quantity.unit_class("goals")[0] == "count goal"


def same_day(*figures):
    return reconcile.trend(list(figures), lambda article_id: date(2024, 10, 29))


def test_figures_of_one_day_that_agree_rounded_are_not_a_conflict():
    assert same_day(figure("F1", 9.4e9, "USD", "$9.4bn"), figure("F2", 9.37e9, "USD", "$9.37bn", article="a2")) == "rounded"
    assert same_day(figure("F1", 27e9, "USD", "27bn dollars"), figure("F2", 27.5e9, "USD", "$27.5bn", article="a2")) == "rounded"
    assert same_day(figure("F1", 14, "days", "14 days"), figure("F2", 2, "weeks", "two weeks", article="a2")) == "agree"
    assert same_day(figure("F1", 2.1e9, "GBP", "£2.1bn"), figure("F2", 2.1e9, "USD", "$2.1bn", article="a2")) == "conflict"
    assert same_day(figure("F1", 2.1e9, "GBP", "£2.1bn"), figure("F2", 2.4e9, "GBP", "£2.4bn", article="a2")) == "conflict"


def test_a_rounded_comparison_says_agree_rounded():
    figures = [figure("F1", 9.4e9, "USD", "$9.4bn"), figure("F2", 9.37e9, "USD", "$9.37bn", article="a2")]
    [group] = reconcile.compare(figures, [[0, 1]], lambda f: f.evidence.article_id, lambda a: None, lambda i: "rule")
    assert group.verdict == "rounded" and not group.conflict and group.note.startswith("values agree (rounded)")


# --------------------------------------------------------------------------- across weeks

from week_briefs import W1, W2, fig, week_brief  # noqa: E402

from summarize.week import changes  # noqa: E402


def moved_between(before, after):
    """``before``, ``after``: (value, unit, counts, quote[, bound])."""
    def one(f, fid, article):
        return fig(fid, *f[:4], article, *f[4:])

    b = week_brief("W1", *W1, "Deal talks", [("a1", "Wire", W1[0])], [one(before, "F1", "a1")])
    a = week_brief("W2", *W2, "Deal talks go on", [("a2", "Wire", W2[0])], [one(after, "F1", "a2")])
    return changes.compare(b, a, "W1").moved


def test_a_rounded_restatement_is_not_a_move_and_a_raised_bound_is():
    assert moved_between((27e9, "USD", "value of the deal", "a deal worth 27bn dollars"), (27.5e9, "USD", "value of the deal", "the $27.5bn deal")) == []
    assert moved_between((14, "days", "length of the ban", "a ban of 14 days"), (2, "weeks", "length of the ban", "a two weeks ban")) == []
    [move] = moved_between(
        (5000, "people", "people expected to be evacuated", "up to five thousand people expected to be evacuated", "at_most"),
        (8000, "people", "people expected to be evacuated", "up to 8,000 people expected to be evacuated", "at_most"),
    )
    assert (move.before.value, move.after.value) == (5000, 8000)


def test_units_of_one_class_are_compared_across_weeks_whatever_their_words():
    [move] = moved_between(
        (1200, "staff", "staff the carmaker will cut", "will cut 1,200 staff"),
        (2000, "employees", "employees the carmaker will cut", "will cut 2,000 employees"),
    )
    assert (move.before.unit, move.after.unit) == ("staff", "employees")


def test_close_labels_in_units_of_no_known_class_are_shown_not_compared():
    b = week_brief("W1", *W1, "Troops sent", [("a1", "Wire", W1[0])],
                   [fig("F1", 5000, "troops", "North Korean troops in Russia", "Up to five thousand North Korean troops", "a1", "at_most")])
    a = week_brief("W2", *W2, "Troops sent on", [("a2", "Wire", W2[0])],
                   [fig("F1", 8000, "soldiers", "North Korean soldiers in Russia", "up to 8,000 soldiers from North Korea", "a2", "at_most")])
    since = changes.compare(b, a, "W1")
    assert since.moved == [] and [(m.before.value, m.after.value) for m in since.not_compared] == [(5000, 8000)]
