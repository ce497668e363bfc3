"""Claim clusters, contested pairs, figure reconciliation, stance matrix and timeline."""

from datetime import date

from test_merge import actor, brief_of, ev, extraction

from summarize.models import OUTLET, Article, Claim, Figure, Stance
from summarize.verify.timeline import events


def claim(article_id, text, speaker=OUTLET, kind="fact"):
    return Claim(text=text, speaker=speaker, kind=kind, evidence=ev(article_id, text))


def test_the_same_claim_in_two_articles_is_corroborated_twice():
    brief = brief_of(
        extraction("a1", claims=[claim("a1", "The club signed the striker on a four-year contract.")]),
        extraction("a2", claims=[claim("a2", "The club has signed the striker on a four-year contract, officials said.")]),
        extraction("a3", claims=[claim("a3", "The striker will sign for the club in the spring.", kind="forecast")]),
    )
    [pair] = [k for k in brief.claim_clusters if len(k.claim_ids) > 1]
    assert pair.claim_ids == ["C1", "C2"] and pair.corroboration == 2 and pair.article_ids == ["a1", "a2"]
    assert pair.made_by == "rule" and brief.linking.made_by == "rule"


def test_claims_that_differ_in_number_polarity_or_kind_are_not_merged():
    brief = brief_of(
        extraction("a1", claims=[claim("a1", "The bank cut 8,000 jobs in the northern region.")]),
        extraction("a2", claims=[claim("a2", "The bank cut 11,000 jobs in the northern region.")]),
        extraction("a3", claims=[claim("a3", "The bank should cut jobs in the northern region.", kind="demand")]),
        extraction("a4", claims=[claim("a4", "The bank did not cut 8,000 jobs in the northern region.")]),
    )
    assert all(len(k.claim_ids) == 1 for k in brief.claim_clusters)


def test_an_explicit_denial_of_a_matching_claim_in_another_article_is_contested():
    brief = brief_of(
        extraction("a1", claims=[claim("a1", "The merger talks between the two banks collapsed on Friday.")]),
        extraction(
            "a2",
            claims=[
                claim("a2", "The merger talks between the two banks have not collapsed.", "The chairman", "denial"),
                claim("a2", "The chairman has not denied that the banks are in talks.", "The chairman", "assessment"),
                claim("a2", "The reaction is no different from before.", "An analyst", "assessment"),
            ],
        ),
    )
    [contest] = brief.contested
    assert contest.claim_ids == ("C1", "C2") and contest.made_by == "rule"
    assert {"merger", "talk", "bank"} <= set(contest.topic)


def test_a_denial_only_about_the_same_countries_is_not_a_contest():
    brief = brief_of(
        extraction("a1", claims=[claim("a1", "Russia and North Korea signed a treaty.")]),
        extraction("a2", claims=[claim("a2", "Russia did not invite North Korea to the summit.")]),
    )
    assert brief.contested == []


def figure(article_id, value, unit, counts, source, bound="exact"):
    return Figure(value=value, unit=unit, counts=counts, source=source, bound=bound, evidence=ev(article_id, f"{value} {unit}"))


def test_figures_counting_the_same_thing_are_lined_up_and_conflicts_flagged():
    brief = brief_of(
        extraction("a1", figures=[figure("a1", 8000, "people", "people evacuated from the flooded valley", "The mayor")]),
        extraction("a2", figures=[figure("a2", 11000, "people", "people evacuated from the flooded valley", "The police")]),
        extraction("a3", figures=[figure("a3", 1000, "homes", "homes damaged by the flood", "The mayor", "more_than")]),
        extraction("a4", figures=[figure("a4", 1500, "homes", "homes the flood damaged", "The insurer")]),
        extraction("a5", figures=[figure("a5", 12, "percent", "homes damaged by the flood", OUTLET)]),
        extraction("a6", figures=[figure("a6", 12, "USD", "homes damaged by the flood", OUTLET)]),
    )
    people, homes = brief.figure_groups
    assert (people.unit, people.figure_ids, people.conflict, people.verdict) == ("people", ["F1", "F2"], True, "conflict")
    assert "8,000 (The mayor, F1); 11,000 (The police, F2)" in people.note
    assert (homes.figure_ids, homes.conflict) == (["F3", "F4"], False)  # "more than 1,000" and 1,500 agree; no percent, no money


def test_the_stance_matrix_has_one_cell_per_holder_and_target_and_shows_disagreement():
    def stance(article_id, holder, target, polarity):
        return Stance(holder=holder, target=target, target_kind="issue", polarity=polarity, evidence=ev(article_id))

    brief = brief_of(
        extraction("a1", [actor("a1", "China", kind="country")], stances=[stance("a1", "China", "the deployment", "neutral")]),
        extraction(
            "a2",
            [actor("a2", "China", kind="country", aliases=["Beijing"]), actor("a2", "Japan", kind="country")],
            stances=[stance("a2", "Beijing", "The deployment", "oppose"), stance("a2", "Japan", "the deployment", "oppose")],
        ),
    )
    cells = {(c.holder, c.target): c for c in brief.stance_matrix}
    assert cells[("China", "the deployment")].polarity == "mixed"
    assert cells[("China", "the deployment")].stance_ids == ["S1", "S2"]
    assert cells[("Japan", "the deployment")].polarity == "oppose"
    [issue] = brief.issues
    assert issue.oppose == ["China", "Japan"] and issue.support == [] and issue.made_by == "rule"


def article(text, when=None):
    return Article(id="x", path="x.txt", title="T", date=when, text=text)


def test_dates_without_a_year_take_the_article_year_or_the_weekday():
    dated = events(article("Yesterday, the minister spoke. The talks on Thursday, October 31 failed.", date(2024, 11, 4)))
    assert [(e.date, e.expression) for e in dated if e.expression != "article date"] == [
        (date(2024, 10, 31), "Thursday, October 31"),
        (date(2024, 11, 3), "Yesterday"),
    ]
    undated = events(article("Sanctions date from September 2023. They met this Friday, November 1."))
    assert [(e.date, e.precision) for e in undated] == [(date(2023, 9, 1), "month"), (date(2024, 11, 1), "day")]
    assert "Friday" in undated[1].resolved_by
    assert undated[1].evidence.quote == "They met this Friday, November 1."


def test_a_date_the_text_does_not_pin_down_is_left_out():
    assert events(article("They met on November 1 to talk.")) == []


def test_each_dated_passage_is_its_own_sentence_and_a_date_is_read_once():
    text = "Was it agreed on May 4, 2020? Yes!\nThey signed on 9 June 2021. Work began in June 2021 and ended."
    found = events(article(text))
    assert [(e.expression, e.evidence.quote) for e in found] == [
        ("May 4, 2020", "Was it agreed on May 4, 2020?"),
        ("June 2021", "Work began in June 2021 and ended."),  # month precision: the 1st
        ("9 June 2021", "They signed on 9 June 2021."),  # not read again as "June 2021"
    ]
    for e in found:
        assert text[e.evidence.start : e.evidence.end] == e.evidence.quote


def test_a_month_in_a_sentence_about_the_future_is_the_next_one():
    text = (
        "The board confirmed the offer on Tuesday. Members will have the final say at a vote in January. "
        "The society last changed its rules in March."
    )
    article = Article(id="fut", path="f.txt", title="Offer", date=date(2024, 10, 29), text=text)
    dated = {e.expression: e for e in events(article) if e.expression != "article date"}
    assert dated["in January"].date == date(2025, 1, 1) and "future" in dated["in January"].resolved_by
    assert dated["in March"].date == date(2024, 3, 1)
