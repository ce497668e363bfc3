"""--concurrency: the brief does not depend on the order answers arrive in, and a 429 pauses
every worker until its Retry-After."""

import json
import threading
import time

from reference_server import ReferenceServer
from synthetic import write_article

from summarize import pipeline
from summarize.render import base as render

MODEL = "reference-annotations"


def articles(tmp_path, count):
    folder, annotations = tmp_path / "articles", tmp_path / "annotations"
    ids = [write_article(folder, annotations, f"a{i:02d}.txt", paragraphs=2 + i % 3)[1] for i in range(count)]
    return folder, annotations, ids


def brief(folder, annotations, concurrency, faults=None, latency=0.0, sleep=None, **kwargs):
    with ReferenceServer(annotations=annotations, faults=faults, latency=latency, **kwargs) as server:
        result = pipeline.brief_folder(
            pipeline.Options(
                folder=folder,
                model=MODEL,
                base_url=server.base_url,
                concurrency=concurrency,
                sleep=sleep or (lambda s: None),
                summary=False,
                link_model=False,
            ),
            env={},
        )
        return result, server.most_in_flight, list(server.arrivals)


def comparable(result) -> dict:
    data = json.loads(render.to_json(result.brief))
    data.pop("generated_at")
    data["producer"].pop("endpoint")  # each run's server listens on a port of its own
    return data


def test_the_brief_is_the_same_at_concurrency_1_and_8(tmp_path):
    folder, annotations, ids = articles(tmp_path, 12)
    # The first article is reasked and the second retried: at 8 they finish after later ones.
    faults = {ids[0]: ["bad_quote"], ids[1]: ["500"]}
    one, alone, _ = brief(folder, annotations, 1, dict(faults), latency=0.05)
    eight, together, _ = brief(folder, annotations, 8, dict(faults), latency=0.05)
    assert comparable(one) == comparable(eight)
    assert not eight.brief.failed and len(eight.brief.articles) == 12
    assert alone == 1 and 1 < together <= 8  # the requests really overlapped, never more than 8


def test_a_429_pauses_every_worker_until_its_retry_after(tmp_path):
    folder, annotations, ids = articles(tmp_path, 40)
    result, arrivals, paused_at = paused_run(tmp_path, ids, "429_short", pause := 2.0)
    assert not result.brief.failed and result.brief.usage.transport_retries == 1
    # A request that passed its check just before the pause began (the SDK still building
    # it) may arrive a little after (a busy interpreter); none later than that until near the
    # end (``paused_at`` is read from the waits, which a busy interpreter records late).
    early = [t - paused_at for t, _ in arrivals if paused_at + 0.6 < t < paused_at + pause - 0.4]
    assert early == []
    assert any(t >= paused_at + pause for t, _ in arrivals)  # the work went on after the pause


def test_no_requests_left_in_the_window_pauses_every_worker_until_its_reset(tmp_path):
    folder, annotations, ids = articles(tmp_path, 40)
    result, arrivals, paused_at = paused_run(tmp_path, ids, "last_request", pause := 2.0)
    assert not result.brief.failed and result.brief.usage.transport_retries == 0  # never refused
    early = [t - paused_at for t, _ in arrivals if paused_at + 0.6 < t < paused_at + pause - 0.4]
    assert early == []
    assert any(t >= paused_at + pause for t, _ in arrivals)


def paused_run(tmp_path, ids, fault, pause):
    """A run at 8 in which article 4's first answer pauses the pool; with each request's
    arrival and when the pause began (the first wait of ``pause`` seconds or a little less)."""
    waits: list[tuple[float, float]] = []
    """(when, seconds) of each wait."""
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            waits.append((time.monotonic(), seconds))
        time.sleep(seconds)

    folder, annotations = tmp_path / "articles", tmp_path / "annotations"
    result, _, arrivals = brief(folder, annotations, 8, {ids[3]: [fault]}, latency=0.1, sleep=sleep, pause_ms=int(pause * 1000))
    [told] = [t for t, f in arrivals if f == fault]
    paused_at = min(when + seconds - pause for when, seconds in waits if when >= told)
    return result, arrivals, paused_at


def test_a_refused_key_at_8_stops_the_run_after_one_request(tmp_path):
    folder, annotations, ids = articles(tmp_path, 6)
    with ReferenceServer(annotations=annotations, faults={ids[0]: ["auth"]}) as server:
        result = pipeline.brief_folder(
            pipeline.Options(folder=folder, model=MODEL, base_url=server.base_url, concurrency=8, summary=False, link_model=False),
            env={},
        )
        served = list(server.served)
    assert served == [(ids[0], "auth")]  # the others waited for a first good answer, then never started
    reasons = [f.reason for f in result.brief.failed]
    assert "HTTP 401" in reasons[0] and all(r.startswith("not processed: the run stopped after") for r in reasons[1:])
    assert len(reasons) == 6
