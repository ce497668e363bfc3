"""The Batch API on the reference server: ``/v1/files`` and ``/v1/batches``, in OpenAI's shape
or vLLM's (its router's ``/v1/files`` and ``/v1/batches``, its ``run_batch`` output lines).

``attach(server, flavour="openai")`` gives a :class:`~reference_server.ReferenceServer` the
endpoints.  Each line of a batch is answered by the server's own chat logic
(``server.answer``), faults included, when the batch finishes: at once, or on the
``polls``-th status read.  ``outcome`` makes it end ``failed``, ``expired`` (half the lines
answered, the rest not) or ``cancelled`` instead.

What differs between the flavours, as the two servers do it:

| | openai | vllm |
| --- | --- | --- |
| statuses | validating, in_progress, finalizing, completed, failed, expired, cancelled | pending, running, completed, failed, cancelled |
| counts | ``request_counts`` {total, completed, failed} | ``total_requests``, ``completed_requests``, ``failed_requests`` |
| objects | ``object``: "batch" / "file", ``errors``, ``expires_at`` set | no ``object``, no ``errors``; ``expires_at`` null |
| failed lines | in the error file (``error_file_id``; null when none): ``response.body`` holds the error | in the output file: ``response.body`` null, ``error`` a string; ``error_file_id`` always null |
| line order | not the input's (here: reversed) | the input's |
| ids | ``batch_req_…``, ``req_…`` | ``vllm-…``, ``vllm-batch-…`` |
| cancel | POST /v1/batches/{id}/cancel | DELETE /v1/batches/{id} |
| errors | ``{"error": {"message": …}}`` | ``{"error": "…"}`` |
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import json
import re
import threading

CREATED = 1732406400
FLAVOURS = ("openai", "vllm")
OUTCOMES = ("completed", "failed", "expired", "cancelled")


class BatchAPI:
    def __init__(self, server, flavour: str = "openai", polls: int = 0, outcome: str = "completed"):
        if flavour not in FLAVOURS or outcome not in OUTCOMES:
            raise ValueError(f"flavour {flavour!r} / outcome {outcome!r}")
        self.server, self.flavour, self.polls, self.outcome = server, flavour, polls, outcome
        self.files: dict[str, dict] = {}
        self.contents: dict[str, bytes] = {}
        self.batches: dict[str, dict] = {}
        self.reads: dict[str, int] = {}
        self.downloads: list[str] = []
        """The id of every file whose content was downloaded, in order."""
        self.bodies: list[dict] = []
        """The body of every batch line answered (``server.requests`` holds them too)."""
        self._lock = threading.Lock()

    @property
    def vllm(self) -> bool:
        return self.flavour == "vllm"

    # ------------------------------------------------------------------ routes

    def route(self, method: str, path: str, headers, raw: bytes):
        """(status, JSON object or bytes, headers) for a batch route, else None."""
        path = path.split("?", 1)[0].rstrip("/")
        if method == "POST" and path.endswith("/v1/files"):
            return self._upload(headers.get("content-type", ""), raw)
        found = re.search(r"/v1/files/([^/]+)(/content)?$", path)
        if method == "GET" and found:
            file_id = found.group(1)
            if file_id not in self.files:
                return self._error(404, f"No such File object: {file_id}")
            if found.group(2):
                with self._lock:
                    self.downloads.append(file_id)
                return 200, self.contents[file_id], {"content-type": "application/octet-stream"}
            return 200, self.files[file_id], {}
        if method == "POST" and path.endswith("/v1/batches"):
            return self._create(json.loads(raw or b"{}"))
        found = re.search(r"/v1/batches/([^/]+)(/cancel)?$", path)
        if found and found.group(1) in self.batches:
            batch = self.batches[found.group(1)]
            if method == "GET" and not found.group(2):
                return 200, self._read(batch), {}
            if (method == "POST" and found.group(2) and not self.vllm) or (method == "DELETE" and self.vllm):
                batch["status"] = "cancelled"
                return 200, batch, {}
        if found:
            return self._error(404, f"No batch found with id '{found.group(1)}'")
        return None

    def _upload(self, content_type: str, raw: bytes):
        message = email.parser.BytesParser(policy=email.policy.default).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
        )
        fields = {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}
        if "file" not in fields:
            return self._error(400, "Missing required parameter 'file'")
        purpose = fields["purpose"].get_content().strip() if "purpose" in fields else ""
        if purpose != "batch":
            return self._error(400, f"purpose {purpose!r}: only 'batch' here")
        data = fields["file"].get_payload(decode=True)
        return 200, self._file(data, fields["file"].get_filename() or "input.jsonl", "batch"), {}

    def _file(self, data: bytes, name: str, purpose: str) -> dict:
        file_id = ("file-" if not self.vllm else "file_") + hashlib.sha256(data + name.encode()).hexdigest()[:12] + str(len(self.files))
        meta = {"id": file_id, "bytes": len(data), "created_at": CREATED, "filename": name, "purpose": purpose}
        if not self.vllm:
            meta = {"object": "file", **meta, "status": "processed", "expires_at": None}
        self.files[file_id], self.contents[file_id] = meta, data
        return meta

    def _create(self, body: dict):
        file_id = body.get("input_file_id")
        if file_id not in self.files:
            return self._error(404 if file_id else 400, f"File {file_id} not found" if file_id else "Missing required parameter 'input_file_id'")
        if body.get("endpoint") != "/v1/chat/completions":
            return self._error(400, f"endpoint {body.get('endpoint')!r} is not supported")
        lines = [json.loads(line) for line in self.contents[file_id].decode("utf-8").splitlines() if line.strip()]
        ids = [line["custom_id"] for line in lines]
        if len(set(ids)) != len(ids) or any(len(i) > 64 for i in ids):
            return self._error(400, "custom_id values must be unique and at most 64 characters")
        batch_id = f"batch_{len(self.batches):04d}{'v' if self.vllm else 'o'}"
        batch = {
            "id": batch_id,
            "endpoint": body["endpoint"],
            "input_file_id": file_id,
            "completion_window": body.get("completion_window", "24h"),
            "status": "pending" if self.vllm else "validating",
            "output_file_id": None,
            "error_file_id": None,
            "created_at": CREATED,
            "expires_at": None if self.vllm else CREATED + 86400,
            "completed_at": None,
        }
        if self.vllm:
            batch.update(total_requests=len(lines), completed_requests=0, failed_requests=0, metadata=body.get("metadata"))
        else:
            batch.update(object="batch", errors=None, request_counts={"total": len(lines), "completed": 0, "failed": 0}, metadata=body.get("metadata"))
        self.batches[batch_id] = batch
        self.reads[batch_id] = 0
        return 200, batch, {}

    def _read(self, batch: dict) -> dict:
        with self._lock:
            self.reads[batch["id"]] += 1
            reads = self.reads[batch["id"]]
        if batch["status"] in ("pending", "validating", "running", "in_progress"):
            if reads > self.polls:
                self._finish(batch)
            else:
                batch["status"] = "running" if self.vllm else "in_progress"
        return batch

    # ------------------------------------------------------------------ running a batch

    def _finish(self, batch: dict) -> None:
        if self.outcome == "failed":
            batch["status"] = "failed"
            if not self.vllm:
                batch["errors"] = {"object": "list", "data": [{"code": "invalid_json_line", "line": 1, "message": "This line is not parseable as valid JSON.", "param": None}]}
            return
        lines = [json.loads(line) for line in self.contents[batch["input_file_id"]].decode("utf-8").splitlines() if line.strip()]
        answered = len(lines) if self.outcome == "completed" else len(lines) // 2
        good, bad = [], []
        for n, line in enumerate(lines):
            if n < answered:
                with self._lock:
                    self.bodies.append(line["body"])
                status, body, _ = self.server.answer(line["body"])
                (good if status == 200 else bad).append(self._line(n, line["custom_id"], status, body))
            else:
                bad.append(self._unrun(n, line["custom_id"]))
        if self.vllm:
            batch["output_file_id"] = self._file(_jsonl(good + bad), f"{batch['id']}_output.jsonl", "batch_output")["id"]
            batch.update(completed_requests=len(good), failed_requests=len(bad))
        else:
            good.reverse()  # OpenAI does not keep the input's order
            if good:
                batch["output_file_id"] = self._file(_jsonl(good), "batch_output.jsonl", "batch_output")["id"]
            if bad:
                batch["error_file_id"] = self._file(_jsonl(bad), "batch_errors.jsonl", "batch_output")["id"]
            batch["request_counts"] = {"total": len(lines), "completed": len(good), "failed": len(bad)}
        batch["status"] = self.outcome
        batch["completed_at"] = CREATED + 60

    def _line(self, n: int, custom_id: str, status: int, body: dict) -> dict:
        if self.vllm:
            ok = status == 200
            error = None if ok else str((body.get("error") or {}).get("message"))
            response = {"status_code": status, "request_id": f"vllm-batch-{n:08x}", "body": body if ok else None}
            return {"id": f"vllm-{n:08x}", "custom_id": custom_id, "response": response, "error": error}
        response = {"status_code": status, "request_id": f"req_{n:06d}", "body": body}
        return {"id": f"batch_req_{n:06d}", "custom_id": custom_id, "response": response, "error": None}

    def _unrun(self, n: int, custom_id: str) -> dict:
        code = "batch_expired" if self.outcome == "expired" else "batch_cancelled"
        message = "This request could not be executed before the completion window expired." if code == "batch_expired" else "The batch was cancelled."
        if self.vllm:
            return {"id": f"vllm-{n:08x}", "custom_id": custom_id, "response": {"status_code": 400, "request_id": f"vllm-batch-{n:08x}", "body": None}, "error": message}
        return {"id": f"batch_req_{n:06d}", "custom_id": custom_id, "response": None, "error": {"code": code, "message": message}}

    def _error(self, status: int, message: str):
        if self.vllm:
            return status, {"error": message}, {}
        return status, {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}, {}


def online(server) -> list[dict]:
    """The chat requests the server answered at /v1/chat/completions, not in a batch."""
    api = server.batch
    batched = {id(b) for b in api.bodies} if api else set()
    return [r for r in server.requests if id(r) not in batched]


def _jsonl(lines: list[dict]) -> bytes:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode("utf-8")


def attach(server, flavour: str = "openai", polls: int = 0, outcome: str = "completed") -> BatchAPI:
    server.batch = BatchAPI(server, flavour, polls, outcome)
    return server.batch
