"""--concurrency: the brief does not depend on the order answers arrive in, and a 429 pauses
every worker until its Retry-After."""

import json
import threading
import time

from conftest import extraction_options
from reference_server import ReferenceServer
from synthetic import write_article

from summarize import pipeline
from summarize.extract.article import extract_article
from summarize.extract.llm import ModelClient, ModelSettings, _Pause
from summarize.render import base as render
from summarize.sources.load import load_article

MODEL = "reference-annotations"


def articles(tmp_path, count):
    folder, annotations = tmp_path / "articles", tmp_path / "annotations"
    ids = [write_article(folder, annotations, f"a{i:02d}.txt", paragraphs=2 + i % 3, first=1000 * i)[1] for i in range(count)]
    return folder, annotations, ids


def brief(folder, annotations, concurrency, faults=None, latency=0.0, sleep=None, chunk_chars=None, **kwargs):
    chunking = {"chunk_chars": chunk_chars} if chunk_chars else {}
    with ReferenceServer(annotations=annotations, faults=faults, latency=latency, **kwargs) as server:
        options = extraction_options(folder, server, concurrency=concurrency, sleep=sleep or (lambda s: None), **chunking)
        result = pipeline.brief_folder(options, env={})
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
    # end (``paused_at`` is read from the waits, which a busy interpreter records late).  The
    # reference server's listen backlog is large: a connection the kernel dropped would be
    # retried a second later and arrive mid-pause, though it was sent before.
    early = [t - paused_at for t, _ in arrivals if paused_at + 0.4 < t < paused_at + pause - 0.3]
    assert early == []
    assert any(t >= paused_at + pause for t, _ in arrivals)  # the work went on after the pause


def test_no_requests_left_in_the_window_pauses_every_worker_until_its_reset(tmp_path):
    folder, annotations, ids = articles(tmp_path, 40)
    result, arrivals, paused_at = paused_run(tmp_path, ids, "last_request", pause := 2.0)
    assert not result.brief.failed and result.brief.usage.transport_retries == 0  # never refused
    early = [t - paused_at for t, _ in arrivals if paused_at + 0.4 < t < paused_at + pause - 0.3]
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
        result = pipeline.brief_folder(extraction_options(folder, server, concurrency=8), env={})
        served = list(server.served)
    assert served == [(ids[0], "auth")]  # the others waited for a first good answer, then never started
    reasons = [f.reason for f in result.brief.failed]
    assert "HTTP 401" in reasons[0] and all(r.startswith("not processed: the run stopped after") for r in reasons[1:])
    assert len(reasons) == 6


def long_articles(tmp_path, count, paragraphs=40):
    folder, annotations = tmp_path / "articles", tmp_path / "annotations"
    ids = [write_article(folder, annotations, f"long{i}.txt", paragraphs=paragraphs + i, first=1000 * i)[1] for i in range(count)]
    return folder, annotations, ids


def extract_long(tmp_path, concurrency, faults):
    """One long article extracted in parts of 1,500 characters; the extraction, the most
    requests the server saw at once, and how many it answered."""
    path, article_id = write_article(tmp_path / "in", tmp_path / "ann", "long.txt", paragraphs=40)
    with ReferenceServer(annotations=tmp_path / "ann", faults={article_id: list(faults)}, latency=0.05) as server:
        settings = ModelSettings(
            model=MODEL, mode="tools", base_url=server.base_url, api_key="k", concurrency=concurrency, sleep=lambda s: None
        )
        result = extract_article(load_article(path), ModelClient(settings), chunk_chars=1500, concurrency=concurrency)
        return result, server.most_in_flight, len(server.requests)


def test_the_parts_of_a_long_article_go_at_once_and_give_the_same_extraction(tmp_path):
    # One part's answer is cut off (that part is asked again in halves); one is reasked.
    faults = ["truncated", "bad_quote"]
    one, alone, _ = extract_long(tmp_path / "one", 1, faults)
    four, together, _ = extract_long(tmp_path / "four", 4, faults)
    assert four.parts >= 6 and four.usage.reasks == 1
    assert four.model_dump(exclude={"article"}) == one.model_dump(exclude={"article"})
    assert alone == 1 and 1 < together <= 4


def test_articles_and_their_parts_never_have_more_than_n_requests_in_flight(tmp_path):
    folder, annotations = tmp_path / "articles", tmp_path / "annotations"
    for i in range(4):
        write_article(folder, annotations, f"long{i}.txt", paragraphs=30 + i, first=1000 * i)
    with ReferenceServer(annotations=annotations, latency=0.05) as server:
        result = pipeline.brief_folder(extraction_options(folder, server, concurrency=3, chunk_chars=1500), env={})
        most, requests = server.most_in_flight, len(server.requests)
    assert not result.brief.failed and len(result.brief.articles) == 4
    assert requests >= 16  # four parts or more each, all waiting at once
    assert most == 3


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.slept: list[float] = []
        self.during_sleep = None

    def sleep(self, seconds):
        self.slept.append(round(seconds, 6))
        if self.during_sleep:
            action, self.during_sleep = self.during_sleep, None
            action()
        self.now += seconds


def test_a_pause_extended_while_a_thread_slept_is_slept_too():
    clock = FakeClock()
    pause = _Pause(clock.sleep, clock=lambda: clock.now)
    pause.hold(2.0, mine=False)
    clock.during_sleep = lambda: pause.hold(3.0, mine=False)  # a second 429 at t=0: until t=3
    pause.wait_turn()
    assert clock.slept == [2.0, 1.0] and clock.now == 3.0
    pause.wait_turn()  # over: no more waiting
    assert clock.slept == [2.0, 1.0]


def test_the_thread_told_to_wait_is_not_made_to_wait_twice_but_the_others_are():
    clock = FakeClock()
    pause = _Pause(clock.sleep, clock=lambda: clock.now)
    pause.hold(5.0)  # this thread sleeps its own retry's wait (mine)
    pause.wait_turn()
    assert clock.slept == []
    other = threading.Thread(target=pause.wait_turn)  # the same pause, from another thread
    other.start()
    other.join()
    assert clock.slept == [5.0]


FIRST_ANSWER = 0.6
"""Seconds the server takes to answer in the first-contact tests: long enough that eight
requests built one after another on a busy two-core machine are all out before it."""


def first_arrivals(tmp_path, **server):
    folder, annotations, _ = articles(tmp_path, 16)
    with ReferenceServer(annotations=annotations, latency=FIRST_ANSWER, **server) as ref:
        result = pipeline.brief_folder(extraction_options(folder, ref, concurrency=8), env={})
        arrivals, lists = sorted(t for t, _ in ref.arrivals), ref.model_lists
    assert not result.brief.failed and len(result.brief.articles) == 16
    return [t - arrivals[0] for t in arrivals[:8]], lists


def test_an_endpoint_that_lists_its_models_gets_every_worker_at_once(tmp_path):
    starts, lists = first_arrivals(tmp_path)
    assert lists == 1  # asked once, before the first article
    assert max(starts) < 0.8 * FIRST_ANSWER  # all eight sent before the first answer could be back


def test_without_a_model_list_the_first_article_tries_the_endpoint_alone(tmp_path):
    starts, lists = first_arrivals(tmp_path, list_models=False)
    assert lists == 0
    assert starts[1] >= 0.8 * FIRST_ANSWER  # the second request waited for the first answer


def free_slots(client: ModelClient) -> int:
    taken = 0
    while client._slots.acquire(blocking=False):
        taken += 1
    for _ in range(taken):
        client._slots.release()
    return taken


def in_thread(call):
    """``call()`` in a new thread: what it returned or raised."""
    out = []

    def run():
        try:
            out.append(call())
        except Exception as err:  # noqa: BLE001 (each way a call can end)
            out.append(err)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=20)
    return out[0] if out else TimeoutError("still waiting: for a slot nobody freed?")


def test_every_request_slot_is_free_again_whatever_became_of_the_requests(tmp_path):
    """A slot is taken as a request goes out and freed when its call is over: after answers,
    reasks, refusals, 429s, 500s, timeouts and the model list, all of them are free."""
    folder, annotations, ids = articles(tmp_path, 6)
    faults = {ids[0]: ["429_short"], ids[1]: ["500", "500"], ids[2]: ["bad_quote"], ids[3]: ["hang"], ids[4]: ["auth_always"]}
    with ReferenceServer(annotations=annotations, faults=faults, hang_seconds=0.5) as server:
        settings = ModelSettings(
            model=MODEL, mode="tools", base_url=server.base_url, api_key="k", concurrency=3, sleep=lambda s: None,
            timeout=0.2, transport_retries=1,
        )
        client = ModelClient(settings)
        assert in_thread(client.probe) is False  # the auth fault refuses the key on /models too
        assert free_slots(client) == 3
        outcomes = []
        for path in sorted(folder.iterdir()):  # each in a thread of its own, which a slot it kept would outlive
            outcome = in_thread(lambda: extract_article(load_article(path), client))
            outcomes.append(type(outcome).__name__)
        assert free_slots(client) == 3, outcomes
    # After a 429, out of retries on 500s, after a reask, timed out, refused, answered.
    assert outcomes == ["ArticleExtraction", "ModelError", "ArticleExtraction", "ModelError", "KeyRefused", "ArticleExtraction"]


def test_while_an_answer_is_checked_the_next_articles_request_is_already_out(tmp_path, monkeypatch):
    """Articles under way outnumber the request slots: a slot freed by an answer is taken at
    once by a request built meanwhile, not after the answer's checks."""
    from summarize.extract import article as article_module

    grounded = article_module._ground

    def slow_ground(*args, **kwargs):
        time.sleep(0.4)  # checks that take a while (sleeping, so the other threads run)
        return grounded(*args, **kwargs)

    monkeypatch.setattr(article_module, "_ground", slow_ground)
    folder, annotations, _ = articles(tmp_path, 4)
    _, most, arrivals = brief(folder, annotations, 2, latency=0.2)
    starts = sorted(t for t, _ in arrivals)
    assert most == 2
    # The third request went out when the first answer came back (0.2 s), not once it was checked (0.6 s).
    assert starts[2] - starts[0] < 0.45


def test_with_a_token_budget_no_article_waits_with_its_request_built(tmp_path):
    live = pipeline.Options(folder=tmp_path, concurrency=8)
    assert pipeline._article_threads(live, 8) == 16
    assert pipeline._article_threads(pipeline.Options(folder=tmp_path, concurrency=8, max_tokens=10_000), 8) == 8
    assert pipeline._article_threads(live, 1) == 1  # recording and replay: one at a time


def test_the_interpreter_hands_over_quickly_while_workers_run_and_as_before_after(tmp_path):
    import sys

    folder, annotations, _ = articles(tmp_path, 3)
    before, during = sys.getswitchinterval(), []
    with ReferenceServer(annotations=annotations) as server:
        progress = pipeline.Progress(finished=lambda *_: during.append(sys.getswitchinterval()))
        pipeline.brief_folder(extraction_options(folder, server, concurrency=4), env={}, progress=progress)
    assert during and max(during) <= 0.001 < before
    assert sys.getswitchinterval() == before


def mock_client(handler, concurrency=1, http=None, on_request=None):
    import httpx2

    http = http or httpx2.Client(transport=httpx2.MockTransport(handler))
    settings = ModelSettings(
        model=MODEL, mode="tools", base_url="http://endpoint.invalid/v1", api_key="k", concurrency=concurrency,
        sleep=lambda s: None, transport_retries=0, on_request=on_request, http_client=http,
    )
    return ModelClient(settings), http


ANSWER = {
    "id": "c", "object": "chat.completion", "created": 0, "model": MODEL,
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": None, "tool_calls": [
        {"id": "t", "type": "function", "function": {"name": "FigureGleaning", "arguments": '{"figures": []}'}}]}}],
}  # fmt: skip


def test_no_slot_is_held_while_the_sdk_builds_a_request(monkeypatch):
    import httpx2
    import openai

    from summarize.models import FigureGleaning

    free_while_building = []
    building = openai._base_client.BaseClient._build_request

    def build(self, *args, **kwargs):
        free_while_building.append(free_slots(client))
        return building(self, *args, **kwargs)

    monkeypatch.setattr(openai._base_client.BaseClient, "_build_request", build)
    client, _ = mock_client(lambda request: httpx2.Response(200, json=ANSWER))
    client.structured([{"role": "user", "content": "hi"}], FigureGleaning, {"check": None}, 0)
    assert free_while_building == [1]  # the one slot is taken only once the request is built


def test_an_answer_the_sdk_cannot_read_is_reported_and_is_not_an_answer():
    import httpx2

    from summarize.extract.llm import ModelError
    from summarize.models import FigureGleaning

    reported = []
    client, _ = mock_client(
        lambda request: httpx2.Response(200, content=b"{not json", headers={"content-type": "application/json"}),
        on_request=reported.append,
    )
    assert client.probe() is False  # a model list that is not one: as if there were none
    try:
        client.structured([{"role": "user", "content": "hi"}], FigureGleaning, {"check": None}, 1)
    except ModelError:
        pass
    assert not client.answered.is_set()  # so the workers still go one at a time
    assert [r.requests for r in reported] == [1, 1] and free_slots(client) == 1


def test_a_client_sharing_an_http_client_never_takes_the_others_slots():
    import httpx2

    from summarize.models import FigureGleaning

    first, http = mock_client(lambda request: httpx2.Response(200, json=ANSWER))
    second, _ = mock_client(None, http=http)
    assert in_thread(lambda: second.structured([{"role": "user", "content": "hi"}], FigureGleaning, {"check": None}, 0)).attempts == 1
    assert free_slots(first) == 1 and free_slots(second) == 1
    assert in_thread(lambda: first.structured([{"role": "user", "content": "hi"}], FigureGleaning, {"check": None}, 0)).attempts == 1
