"""A brief over an article written to attack the HTML page: markup, a script end tag, a
``javascript:`` link and a stylesheet, in the article, its title, its quotes, the model's
words and a failed file's name.  Built by hand, so every alignment appears once."""

from __future__ import annotations

from summarize.link.tables import stance_matrix
from summarize.models import (
    ArticleRef,
    Brief,
    BriefActor,
    BriefClaim,
    BriefFigure,
    BriefStance,
    Coverage,
    Evidence,
    ExtractionFailure,
    Producer,
    Summary,
    SummarySentence,
    SurfaceForm,
    UnverifiedItem,
    Usage,
)

SCRIPT = "</script><img src=x onerror=alert(1)>"
LINK = '<a href="javascript:alert(2)">read more</a>'
STYLE = "<style>body { background: red } mark { display: none }</style>"
ARTICLE_ID = "0123456789abcdef"
TEXT = (
    "The council said 12 bridges were closed after the flood.\n\n"
    f"A reader wrote {SCRIPT} in the comments.\n\n"
    f"The page also carried {LINK} and {STYLE} below the story.\n\n"
    "The mayor promised repairs by Friday, the council said."
)


def _evidence(quote: str, alignment: str = "exact", located: str | None = None) -> Evidence:
    if alignment == "unaligned":
        return Evidence(article_id=ARTICLE_ID, quote=quote)
    start = TEXT.index(located or quote)
    end = start + len(located or quote)
    return Evidence(article_id=ARTICLE_ID, quote=quote, start=start, end=end, alignment=alignment, score=100.0 if alignment == "exact" else 93.0)


def hostile_brief() -> tuple[Brief, dict[str, str]]:
    """The brief and the article texts, by id, that its offsets index into."""
    claim = dict(kind="fact", hedged=False, speaker_id=None)
    stances = [
        BriefStance(
            id="S1", holder="mayor", target="repairs", target_kind="issue", polarity="support", holder_id=None, target_id=None,
            evidence=_evidence("The mayor promised repairs by friday", "fuzzy", located="The mayor promised repairs by Friday"),
        )
    ]
    brief = Brief(
        generated_at="2024-11-01T00:00:00+00:00",
        articles=[
            ArticleRef(
                id=ARTICLE_ID, path=f"news/{SCRIPT}.txt", title=f"Floods {STYLE}", date=None,
                outlet=f"<b>Courier</b>{SCRIPT}", url="javascript:alert(7)", author=LINK,
            )
        ],
        producer=Producer(kind="live", model=f"m{SCRIPT}", mode="tools", endpoint="localhost:8000", prompt_version="extract-v1"),
        actors=[
            BriefActor(
                id="A1", name=f"<i>council</i>{SCRIPT}", kind="organisation", roles=[LINK],
                forms=[SurfaceForm(form="council", article_ids=[ARTICLE_ID])], merged_by=[STYLE],
                evidence=[_evidence("The council said")],
            )
        ],
        claims=[
            BriefClaim(id="C1", text="Twelve bridges were closed.", speaker="council", evidence=_evidence("The council said 12 bridges were closed"), **claim),
            BriefClaim(id="C2", text=f"A reader wrote {SCRIPT}", speaker=LINK, evidence=_evidence(SCRIPT), **claim),
        ],
        figures=[
            BriefFigure(id="F1", value=12, unit="bridges", counts=f"bridges {STYLE}", source="council", source_id="A1", evidence=_evidence("12 bridges")),
        ],
        stances=stances,
        stance_matrix=stance_matrix(stances, {}),
        summary=Summary(
            sentences=[SummarySentence(text=f"Bridges closed {SCRIPT} {LINK}", cites=["C1", "F1"])],
            prompt_version="summary-v1",
            usage=Usage(),
        ),
        unverified=[
            UnverifiedItem(item="claim", summary=f"The page linked {LINK}", reason="the speaker is not an actor of the article", evidence=_evidence(LINK)),
            UnverifiedItem(item="figure", summary="40 bridges", reason=f"quote not in the article {STYLE}", evidence=_evidence(f"40 bridges {STYLE}", "unaligned")),
        ],
        coverage=[Coverage(article_id=ARTICLE_ID, stated=1, found=1, missing=[SCRIPT])],
        failed=[ExtractionFailure(path=f"news/{SCRIPT}{LINK}.txt", stage="extract", reason=f"the model answered {STYLE}", attempts=3)],
        usage=Usage(requests=4),
    )
    return brief, {ARTICLE_ID: TEXT}
