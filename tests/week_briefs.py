"""Tiny hand-made briefs of one story, for comparing weeks without a model."""

from datetime import date

from summarize.models import ArticleRef, Brief, BriefClaim, BriefFigure, Evidence, Producer, Story, Usage, Window


def fig(fid, value, unit, counts, quote, article, bound="exact"):
    return BriefFigure(
        id=fid, value=value, unit=unit, counts=counts, bound=bound, source="the outlet", source_id=None,
        evidence=Evidence(article_id=article, quote=quote),
    )


def claim(cid, text, quote, article, speaker="the outlet"):
    return BriefClaim(id=cid, text=text, speaker=speaker, speaker_id=None, kind="fact", evidence=Evidence(article_id=article, quote=quote))


def week_brief(label, since, until, headline, articles, figures=(), claims=()):
    """One story of ``articles`` ((id, outlet, date) triples)."""
    return Brief(
        generated_at=f"{until.isoformat()}T12:00:00+00:00",
        articles=[ArticleRef(id=a, path=f"{a}.md", title=headline, date=d, outlet=o) for a, o, d in articles],
        producer=Producer(kind="live", model="m", mode="tools", prompt_version="extract/2"),
        window=Window(since=since, until=until, label=label),
        stories=[Story(id="ST1", headline=headline, headline_by="model", article_ids=[a for a, _, _ in articles], outlets=[],
                       key_actor_ids=[], cluster_ids=[], contest_ids=[], figure_group_ids=[])],
        actors=[], claims=list(claims), figures=list(figures), stances=[], unverified=[], coverage=[], failed=[], usage=Usage(),
    )


W1 = (date(2024, 10, 21), date(2024, 10, 27))
W2 = (date(2024, 10, 28), date(2024, 11, 3))
