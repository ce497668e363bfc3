"""A small OpenAI-compatible chat server that answers extraction requests from hand annotations.

No model is reachable from the machines this project is built on, so the seed recordings
in ``cassettes/seeds/`` are made by running the real pipeline (openai + instructor) against
this server.  Its answers are the annotations in ``tests/annotations/<article id>.json``,
written by hand from the seed articles.  They are not a model's output, and the brief
replayed from them says so.

Token usage in its answers is an estimate (words and punctuation marks counted), so the
usage a replayed brief shows is in the right range but is not any tokenizer's count.

Faults can be scripted per article to exercise the pipeline's error handling:
``ReferenceServer(faults={article_id: ["bad_quote", ...]})`` uses one fault per request.

Run it by hand with ``python tests/reference_server.py --port 8765``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ANNOTATIONS = Path(__file__).resolve().parent / "annotations"
CREATED = 1732406400  # a fixed timestamp keeps recordings byte-stable
_ARTICLE_ID = re.compile(r'<article id="([0-9a-f]+)"')
FAULTS = ("bad_quote", "bad_quote_always")


def approx_tokens(text: str) -> int:
    return len(re.findall(r"\w+|[^\w\s]", text))


class ReferenceServer:
    def __init__(self, annotations: Path = ANNOTATIONS, faults: dict[str, list[str]] | None = None, port: int = 0):
        self.annotations = annotations
        self.faults = {k: list(v) for k, v in (faults or {}).items()}
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> "ReferenceServer":
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # ------------------------------------------------------------------ answering

    def answer(self, body: dict) -> tuple[int, dict]:
        with self._lock:
            self.requests.append(body)
        text = "\n".join(str(m.get("content") or "") for m in body.get("messages", []))
        found = _ARTICLE_ID.search(text)
        if not found:
            return 400, _error("no <article id=...> in the request")
        article_id = found.group(1)
        path = self.annotations / f"{article_id}.json"
        if not path.is_file():
            return 404, _error(f"the reference server has no annotation for article {article_id}")
        annotation = json.loads(path.read_text(encoding="utf-8"))
        fault = self._next_fault(article_id)
        if fault in ("bad_quote", "bad_quote_always"):
            annotation["claims"][0]["quote"] = "a sentence that appears nowhere in the article"
        payload = json.dumps(annotation, ensure_ascii=False)
        return 200, _completion(body, payload, prompt_tokens=approx_tokens(json.dumps(body, ensure_ascii=False)))

    def _next_fault(self, article_id: str) -> str | None:
        with self._lock:
            queue = self.faults.get(article_id)
            if not queue:
                return None
            return queue[0] if queue[0].endswith("_always") else queue.pop(0)

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("content-length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    return self._send(400, _error("request body is not JSON"))
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    return self._send(404, _error(f"no route {self.path}"))
                self._send(*server.answer(body))

            def _send(self, status: int, data: dict) -> None:
                raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args) -> None:
                pass

        return Handler


def _error(message: str) -> dict:
    return {"error": {"message": message, "type": "invalid_request_error", "code": None}}


def _completion(body: dict, payload: str, prompt_tokens: int) -> dict:
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:24]
    tools = body.get("tools") or []
    if tools:
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
        finish = "tool_calls"
    elif (body.get("response_format") or {}).get("type") in ("json_schema", "json_object"):
        message, finish = {"role": "assistant", "content": payload}, "stop"
    else:
        message, finish = {"role": "assistant", "content": f"```json\n{payload}\n```"}, "stop"
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
    parser = argparse.ArgumentParser(description="Serve the hand annotations as an OpenAI-compatible endpoint.")
    parser.add_argument("--port", type=int, default=8765)
    port = parser.parse_args().port
    with ReferenceServer(port=port) as ref:
        print(f"serving {ANNOTATIONS} at {ref.base_url} (Ctrl-C to stop)")
        threading.Event().wait()
