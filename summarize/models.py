"""Pydantic types passed between the pipeline's stages.

Two layers:

* ``*Draft`` models are what the chat model fills in: each item carries one verbatim
  ``quote`` and nothing the model could not know (no offsets).
* The grounded models (``Actor``, ``Claim``, ``Figure``, ``Stance``, ``ArticleExtraction``)
  replace the quote with :class:`Evidence` that records where the quote sits in the article
  and whether it aligned.  ``Brief`` is the merged, cross-article result.

``schemas/article.schema.json`` and ``schemas/brief.schema.json`` are exported from
``ArticleExtraction`` and ``Brief``.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date as Date
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from summarize.text import OUTLET

ActorKind = Literal["person", "organisation", "country", "group"]
ClaimKind = Literal["fact", "assessment", "forecast", "denial", "commitment", "demand"]
Polarity = Literal["support", "oppose", "neutral", "mixed"]
Bound = Literal["exact", "approximate", "more_than", "less_than", "at_least", "at_most"]
Alignment = Literal["exact", "fuzzy", "unaligned"]



class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- shared fields


class ActorFields(_Strict):
    name: str = Field(description="The actor's fullest name as written in the article.")
    aliases: list[str] = Field(
        default_factory=list,
        description="Other forms of the same name used in this article (spellings, surname only, a capital standing for its government).",
    )
    kind: ActorKind
    role: str | None = Field(default=None, description="Title or role given in the article, if any.")


class ClaimFields(_Strict):
    text: str = Field(description="What is asserted, as one short plain sentence.")
    speaker: str = Field(
        description=f"Who asserts it: an actor's name as in `actors`, or '{OUTLET}' when the article itself asserts it."
    )
    kind: ClaimKind
    hedged: bool = Field(default=False, description="True when the assertion is hedged ('likely', 'appears to').")


class FigureFields(_Strict):
    value: float = Field(description="The number as a plain numeric value (1.2 million -> 1200000).")
    unit: str = Field(description="What one unit is: 'people', 'votes', 'km', 'USD', 'percent', 'years'.")
    counts: str = Field(description="What the number counts, in a few words.")
    bound: Bound = Field(default="exact", description="'more_than' for 'more than 1,000', 'approximate' for 'about'.")
    source: str = Field(description=f"Who gives the figure: an actor's name, or '{OUTLET}'.")
    applies_to: str | None = Field(default=None, description="When or where the figure applies, if stated.")


class StanceFields(_Strict):
    holder: str = Field(description="Who holds the stance: an actor's name as in `actors`.")
    target: str = Field(description="What the stance is about: an actor's name or a short issue phrase.")
    target_kind: Literal["actor", "issue"]
    polarity: Polarity


# --------------------------------------------------------------------------- model-facing drafts


class _Quoted(BaseModel):
    quote: str = Field(
        description="A verbatim, contiguous excerpt of the article (copy it exactly, 5-40 words) that supports this item."
    )


class ActorDraft(_Quoted, ActorFields):
    pass


class ClaimDraft(_Quoted, ClaimFields):
    pass


class FigureDraft(_Quoted, FigureFields):
    pass


class StanceDraft(_Quoted, StanceFields):
    pass


CHECKS: ContextVar[dict[str, Any] | None] = ContextVar("checks", default=None)
"""The validation context of the answer being parsed in this thread, when it cannot be passed
to pydantic directly: instructor renders every message as a template when it is given a
context, and an article's text is not a template."""


class _Checked(_Strict):
    @model_validator(mode="after")
    def _run_context_check(self, info: ValidationInfo):
        # The extraction stage passes its checks in the validation context, so a failure
        # becomes a validation error and the model is asked again (a reask).
        check: Callable[[Any], None] | None = (info.context or CHECKS.get() or {}).get("check")
        if check is not None:
            check(self)
        return self


class ExtractionDraft(_Checked):
    """Everything one article says about who, what, how many and who stands where."""

    actors: list[ActorDraft] = Field(description="Every named person, organisation, country or group.")
    claims: list[ClaimDraft] = Field(description="Every attributed assertion, and the article's own factual claims.")
    figures: list[FigureDraft] = Field(description="Every number the article states, with its unit and source.")
    stances: list[StanceDraft] = Field(description="Every clear position of an actor for or against an actor or issue.")


class FigureGleaning(_Checked):
    """Figures for numbers an earlier answer left out."""

    figures: list[FigureDraft] = Field(description="One figure for each listed number that counts something; none for the others.")


# --------------------------------------------------------------------------- grounded items


class Evidence(_Strict):
    article_id: str
    quote: str
    start: int | None = Field(default=None, description="Character offset of the quote in the article text.")
    end: int | None = None
    alignment: Alignment = "unaligned"
    score: float | None = Field(default=None, description="Similarity of quote and text, 0-100 (100 for exact).")

    @property
    def aligned(self) -> bool:
        return self.alignment != "unaligned"


class _Grounded(_Strict):
    evidence: Evidence
    problems: list[str] = Field(
        default_factory=list, description="Checks the item still failed after the reasks (empty when verified)."
    )

    @property
    def verified(self) -> bool:
        return self.evidence.aligned and not self.problems


class Actor(ActorFields, _Grounded):
    mentions: int = Field(default=1, description="How often the article names the actor (any of its forms).")


class Claim(ClaimFields, _Grounded):
    pass


class Figure(FigureFields, _Grounded):
    pass


class Stance(StanceFields, _Grounded):
    pass


class Usage(_Strict):
    """What model calls cost, failed attempts included."""

    requests: int = Field(default=0, description="HTTP requests sent, transport retries included.")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasks: int = Field(default=0, description="Requests that asked the model to fix a rejected answer.")
    transport_retries: int = Field(default=0, description="Requests repeated after a timeout, 429 or 5xx.")
    abandoned: int = Field(
        default=0,
        description="Requests given up on (timed out or cancelled): the tokens the server spent on them are not counted.",
    )
    not_sent: int = Field(
        default=0,
        description="Requests not spent on copies of a report (each copy counted at the requests its report took).",
    )

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: "Usage") -> "Usage":
        return Usage(**{name: getattr(self, name) + getattr(other, name) for name in Usage.model_fields})


class Coverage(_Strict):
    """How many of the numbers an article states ended up as verified figures."""

    article_id: str
    stated: int
    found: int
    missing: list[str] = Field(description="Numbers with no figure, each with a little context.")


class Copy(_Strict):
    """Another file carrying the same report: the same bytes, or (nearly) the same body under
    another title, outlet or date.  It is not sent to the model; its report is."""

    path: str
    title: str
    date: Date | None = None
    outlet: str | None = None
    url: str | None = None
    similarity: float = Field(description="Jaccard similarity of the two bodies' five-word shingles, 0-1 (1.0 for the same bytes).")
    identical: bool = Field(description="True when the file's bytes are the report's bytes.")


class ArticleRef(_Strict):
    id: str = Field(description="Stable content hash of the file's bytes.")
    path: str
    title: str
    date: Date | None = Field(default=None, description="Publication date; null when the article is undated.")
    outlet: str | None = Field(default=None, description="Source, site name or publisher.")
    url: str | None = None
    author: str | None = None
    copies: list[Copy] = Field(
        default_factory=list, description="Other files carrying this same report (not sent to the model, not counted as corroboration)."
    )
    language: str = Field(default="en", description="Language code of the article (a summarize/lang data file): how its numbers, dates and words are read.")


class Article(ArticleRef):
    text: str = Field(description="Main text sent to the model; evidence offsets index into it.")


class ArticleExtraction(_Strict):
    """One article's grounded extraction."""

    article: ArticleRef
    actors: list[Actor]
    claims: list[Claim]
    figures: list[Figure]
    stances: list[Stance]
    attempts: int = Field(description="Model answers needed, the first included.")
    usage: Usage
    prompt_version: str
    parts: int = Field(default=1, description="Chunks the article was split into to fit the model's budget.")
    coverage: Coverage
    events: list["TimelineEvent"] = Field(default_factory=list, description="Dated passages of the article.")


class ExtractionFailure(_Strict):
    path: str
    article_id: str | None = None
    stage: Literal["load", "extract", "budget"]
    reason: str
    attempts: int = Field(default=0, description="Requests sent for this article before it failed.")


class SkippedFile(_Strict):
    """A file of the folder that is not an article at all (a photo, a README with no
    extension): not read, not a failure.  An article file that cannot be read (too large,
    binary, not UTF-8) is an :class:`ExtractionFailure` of stage ``load`` instead."""

    path: str
    reason: str = Field(description="Why it was not read, e.g. 'is a .jpg file, not a type read as an article (…)'.")


# --------------------------------------------------------------------------- the brief


class SurfaceForm(_Strict):
    form: str
    article_ids: list[str]


class BriefActor(_Strict):
    id: str
    name: str = Field(description="Canonical name: the fullest form seen.")
    kind: ActorKind
    roles: list[str]
    forms: list[SurfaceForm]
    merged_by: list[str] = Field(description="The rules that joined the surface forms, e.g. 'spelling: Kim Yong-hyun ~ Kim Yonghyun'.")
    evidence: list[Evidence]


class BriefClaim(ClaimFields):
    id: str
    speaker_id: str | None = Field(description="Resolved actor id; null when the outlet itself asserts it or the speaker is not a verified actor.")
    evidence: Evidence


class BriefFigure(FigureFields):
    id: str
    source_id: str | None
    evidence: Evidence


class BriefStance(StanceFields):
    id: str
    holder_id: str | None
    target_id: str | None
    evidence: Evidence


class ClaimCluster(_Strict):
    """Claims from different articles (or one) that say the same thing."""

    id: str
    text: str = Field(description="The claim as its first source words it.")
    claim_ids: list[str]
    article_ids: list[str]
    corroboration: int = Field(description="Distinct articles that carry the claim.")
    sources: list[str] = Field(description="Who asserts it, by resolved name.")
    made_by: "LinkMaker" = "rule"


class Contest(_Strict):
    """Two claims from different articles that contradict or update each other."""

    id: str
    claim_ids: tuple[str, str]
    topic: list[str] = Field(description="The words both claims are about.")
    reason: str
    made_by: "LinkMaker" = "rule"


class FigureGroup(_Strict):
    """Figures from different sources that count the same thing."""

    id: str
    unit: str
    counts: str
    figure_ids: list[str]
    conflict: bool = Field(description="True when the values cannot all be right at once.")
    note: str
    verdict: Literal["agree", "rounded", "compatible", "conflict", "changed"] = Field(
        default="agree",
        description="'rounded' when the values are equal within the precision of the less precise statement; 'compatible' when different values can all hold (bounds); 'changed' when they differ but apply to different dates.",
    )
    made_by: "LinkMaker" = "rule"


class StanceCell(_Strict):
    """One holder's position on one target, across every article that reports it."""

    holder_id: str | None
    holder: str
    target_id: str | None
    target: str
    polarity: Polarity = Field(description="'mixed' when the sources disagree.")
    stance_ids: list[str]
    article_ids: list[str]


class TimelineEvent(_Strict):
    date: Date
    precision: Literal["day", "month", "year"]
    expression: str = Field(description="The words that date it ('this Friday, November 1', 'Yesterday').")
    resolved_by: str = Field(description="How the calendar date was worked out.")
    text: str = Field(description="The sentence the date belongs to.")
    evidence: Evidence


class SummarySentence(_Strict):
    text: str
    cites: list[str] = Field(description="Ids of the brief items the sentence rests on (A1, C3, X1, F2...).")


class StoryHeadline(_Strict):
    story_id: str = Field(description="The story's id (ST1, ST2...).")
    headline: str = Field(description="A short, factual headline for the story, as a news editor would write it.")
    cites: list[str] = Field(description="Ids of the brief items the headline rests on.")


class SummaryDraft(_Checked):
    """A short executive summary of a brief, every sentence citing brief item ids, and a
    cited headline for each story."""

    sentences: list[SummarySentence]
    headlines: list[StoryHeadline] = Field(default_factory=list, description="One headline per story listed in the brief.")


class Summary(_Strict):
    sentences: list[SummarySentence] = Field(description="Only sentences whose every citation exists in the brief.")
    dropped: int = Field(default=0, description="Sentences (and headlines) left out because they cited no existing item.")
    headlines: list[StoryHeadline] = Field(default_factory=list, description="Model-written story headlines whose citations all exist.")
    prompt_version: str
    usage: Usage


class StageProblem(_Strict):
    """A stage after extraction that failed: what the brief lacks because of it, and why."""

    stage: str
    missing: str = Field(description="What the brief lacks, e.g. 'stories (each article is its own story)'.")
    reason: str


class UnverifiedItem(_Strict):
    item: Literal["actor", "claim", "figure", "stance"]
    summary: str
    reason: str
    evidence: Evidence


class Window(_Strict):
    """The dates a brief covers, and what the window left out."""

    since: Date
    until: Date = Field(description="Inclusive.")
    label: str = Field(description="'2024-W44' for an ISO week, else 'since … until …'.")
    outside: int = Field(default=0, description="Dated articles outside the window: never sent to the model.")
    undated: int = Field(default=0, description="Undated articles included (flagged in the brief).")
    undated_excluded: int = Field(default=0, description="Undated articles left out by --dated-only.")


class Story(_Strict):
    """Articles about one news story, and what the brief says about it."""

    id: str
    headline: str
    headline_by: str = Field(description="How the headline was chosen: 'model' (cited) or 'title of its most central article'.")
    headline_cites: list[str] = Field(default_factory=list, description="With a model-written headline: the ids it rests on.")
    article_ids: list[str] = Field(description="In date order (undated last).")
    outlets: list[str]
    key_actor_ids: list[str] = Field(description="Actors named in most of its articles, most present first.")
    cluster_ids: list[str] = Field(description="Claim clusters carried by two or more of its articles.")
    contest_ids: list[str]
    figure_group_ids: list[str]
    stance_keys: list[str] = Field(default_factory=list, description="Stance matrix cells (holder x target) drawn from its articles.")


class FigureSnapshot(_Strict):
    """A figure as an earlier or later brief gave it."""

    figure_id: str
    value: float
    bound: Bound
    unit: str
    counts: str
    source: str
    quote: str
    outlet: str | None
    date: Date | None


class FigureMove(_Strict):
    story_id: str
    before: FigureSnapshot
    after: FigureSnapshot


class ContinuingStory(_Strict):
    story_id: str
    previous_headline: str
    matched_by: str = Field(description="Why it is the same story: shared articles, actors or words.")
    repeated_figure_ids: list[str] = Field(default_factory=list, description="Its figures that give again a value of the earlier story (same quantity, agreeing within rounding).")
    new_splits: list[str] = Field(default_factory=list, description="Issues its holders split on that the earlier story's holders did not.")


class ArcWeek(_Strict):
    """A story as one saved brief gave it."""

    label: str = Field(description="The brief's window label.")
    key: str = Field(description="The story's history key, WINDOW/STORY ('2024-W45/ST1'): `summarize history story KEY`.")
    story_id: str
    headline: str
    articles: int
    outlets: list[str]
    matched_by: str | None = Field(default=None, description="Why it continues the week before (None for the first week).")


class ArcPoint(_Strict):
    label: str = Field(description="The window of the brief that gave this value.")
    value: float
    bound: Bound
    unit: str
    quote: str


class ArcFigure(_Strict):
    """One quantity of a story followed from week to week (figures paired by unit class and label)."""

    counts: str = Field(description="What the newest figure counts.")
    points: list[ArcPoint] = Field(description="Oldest first, at most one per week.")


class StoryArc(_Strict):
    """A story over the saved briefs of its folder or desk, oldest week first."""

    story_id: str = Field(description="The story's id in the newest brief of the arc.")
    weeks: list[ArcWeek]
    figures: list[ArcFigure] = Field(default_factory=list, description="Quantities given in two weeks or more.")


class SinceLast(_Strict):
    """What changed since an earlier brief."""

    previous: str = Field(description="Which brief this one is compared with (its window, or the file).")
    previous_generated_at: str
    new_story_ids: list[str]
    continuing: list[ContinuingStory]
    quiet: list[str] = Field(description="Headlines of the earlier brief's stories with no article this time.")
    moved: list[FigureMove]
    not_compared: list[FigureMove] = Field(
        default_factory=list,
        description="Figures of a continuing story whose labels are close but whose units share no class (rules cannot tell they are one quantity): shown side by side, not compared.",
    )


class BatchUse(_Strict):
    """A batch whose answers a brief used, and what its lines spent (billed by the batch)."""

    batch_id: str
    requests: int = Field(description="Lines of the batch's output and error files.")
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class Producer(_Strict):
    kind: Literal["live", "replay", "record"]
    model: str
    mode: str
    endpoint: str | None = Field(default=None, description="Host of the endpoint, no credentials.")
    recordings: str | None = Field(default=None, description="Where replayed answers came from.")
    prompt_version: str


class Brief(_Strict):
    """The merged, cross-article brief."""

    generated_at: str
    articles: list[ArticleRef]
    producer: Producer
    window: Window | None = None
    stories: list[Story] = Field(default_factory=list, description="Ranked by distinct outlets, then articles.")
    since_last: SinceLast | None = None
    history_note: str | None = Field(default=None, description="Why no comparison with an earlier brief could be made (a history that cannot be read).")
    nothing_earlier: str | None = Field(
        default=None,
        description="Why this brief is compared with nothing although a history was used: the first brief in the history, or of its folder or desk.",
    )
    arcs: list[StoryArc] = Field(default_factory=list, description="Each continuing story over the saved briefs of its folder or desk (a brief kept in a history).")
    actors: list[BriefActor]
    claims: list[BriefClaim]
    figures: list[BriefFigure]
    stances: list[BriefStance]
    claim_clusters: list[ClaimCluster] = Field(default_factory=list)
    contested: list[Contest] = Field(default_factory=list)
    figure_groups: list[FigureGroup] = Field(default_factory=list)
    stance_matrix: list[StanceCell] = Field(default_factory=list)
    timeline: list[TimelineEvent] = Field(default_factory=list)
    summary: Summary | None = None
    issues: list["IssueGroup"] = Field(default_factory=list, description="Stance targets lined up on one canonical issue.")
    linking: "LinkInfo | None" = Field(default=None, description="How the cross-article links were made.")
    unverified: list[UnverifiedItem]
    coverage: list[Coverage]
    failed: list[ExtractionFailure] = Field(description="Articles that could not be loaded or extracted, or were not processed.")
    skipped: list[SkippedFile] = Field(default_factory=list, description="Files of the folder that are not articles (an unsupported type): not read, not failures.")
    missing: list[StageProblem] = Field(default_factory=list, description="Stages after extraction that failed, and what the brief lacks because of them.")
    unanswered: list[StageProblem] = Field(
        default_factory=list,
        description="What the model was asked for after the extraction and did not give (the summary, a story's links), and why.",
    )
    usage: Usage
    batch: BatchUse | None = Field(default=None, description="When the extraction's answers came from the Batch API: the batch and what it spent (not in usage).")

    def to_jsonable(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


# --------------------------------------------------------------------------- cross-article links

LinkMaker = Literal["model", "rule"]


class IssueGroup(_Strict):
    """Stance targets that are one issue, with who stands where on it."""

    id: str
    issue: str = Field(description="The canonical issue.")
    targets: list[str]
    stance_ids: list[str]
    support: list[str] = Field(description="Holders (resolved names) for it.")
    oppose: list[str] = Field(description="Holders against it.")
    contested: bool = Field(description="True when some holders support and others oppose it.")
    made_by: LinkMaker = "rule"


class LinkInfo(_Strict):
    """Who made the brief's links: the model (its answer validated) or the rules, and why."""

    made_by: LinkMaker
    reason: str = Field(description="Why the rules were used, or which answer the model gave.")
    requests: int = Field(default=0, description="Link requests sent (a large story is split).")
    prompt_version: str | None = None
    usage: Usage = Field(default_factory=Usage)


class LinkGroup(_Strict):
    ids: list[str] = Field(description="Ids of the items that are one (two or more).")
    note: str = Field(default="", description="In a few words, why they are one.")


class LinkContradiction(_Strict):
    ids: list[str] = Field(description="Exactly two claim ids.")
    reason: str = Field(description="One plain sentence: what exactly they disagree on.")


class LinkFigures(_Strict):
    ids: list[str] = Field(description="Ids of figures that measure the same quantity.")
    quantity: str = Field(description="What they all measure.")


class LinkIssue(_Strict):
    issue: str = Field(description="One canonical issue, a short phrase.")
    stance_ids: list[str] = Field(description="Ids of the stances whose target is this issue.")


class LinkDraft(_Checked):
    """Which grounded items of a story are one entity, one claim, one quantity or one issue."""

    actor_groups: list[LinkGroup] = Field(default_factory=list, description="Actor ids that are one entity.")
    claim_groups: list[LinkGroup] = Field(default_factory=list, description="Claim ids that assert the same thing.")
    contradictions: list[LinkContradiction] = Field(default_factory=list, description="Pairs of claim ids that cannot both be true.")
    figure_groups: list[LinkFigures] = Field(default_factory=list, description="Figure ids that measure the same quantity.")
    issues: list[LinkIssue] = Field(default_factory=list, description="Stances lined up on one canonical issue.")


ArticleExtraction.model_rebuild()
ClaimCluster.model_rebuild()
Contest.model_rebuild()
FigureGroup.model_rebuild()
Brief.model_rebuild()
