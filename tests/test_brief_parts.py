"""Claim clusters, contested pairs, figure reconciliation, stance matrix and timeline."""

from datetime import date

from test_merge import actor, brief_of, ev, extraction

from summarize.models import OUTLET, Article, Claim, Figure, Stance
from summarize.timeline import events


def claim(article_id, text, speaker=OUTLET, kind="fact"):
    return Claim(text=text, speaker=speaker, kind=kind, evidence=ev(article_id, text))


def test_the_same_claim_in_two_articles_is_corroborated_twice():
    brief = brief_of(
        extraction("a1", claims=[claim("a1", "Putin and Kim Jong Un signed a mutual security agreement.")]),
        extraction("a2", claims=[claim("a2", "Putin has concluded a military cooperation agreement with Kim Jong Un.")]),
        extraction("a3", claims=[claim("a3", "Kim Jong Un will visit Moscow in the spring.", kind="forecast")]),
    )
    [pair] = [k for k in brief.claim_clusters if len(k.claim_ids) > 1]
    assert pair.claim_ids == ["C1", "C2"] and pair.corroboration == 2 and pair.article_ids == ["a1", "a2"]


def test_claims_that_differ_in_number_polarity_or_kind_are_not_merged():
    brief = brief_of(
        extraction("a1", claims=[claim("a1", "North Korea sent 8,000 troops to the Kursk region.")]),
        extraction("a2", claims=[claim("a2", "North Korea sent 11,000 troops to the Kursk region.")]),
        extraction("a3", claims=[claim("a3", "North Korea should send troops to the Kursk region.", kind="demand")]),
    )
    assert all(len(k.claim_ids) == 1 for k in brief.claim_clusters)


def test_a_denial_in_another_article_contests_a_report():
    brief = brief_of(
        extraction("a1", claims=[claim("a1", "Reports emerged of North Korean fighters killed on the Donetsk front.")]),
        extraction(
            "a2",
            claims=[
                claim("a2", "North Korean troops have not yet been seen in combat.", "Antony Blinken", "denial"),
                claim("a2", "North Korean troops are expected in combat soon.", "Antony Blinken", "forecast"),
                claim("a2", "The reaction is no different from before.", "Zelensky", "assessment"),
            ],
        ),
    )
    [contest] = brief.contested
    assert contest.claim_ids == ("C1", "C2")
    assert {"combat", "troops", "North Korea"} <= set(contest.topic)


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
        extraction("a1", figures=[figure("a1", 8000, "troops", "North Korean troops deployed to Russia", "United States")]),
        extraction("a2", figures=[figure("a2", 11000, "soldiers", "North Korean soldiers deployed in Russia", "Ukraine")]),
        extraction("a3", figures=[figure("a3", 1000, "missiles", "missiles supplied by North Korea to Russia", "Kim Yong-hyun", "more_than")]),
        extraction("a4", figures=[figure("a4", 1500, "missiles", "missiles North Korea supplied to Russia", "Ukraine")]),
        extraction("a5", figures=[figure("a5", 5500, "km", "range of intercontinental missiles", OUTLET)]),
    )
    troops, missiles = brief.figure_groups
    assert (troops.unit, troops.figure_ids, troops.conflict) == ("troops", ["F1", "F2"], True)
    assert "8,000 (United States, F1); 11,000 (Ukraine, F2)" in troops.note
    assert (missiles.figure_ids, missiles.conflict) == (["F3", "F4"], False)  # "more than 1,000" and 1,500 agree


def test_the_stance_matrix_has_one_cell_per_holder_and_target_and_shows_disagreement():
    def stance(article_id, holder, target, polarity):
        return Stance(holder=holder, target=target, target_kind="issue", polarity=polarity, evidence=ev(article_id))

    brief = brief_of(
        extraction("a1", [actor("a1", "China", kind="country")], stances=[stance("a1", "China", "the deployment", "neutral")]),
        extraction(
            "a2",
            [actor("a2", "Beijing", kind="country"), actor("a2", "Japan", kind="country")],
            stances=[stance("a2", "Beijing", "The deployment", "oppose"), stance("a2", "Japan", "the deployment", "oppose")],
        ),
    )
    cells = {(c.holder, c.target): c for c in brief.stance_matrix}
    assert cells[("China", "the deployment")].polarity == "mixed"
    assert cells[("China", "the deployment")].stance_ids == ["S1", "S2"]
    assert cells[("Japan", "the deployment")].polarity == "oppose"


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
