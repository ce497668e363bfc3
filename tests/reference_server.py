"""A small OpenAI-compatible chat server that answers extraction requests from hand annotations.

No model is reachable from the machines this project is built on, so the seed recordings
in ``cassettes/seeds/`` are made by running the real pipeline (openai + instructor) against
this server.  Its answers are the annotations in ``tests/annotations/<article id>.json``,
written by hand from the seed articles.  They are not a model's output, and the brief
replayed from them says so.

How it answers a request: it reads the article id and the text inside ``<article>`` from
the prompt, and returns the annotated items whose quotes occur in that text, so a request
for one part of a long article gets that part's items (and every actor the part names,
quoting the name).  A gleaning request (it lists
``<numbers>``) gets the annotated figures.  A summary request (``<brief articles=...>``)
gets ``tests/annotations/summary-<key>.json``, the hand-written summary of those
articles' brief, whose citations are ids of that brief.  A link request (``<story
articles=...>`` around the story's items as JSON) is answered from every
``tests/annotations/links-*.json`` (format: ``LINK_ANNOTATIONS.md`` beside them), each
entry mapped onto the ids of the request by names and quotes; with no entry that maps,
it answers HTTP 404.

Token usage in its answers is an estimate (words and punctuation marks counted), so the
usage a replayed brief shows is in the right range but is not any tokenizer's count.  Like
a real server it honours ``max_tokens``: a longer answer is cut there with
``finish_reason=length``.

Faults are scripted per article, one per request, in order: ``ReferenceServer(faults={id:
["429", "bad_quote"]})``; a fault ending in ``_always`` repeats.  See ``FAULTS``.

Rule answers (``ReferenceServer(by_rule=True)``, ``--by-rule``), for scale tests and
benchmarks only: on articles nobody annotated (the 2,225 BBC articles, generated folders),
an extraction or gleaning request for an article with no annotation is answered by the
deterministic rules of ``tests/rule_answers.py`` instead of HTTP 404 (capitalised names as
actors, sentences with a reporting verb as claims, numbers as figures, each quoting the
text).  They are rules of this test server, neither a model's output nor hand
annotations, and they are served only under the model name ``reference-rules``: a request
naming another model gets HTTP 404 saying so, so that a brief made from them names them.
A rule answer longer than the request's ``max_tokens`` leaves items out to fit (it is
never cut off).  With ``by_rule``, a link request for a story none of whose articles is
annotated by its id, or that no link annotation maps, gets, as its valid answer, the candidate links the request itself lists as hints (the tool's own
rules found them; none: an empty answer); a summary request with no hand-written summary
gets one sentence per story, its most central article's title, citing ids the request
lists for it (no story headlines: the tool would show them as the model's).  Articles
with an annotation still get it.  Without ``by_rule`` (the default) each of these is
answered HTTP 404, as before.

Run it by hand: ``python tests/reference_server.py --port 8765 [--faults faults.json]``
(the JSON maps article ids to fault lists); add ``--by-rule`` for rule answers, and run the
tool with ``--model reference-rules``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import rule_answers  # beside this file: on the path when run as a script or from the tests
from summarize.extract.recording import summary_key

ANNOTATIONS = Path(__file__).resolve().parent / "annotations"
CREATED = 1732406400  # a fixed timestamp keeps recordings byte-stable
KINDS = ("actors", "claims", "figures", "stances")
_ARTICLE = re.compile(r'<article id="([0-9a-f]+)"[^>]*>\n(.*?)\n</article>', re.S)
_BRIEF = re.compile(r'<brief articles="([0-9a-f ]+)">')
_STORY = re.compile(r'<story articles="([0-9a-f ]+)">\n(.*)\n</story>', re.S)
_NUMBERS = re.compile(r"<numbers>\n(.*?)\n?</numbers>", re.S)
RULE_MODEL = rule_answers.RULE_MODEL
"""The model name rule answers are served under: the only one a rule answer goes to."""

class _Server(ThreadingHTTPServer):
    request_queue_size = 128
    """socketserver's default listen backlog is 5: with several clients connecting at once
    the kernel drops the connections beyond it, and each one is retried a second later,
    which would show as a request arriving a second after it was sent."""


FAULTS = {
    "429": "HTTP 429 with Retry-After: 7",
    "429_short": "HTTP 429 with retry-after-ms: `pause_ms` (a pause a test can wait out)",
    "last_request": "the answer, with x-ratelimit-remaining-requests: 0 and a reset in `pause_ms`",
    "500": "HTTP 500",
    "hang": "answer only after `hang_seconds` (past the client's timeout)",
    "malformed_json": "tool arguments / content that are not JSON (`=` in place of the first `:`)",
    "cut_unflagged": "half an answer, its JSON ending mid-string, with finish_reason tool_calls / stop (llama-cpp-python)",
    "runaway": "one item repeated until `max_tokens`, reported as finish_reason tool_calls / stop",
    "garbage": "brackets that never make JSON (md_json: more than instructor's extraction will search)",
    "format_unsupported": "HTTP 500 saying the request's response_format / tools are not supported (llama-cpp-python)",
    "schema_invalid": "JSON without the required `claims` list",
    "bad_quote": "the first claim's quote is not in the article",
    "bad_value": "the first figure's value is ten times what its quote states",
    "bad_speaker": "the first claim's speaker is not an actor of the article",
    "omit_figures": "no figures (the gleaning request gets them)",
    "truncated": "half an answer with finish_reason=length",
    "refusal": "a refusal message instead of an answer",
    "quota": "HTTP 429 insufficient_quota",
    "auth": "HTTP 401",
    "echo_key": "HTTP 400 whose message repeats the request's Authorization header (a careless endpoint or proxy)",
    "bad_cite": "(summary) the first sentence also cites C999, which is not in the brief",
    "bad_id": "(links) a claim group naming C999, which is not in the story",
}


def approx_tokens(text: str) -> int:
    return len(re.findall(r"\w+|[^\w\s]", text))


class ReferenceServer:
    batch = None
    """The Batch API's endpoints, once ``tests/batch_api.attach`` gives them (else 404)."""

    def __init__(
        self,
        annotations: Path = ANNOTATIONS,
        faults: dict[str, list[str]] | None = None,
        port: int = 0,
        hang_seconds: float = 1.0,
        latency: float = 0.0,
        pause_ms: int = 400,
        list_models: bool = True,
        by_rule: bool = False,
    ):
        self.annotations = annotations
        self.by_rule = by_rule
        """Answer what no annotation covers by the rules of ``tests/rule_answers.py`` (else 404)."""
        self.rule_answers = 0
        """Requests answered by rule (extraction, gleaning, link and summary)."""
        self.faults = {k: list(v) for k, v in (faults or {}).items()}
        for fault in (f.removesuffix("_always") for queue in self.faults.values() for f in queue):
            if fault not in FAULTS:
                raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        self.hang_seconds = hang_seconds
        self.latency = latency
        """Seconds every chat answer takes (a model's time to answer)."""
        self.pause_ms = pause_ms
        self.arrivals: list[tuple[float, str | None]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        """The most requests it was answering at once (the client's concurrency, seen from here)."""
        """(time.monotonic() on arrival, fault) of every article request."""
        self.list_models = list_models
        """Whether ``GET /v1/models`` is a route (not every compatible server has it)."""
        self.model_lists = 0
        """``GET /v1/models`` requests answered."""
        self.requests: list[dict] = []
        self.served: list[tuple[str, str | None]] = []
        """(article id, fault or None) for every request, in order."""
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", port), self._handler())
        self._httpd.daemon_threads = True

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> "ReferenceServer":
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # ------------------------------------------------------------------ answering

    def answer(self, body: dict, arrived: float | None = None) -> tuple[int, dict, dict]:
        """Status, JSON body and extra headers for one chat completion request, ``latency``
        seconds after it ``arrived`` (time.monotonic(); default: now): making the answer is
        part of that time, as a model's generating is part of an endpoint's."""
        arrived = time.monotonic() if arrived is None else arrived
        with self._lock:
            self.requests.append(body)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            reply = self._answer(body, arrived)
            left = self.latency - (time.monotonic() - arrived)
            if left > 0:
                time.sleep(left)
            return reply
        finally:
            with self._lock:
                self.in_flight -= 1

    def models(self) -> tuple[int, dict, dict]:
        """``GET /v1/models``: the served model, at once (no latency: nothing is generated).
        A server given an ``auth`` fault refuses the key here too, as an endpoint does."""
        if not self.list_models:
            return 404, _error("no route /v1/models"), {}
        with self._lock:
            self.model_lists += 1
        if any(f.startswith("auth") for faults in self.faults.values() for f in faults):
            return 401, _error("invalid api key", "invalid_api_key"), {}
        served = ["reference-annotations", *([RULE_MODEL] if self.by_rule else [])]
        return 200, {"object": "list", "data": [{"id": name, "object": "model", "owned_by": "tests"} for name in served]}, {}

    def _answer(self, body: dict, arrived: float) -> tuple[int, dict, dict]:
        prompt = "\n".join(str(m.get("content") or "") for m in body.get("messages", []) if m.get("role") == "user")
        brief = _BRIEF.search(prompt)
        if brief:
            return self._summary(body, brief.group(1).split())
        story = _STORY.search(prompt)
        if story:
            return self._links(body, json.loads(story.group(2)), story.group(1).split())
        found = _ARTICLE.search(prompt)
        if not found:
            return 400, _error("no <article id=...> in the request"), {}
        article_id, text = found.groups()
        fault = self._next_fault(article_id)
        with self._lock:
            self.served.append((article_id, fault))
            self.arrivals.append((arrived, fault))
        if fault == "429_short":
            return 429, _error("rate limited", "rate_limit_exceeded"), {"retry-after-ms": str(self.pause_ms)}
        if fault == "429":
            return 429, _error("rate limited", "rate_limit_exceeded"), {"retry-after": "7"}
        if fault == "500":
            return 500, _error("internal error", "server_error"), {}
        if fault == "quota":
            return 429, _error("You exceeded your current quota.", "insufficient_quota"), {}
        if fault == "auth":
            return 401, _error("Incorrect API key provided.", "invalid_api_key"), {}
        if fault == "echo_key":
            return 400, _error(f"bad request; headers were Authorization: {_ECHO}", "invalid_request_error"), {}
        if fault == "format_unsupported":
            return 500, _error(_unsupported(body), "server_error"), {}
        if fault == "hang":
            time.sleep(self.hang_seconds)
        annotation = self._annotation(article_id, text)
        if annotation is None and not self.by_rule:
            return 404, _error(f"the reference server has no annotation for article {article_id}"), {}
        if annotation is None:
            refused = self._rule_model_only(body)
            if refused:
                return refused
            numbers = _NUMBERS.search(prompt)
            if numbers:
                answer = rule_answers.gleaning(text, rule_answers.listed_numbers(numbers.group(1)))
            else:
                answer = rule_answers.answer(text)
            answer = _fitted(answer, body.get("max_tokens"))
        else:
            # Only what this request's text says: a part of a long article gets that part's items.
            answer = {kind: [i for i in annotation[kind] if i["quote"] in text] for kind in KINDS}
            for actor in annotation["actors"]:
                # An actor whose annotated quote lies in another part is still named in this one.
                named = next((n for n in (actor["name"], *actor["aliases"]) if n in text), None)
                if actor not in answer["actors"] and named:
                    answer["actors"].append({**actor, "quote": named})
            if "<numbers>" in prompt:
                answer = {"figures": answer["figures"]}
        payload = json.dumps(_apply(fault, answer), ensure_ascii=False)
        finish = "stop"
        if fault == "malformed_json":
            payload = payload.replace(":", " =", 1)
        if fault == "truncated":
            payload, finish = payload[: len(payload) // 2], "length"
        if fault == "cut_unflagged":
            opening = '"quote": "'
            payload = payload[: payload.index(opening, len(payload) // 2) + len(opening) + 5]
        if fault == "runaway":
            kind = next(k for k, items in answer.items() if items)
            item = json.dumps(answer[kind][0], ensure_ascii=False)
            copies = (body.get("max_tokens") or 4096) // approx_tokens(item) + 2
            payload = f'{{"{kind}": [' + ", ".join([item] * copies)
        if fault == "garbage":
            payload = "{ " * 3000
        limit = body.get("max_tokens")
        if limit and approx_tokens(payload) > limit:
            payload = _first_tokens(payload, limit)
            finish = "stop" if fault == "runaway" else "length"
        refusal = "I can't help with that request." if fault == "refusal" else None
        prompt_tokens = approx_tokens(json.dumps(body, ensure_ascii=False))
        headers = {}
        if fault == "last_request":
            headers = {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": f"{self.pause_ms}ms"}
        return 200, _completion(body, payload, prompt_tokens, finish, refusal), headers

    def _annotation(self, article_id: str, text: str) -> dict | None:
        """The annotation of this article: by its id, else the one whose quotes the text holds.

        Matching by content lets a copy of an annotated article (the same text with front
        matter or header lines added, as the dated test fixtures are) use its annotation.
        """
        path = self.annotations / f"{article_id}.json"
        if path.is_file():
            return _read_json(path)
        best, best_found = None, 1
        for candidate in sorted(self.annotations.glob("*.json")):
            if candidate.name.startswith(("summary-", "links-")):
                continue  # summaries, links
            annotation = _read_json(candidate, shared=True)
            found = sum(1 for kind in KINDS for item in annotation[kind] if item["quote"] in text)
            if found > best_found:
                best, best_found = candidate, found
        return None if best is None else _read_json(best)

    def _summary(self, body: dict, article_ids: list[str]) -> tuple[int, dict, dict]:
        """The hand-written summary of these articles' brief (fault key: "summary")."""
        path = self.annotations / f"summary-{summary_key(article_ids)}.json"
        fault = self._next_fault("summary")
        with self._lock:
            self.served.append(("summary", fault))
        if path.is_file():
            answer = _read_json(path)
        elif self.by_rule:
            refused = self._rule_model_only(body)
            if refused:
                return refused
            prompt = "\n".join(str(m.get("content") or "") for m in body.get("messages", []) if m.get("role") == "user")
            answer = rule_answers.summary(prompt)
        else:
            return 404, _error(f"the reference server has no summary for articles {' '.join(article_ids)}"), {}
        if fault == "bad_cite":
            answer["sentences"][0]["cites"].append("C999")
        payload = json.dumps(answer, ensure_ascii=False)
        return 200, _completion(body, payload, approx_tokens(json.dumps(body, ensure_ascii=False)), "stop", None), {}

    def _links(self, body: dict, items: list[dict], article_ids: list[str]) -> tuple[int, dict, dict]:
        """The hand link annotations mapped onto this request's ids (fault key: "links").

        With ``by_rule``, only for a story with an article annotated by its id: the link
        annotations map names onto any story's actors, and joining the rules' actors by
        them would join what the rules gave different kinds (an invalid link)."""
        fault = self._next_fault("links")
        with self._lock:
            self.served.append(("links", fault))
        if fault in ("500", "429"):
            return int(fault), _error("link request failed", "server_error"), {}
        annotated = not self.by_rule or any((self.annotations / f"{a}.json").is_file() for a in article_ids)
        answer = links_answer(self.annotations, items) if annotated else {}
        if not any(answer.values()):
            if not self.by_rule:
                return 404, _error("the reference server has no link annotation for these items"), {}
            refused = self._rule_model_only(body)
            if refused:
                return refused
            prompt = "\n".join(str(m.get("content") or "") for m in body.get("messages", []) if m.get("role") == "user")
            answer = rule_answers.links(prompt, items)
        if fault == "bad_id":
            answer["claim_groups"].insert(0, {"ids": ["C999", "C1"], "note": "an id not in the story"})
        payload = json.dumps(answer, ensure_ascii=False)
        return 200, _completion(body, payload, approx_tokens(json.dumps(body, ensure_ascii=False)), "stop", None), {}

    def _rule_model_only(self, body: dict) -> tuple[int, dict, dict] | None:
        """HTTP 404 for a rule answer asked for under another model's name (a brief would
        present the rules as that model's answers); else counts the rule answer, None."""
        if body.get("model") != RULE_MODEL:
            message = (
                f"model {body.get('model')!r}: this test server answers articles it has no annotation for "
                f"by rule, only under the model name {RULE_MODEL!r} (run the tool with --model {RULE_MODEL})"
            )
            return 404, _error(message, "model_not_found"), {}
        with self._lock:
            self.rule_answers += 1
        return None

    def _next_fault(self, article_id: str) -> str | None:
        with self._lock:
            queue = self.faults.get(article_id)
            if not queue:
                return None
            head = queue[0]
            if head.endswith("_always"):
                return head.removesuffix("_always")
            return queue.pop(0)

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                arrived = time.monotonic()
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                if self._batch("POST", raw):
                    return None
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    return self._send(404, _error(f"no route {self.path}"), {})
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    return self._send(400, _error("request body is not JSON"), {})
                status, data, headers = server.answer(body, arrived)
                if _ECHO in json.dumps(data):  # the echo_key fault: what the client sent, as it sent it
                    data = json.loads(json.dumps(data).replace(_ECHO, json.dumps(str(self.headers.get("authorization")))[1:-1]))
                self._send(status, data, headers)

            def do_GET(self):  # noqa: N802
                if self.path.rstrip("/").endswith("/models"):
                    return self._send(*server.models())
                if not self._batch("GET", b""):
                    self._send(404, _error(f"no route {self.path}"), {})

            def do_DELETE(self):  # noqa: N802
                if not self._batch("DELETE", b""):
                    self._send(404, _error(f"no route {self.path}"), {})

            def _batch(self, method: str, raw: bytes) -> bool:
                """Answered a Batch API route (tests/batch_api.py)."""
                routed = server.batch.route(method, self.path, self.headers, raw) if server.batch else None
                if routed:
                    self._send(*routed)
                return routed is not None

            def _send(self, status: int, data: dict | bytes, headers: dict) -> None:
                raw = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode("utf-8")
                headers = {"content-type": "application/json", **headers}
                try:
                    self.send_response(status)
                    self.send_header("content-length", str(len(raw)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args) -> None:
                pass

        return Handler


def links_answer(annotations: Path, items: list[dict]) -> dict:
    """Every links-*.json entry mapped onto the items' ids: an actor by any of its names,
    a claim, figure or stance by its verbatim quote, an issue by its stance targets;
    members not present dropped, a group kept while it has two or more."""
    actors: dict[str, str] = {}
    quotes: dict[tuple[str, str], str] = {}
    targets: dict[str, list[str]] = {}
    for item in items:
        kind = item["kind"].split(" ")[0]
        if kind == "actor":
            for name in (item["name"], *item["forms"]):
                actors.setdefault(name, item["id"])
        else:
            quotes.setdefault((kind, item["quote"]), item["id"])
        if kind == "stance":
            targets.setdefault(item["target"], []).append(item["id"])

    def ids(found: list[str | None]) -> list[str]:
        return list(dict.fromkeys(i for i in found if i))

    answer: dict = {"actor_groups": [], "claim_groups": [], "contradictions": [], "figure_groups": [], "issues": []}
    for path in sorted(annotations.glob("links-*.json")):
        data = _read_json(path, shared=True)
        for names in data.get("actor_groups", []):
            group = ids([actors.get(n) for n in names])
            if len(group) > 1:
                answer["actor_groups"].append({"ids": group, "note": "one entity"})
        for entry in data.get("claim_groups", []):
            group = ids([quotes.get(("claim", q)) for q in entry["quotes"]])
            if len(group) > 1:
                answer["claim_groups"].append({"ids": group, "note": entry.get("note", "")})
        for entry in data.get("contradictions", []):
            pair = ids([quotes.get(("claim", q)) for q in entry["quotes"]])
            if len(pair) == 2:
                answer["contradictions"].append({"ids": pair, "reason": entry["reason"]})
        for entry in data.get("figure_groups", []):
            group = ids([quotes.get(("figure", q)) for q in entry["quotes"]])
            if len(group) > 1:
                answer["figure_groups"].append({"ids": group, "quantity": entry["quantity"]})
        for entry in data.get("issues", []):
            group = ids([i for t in entry["targets"] for i in targets.get(t, [])])
            if len(group) > 1:
                answer["issues"].append({"issue": entry["issue"], "stance_ids": group})
    return answer


_JSON_CACHE: dict[Path, tuple[tuple[int, int], str, object]] = {}
_JSON_LOCK = threading.Lock()


def _read_json(path: Path, shared: bool = False):
    """A JSON file's content, read and parsed once per version of the file (its mtime and
    size): the content match of :meth:`ReferenceServer._annotation` reads every annotation
    for each request of an article it has no annotation for.  ``shared``: the one parsed
    copy, for reading only; else a fresh copy, which the caller may change (faults do)."""
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    with _JSON_LOCK:
        cached = _JSON_CACHE.get(path)
    if cached is None or cached[0] != key:
        raw = path.read_text(encoding="utf-8")
        cached = (key, raw, json.loads(raw))
        with _JSON_LOCK:
            _JSON_CACHE[path] = cached
    return cached[2] if shared else json.loads(cached[1])


def _fitted(answer: dict, limit: int | None) -> dict:
    """A rule answer within the request's ``max_tokens`` (as :func:`approx_tokens` counts):
    the last items of its longest lists dropped until it fits.  Rules are no model, so they
    leave items out rather than run past the limit and be cut off."""
    if not limit:
        return answer
    costs = {kind: [approx_tokens(json.dumps(i, ensure_ascii=False)) + 1 for i in items] for kind, items in answer.items()}
    total = approx_tokens(json.dumps({kind: [] for kind in answer})) + sum(map(sum, costs.values()))
    kept = {kind: len(items) for kind, items in answer.items()}
    while total > limit and any(kept.values()):
        kind = max(kept, key=lambda k: (kept[k], k))
        kept[kind] -= 1
        total -= costs[kind][kept[kind]]
    return {kind: items[: kept[kind]] for kind, items in answer.items()}


def _apply(fault: str | None, answer: dict) -> dict:
    if fault == "bad_quote" and answer.get("claims"):
        answer["claims"][0]["quote"] = "a sentence that appears nowhere in the article"
    if fault == "bad_value" and answer.get("figures"):
        answer["figures"][0]["value"] *= 10
    if fault == "bad_speaker" and answer.get("claims"):
        answer["claims"][0]["speaker"] = "Somebody Unnamed"
    if fault == "omit_figures":
        answer["figures"] = []
    if fault == "schema_invalid":
        answer.pop("claims", None)
    return answer


def _first_tokens(text: str, count: int) -> str:
    """The start of ``text`` holding ``count`` tokens as :func:`approx_tokens` counts them."""
    ends = [m.end() for m in re.finditer(r"\w+|[^\w\s]", text)]
    return text[: ends[count - 1]] if count <= len(ends) else text


def _unsupported(body: dict) -> str:
    """What llama-cpp-python's server says about a request format it does not validate."""
    if body.get("response_format"):
        kind = body["response_format"].get("type")
        return (
            "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
            f"'msg': \"Input should be 'text' or 'json_object'\", 'input': '{kind}'}}"
        )
    if body.get("tools"):
        return "tool_choice: this server does not support tools"
    return "internal error"


_ECHO = "<the authorization header>"


def _error(message: str, code: str | None = None) -> dict:
    return {"error": {"message": message, "type": "invalid_request_error", "code": code}}


def _completion(body: dict, payload: str, prompt_tokens: int, finish: str, refusal: str | None) -> dict:
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:24]
    tools = body.get("tools") or []
    if refusal:
        message = {"role": "assistant", "content": None, "refusal": refusal}
    elif tools:
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": f"call_{digest[:16]}",
                    "type": "function",
                    "function": {"name": tools[0]["function"]["name"], "arguments": payload},
                }
            ],
        }
        finish = "tool_calls" if finish == "stop" else finish
    elif (body.get("response_format") or {}).get("type") in ("json_schema", "json_object"):
        message = {"role": "assistant", "content": payload}
    else:
        message = {"role": "assistant", "content": f"```json\n{payload}\n```"}
    completion_tokens = approx_tokens(payload)
    return {
        "id": f"chatcmpl-ref-{digest}",
        "object": "chat.completion",
        "created": CREATED,
        "model": body.get("model", "reference-annotations"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description="Serve the hand annotations (and, with --by-rule, rule answers) as an OpenAI-compatible endpoint."
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--annotations", type=Path, default=ANNOTATIONS)
    parser.add_argument("--faults", type=Path, help="JSON file: {article id: [fault, ...]}")
    parser.add_argument("--hang-seconds", type=float, default=5.0)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds every answer takes")
    parser.add_argument(
        "--by-rule",
        action="store_true",
        help=f"answer articles with no annotation by the rules of tests/rule_answers.py (model {RULE_MODEL}), not HTTP 404: "
        "for scale tests and benchmarks only",
    )
    args = parser.parse_args()
    faults = json.loads(args.faults.read_text(encoding="utf-8")) if args.faults else None
    with ReferenceServer(args.annotations, faults, args.port, args.hang_seconds, args.latency, by_rule=args.by_rule) as ref:
        print(f"serving {args.annotations} at {ref.base_url} (Ctrl-C to stop)", flush=True)
        if args.by_rule:
            print(
                f"articles with no annotation are answered by rule (tests/rule_answers.py), not by a model: "
                f"run the tool with --model {RULE_MODEL} --base-url {ref.base_url}",
                flush=True,
            )
        threading.Event().wait()
