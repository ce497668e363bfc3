"""A generated brief the size of a real week (about the whole BBC dataset: 2,000 articles,
600 stories, tens of thousands of items), built directly as a ``Brief``: no model, no
pipeline.  For the HTML page's size and speed (``bench/html_open.py``) and its tests.

Stories are ranked by size, many of them one article, as in a real week.  Every quote sits
at its offsets in its article's text (a few fuzzy, unverified or unaligned), some texts hold
characters outside the Basic Multilingual Plane (a browser counts those as two), and article
0 carries a hostile sentence, quoted by claim C1: a script end tag, a script and ``<!--``.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta

from summarize.models import (
    ArticleRef,
    Brief,
    BriefActor,
    BriefClaim,
    BriefFigure,
    BriefStance,
    ClaimCluster,
    Contest,
    ContinuingStory,
    Coverage,
    Evidence,
    ExtractionFailure,
    FigureGroup,
    Producer,
    SinceLast,
    StanceCell,
    Story,
    Summary,
    SummarySentence,
    SurfaceForm,
    TimelineEvent,
    UnverifiedItem,
    Usage,
    Window,
)

HOSTILE = "</script><script>alert(1)</script> <!-- & --> <b>bold</b>"
"""Quoted by claim C1 (in article 0's text and title)."""

OUTLETS = ["BBC News", "The Courier", "Westmere Post", "The Ledger", "Daily Wire", "Harbour Times", "Northern Echo", "City Press"]
PEOPLE = ["Ana Lopez", "Bruno Keller", "Chen Wei", "Dara Okafor", "Emil Novak", "Farid Haddad", "Grace Silva", "Hyun Park"]
TOPICS = ["rail fares", "flood defences", "the budget", "school meals", "a steel plant", "broadband", "the election", "a football transfer"]
MONDAY = date(2024, 11, 4)


def _sizes(articles: int, stories: int, rng: random.Random) -> list[int]:
    """Story sizes, largest first: about 40% of stories are one article."""
    singles = stories * 2 // 5
    sizes = [1] * singles
    rest = articles - singles
    many = stories - singles
    weights = [1 / (i + 1) ** 0.8 + rng.random() * 0.05 for i in range(many)]
    scale = (rest - 2 * many) / sum(weights)
    sizes += [2 + int(w * scale) for w in weights]
    sizes[singles] += articles - sum(sizes)  # the largest story takes the rounding
    return sorted(sizes, reverse=True)


class _Article:
    """One article's text, written sentence by sentence, with the offsets of each."""

    def __init__(self, aid: str):
        self.id, self.parts, self.length = aid, [], 0

    def add(self, sentence: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(sentence)
        self.length += len(sentence)
        return start, self.length

    def quote(self, sentence_at: tuple[int, int], text: str, inner: str, alignment: str = "exact") -> Evidence:
        start = sentence_at[0] + text.index(inner)
        return Evidence(article_id=self.id, quote=inner if alignment == "exact" else inner.lower(), start=start,
                        end=start + len(inner), alignment=alignment, score=100.0 if alignment == "exact" else 91.0)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def big_brief(articles: int = 2000, stories: int = 600, seed: int = 7) -> tuple[Brief, dict[str, str]]:
    """The brief and its article texts by id (``RunResult.texts``)."""
    rng = random.Random(seed)
    sizes = _sizes(articles, stories, rng)
    refs, texts, claims, figures, stances, timeline, unverified, coverage = [], {}, [], [], [], [], [], []
    actors, clusters, contests, groups, story_list = [], [], [], [], []
    n = 0
    for s, size in enumerate(sizes, 1):
        topic, place = TOPICS[s % len(TOPICS)], f"Karo{s}"
        people = [PEOPLE[(s + k) % len(PEOPLE)] for k in range(3)]
        ids_of_story, firsts, seconds, firsts_fig, forms = [], [], [], [], {p: [] for p in people}
        for k in range(size):
            aid = hashlib.sha256(f"article {n}".encode()).hexdigest()[:16]
            day = MONDAY + timedelta(days=(n * 3 + k) % 7)
            outlet = OUTLETS[(n + s) % len(OUTLETS)]
            title = f"{topic.capitalize()} in {place}: report {k + 1}" + (f" {HOSTILE}" if n == 0 else "")
            art = _Article(aid)
            art.add(f"{title}\n\n")
            if n % 50 == 7:
                art.add("Residents posted \U0001F30A and \U0001F6A7 signs by the river, café owners said. ")
            cs = []
            for j in range(6):
                who = people[j % 3]
                said = f"{who} said the plan for {topic} in {place} would {'start' if j % 2 else 'stop'} work on site {j} this week"
                extra = f" while {HOSTILE}" if n == 0 and j == 0 else ""
                text = f"{said}{extra}, according to officials who spoke on condition of anonymity. "
                at = art.add(text)
                cid = f"C{len(claims) + 1}"
                claims.append(BriefClaim(id=cid, text=f"{who} said work on site {j} would {'start' if j % 2 else 'stop'}{extra}.",
                                         speaker=who, speaker_id=f"A{s}-{j % 3}", kind="denial" if j == 3 else "fact",
                                         hedged=j == 4, evidence=art.quote(at, text, said + extra)))
                cs.append(cid)
                forms[who].append(aid)
            for j in range(4):
                homes = 1000 + 7 * n + j
                text = f"In {place}, {homes:,} homes were without power on day {j}, the council of {place} reported. "
                at = art.add(text)
                fid = f"F{len(figures) + 1}"
                figures.append(BriefFigure(id=fid, value=homes, unit="homes", counts=f"homes without power in {place}",
                                           source=people[0] if j % 2 else "the council", source_id=f"A{s}-0" if j % 2 else None,
                                           applies_to=f"day {j}" if j == 2 else None,
                                           evidence=art.quote(at, text, f"{homes:,} homes were without power", "fuzzy" if j == 3 else "exact")))
                if j == 0:
                    firsts_fig.append(fid)
            for j in range(2):
                text = f"{people[j]} {'backed' if (n + j) % 3 else 'opposed'} the {topic} plan at a meeting in {place}. "
                at = art.add(text)
                stances.append(BriefStance(id=f"S{len(stances) + 1}", holder=people[j], holder_id=f"A{s}-{j}", target=topic,
                                           target_kind="issue", target_id=None, polarity="support" if (n + j) % 3 else "oppose",
                                           evidence=art.quote(at, text, f"{'backed' if (n + j) % 3 else 'opposed'} the {topic} plan")))
            text = f"The next hearing is due on Friday, {(day + timedelta(days=4)).strftime('%B %d')}. "
            at = art.add(text)
            timeline.append(TimelineEvent(date=day + timedelta(days=4), precision="day", expression="Friday",
                                          resolved_by="weekday after the article's date", text=text.strip(), evidence=art.quote(at, text, text.strip())))
            if n % 5 == 0:
                text = f"Some {n + 40} bridges may close, a spokesperson suggested. "
                at = art.add(text)
                unverified.append(UnverifiedItem(item="figure", summary=f"{n + 40} bridges", reason="value not in the quote",
                                                 evidence=art.quote(at, text, f"Some {n + 40} bridges may close")))
            if n % 10 == 1:
                unverified.append(UnverifiedItem(item="claim", summary="an invented quote", reason="quote not in the article",
                                                 evidence=Evidence(article_id=aid, quote=f"nothing like this was said in {place}")))
            art.add(f"\n\nReporting by the {outlet} newsroom in {place}.\n")
            texts[aid] = art.text
            refs.append(ArticleRef(id=aid, path=f"news/{n:04d}.txt", title=title, date=day if n % 40 else None, outlet=outlet,
                                   url=f"https://example.org/{n}" if n % 3 else None, author=people[n % 3] if n % 4 else None))
            coverage.append(Coverage(article_id=aid, stated=6, found=4, missing=[f"{n + 40} bridges", "site 3"]))
            ids_of_story.append(aid)
            firsts.append(cs[0])
            seconds.append(cs[1])
            n += 1
        for k, person in enumerate(people):
            actors.append(BriefActor(
                id=f"A{s}-{k}", name=person, kind="person", roles=["minister"] if k == 0 else [],
                forms=[SurfaceForm(form=person, article_ids=forms[person][:1] or ids_of_story[:1]),
                       SurfaceForm(form=person.split()[-1], article_ids=forms[person] or ids_of_story)],
                merged_by=[f"bare name in article {a}: {person.split()[-1]} -> {person}" for a in ids_of_story[:3]],
                evidence=[]))
        st = Story(id=f"ST{s}", headline=f"{topic.capitalize()} in {place}", headline_by="title of its most central article",
                   article_ids=ids_of_story, outlets=list(dict.fromkeys(r.outlet for r in refs[-size:])),
                   key_actor_ids=[f"A{s}-0", f"A{s}-1"], cluster_ids=[], contest_ids=[], figure_group_ids=[])
        if size > 1:
            for members in (firsts, seconds):
                k = ClaimCluster(id=f"K{len(clusters) + 1}", text=claims[int(members[0][1:]) - 1].text, claim_ids=members,
                                 article_ids=ids_of_story, corroboration=size, sources=[people[0]])
                clusters.append(k)
                st.cluster_ids.append(k.id)
            x = Contest(id=f"X{len(contests) + 1}", claim_ids=(firsts[0], seconds[-1]), topic=[topic], reason="stop versus start")
            contests.append(x)
            st.contest_ids.append(x.id)
            g = FigureGroup(id=f"G{len(groups) + 1}", unit="homes", counts=f"homes without power in {place}", figure_ids=firsts_fig,
                            conflict=True, note="the values differ", verdict="changed")
            groups.append(g)
            st.figure_group_ids.append(g.id)
        story_list.append(st)
    matrix: dict[tuple[str, str], list[BriefStance]] = {}
    for x in stances:
        matrix.setdefault((x.holder_id, x.target), []).append(x)
    cells = [StanceCell(holder_id=h, holder=ss[0].holder, target_id=None, target=t,
                        polarity=ss[0].polarity if len({x.polarity for x in ss}) == 1 else "mixed",
                        stance_ids=[x.id for x in ss], article_ids=list(dict.fromkeys(x.evidence.article_id for x in ss)))
             for (h, t), ss in matrix.items()]
    brief = Brief(
        generated_at="2024-11-11T06:00:00+00:00",
        articles=refs,
        producer=Producer(kind="live", model="generated", mode="tools", endpoint="localhost", prompt_version="extract-v1"),
        window=Window(since=MONDAY, until=MONDAY + timedelta(days=6), label="2024-W45"),
        stories=story_list,
        since_last=SinceLast(previous="2024-W44", previous_generated_at="2024-11-04T06:00:00+00:00",
                             new_story_ids=[story_list[0].id, story_list[-1].id],
                             continuing=[ContinuingStory(story_id=story_list[1].id, previous_headline="Earlier", matched_by="shared actors")],
                             quiet=["A story of last week"], moved=[]),
        actors=actors, claims=claims, figures=figures, stances=stances, claim_clusters=clusters, contested=contests,
        figure_groups=groups, stance_matrix=cells, timeline=timeline,
        summary=Summary(sentences=[SummarySentence(text=f"{st.headline} led the week.", cites=[st.cluster_ids[0], "C1"]) for st in story_list[:3]],
                        prompt_version="summary-v1", usage=Usage()),
        unverified=unverified, coverage=coverage,
        failed=[ExtractionFailure(path="news/broken.txt", stage="extract", reason="the model answered nothing", attempts=3)],
        usage=Usage(requests=articles, prompt_tokens=900 * articles, completion_tokens=400 * articles),
    )
    return brief, texts
