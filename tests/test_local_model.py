"""Opt-in: the seeds against a real local OpenAI-compatible server, in every ``--mode``.

Deselected by default (a CPU model is slow); run with

    SUMMARIZE_LOCAL_BASE_URL=http://127.0.0.1:8080/v1 .venv/bin/python -m pytest -m local_model

``SUMMARIZE_LOCAL_MODEL`` names the model (default ``local``), ``SUMMARIZE_LOCAL_TIMEOUT`` the
seconds per answer (default 300).  README "Running a local model" says how to start one.
A small model is not expected to extract much: the test checks that the tool's handling is
bounded and plain, whatever the model answers.
"""

import os
import re

import pytest
from conftest import SEEDS

from summarize import pipeline

pytestmark = pytest.mark.local_model

BASE_URL = os.environ.get("SUMMARIZE_LOCAL_BASE_URL")
MAX_OUTPUT_TOKENS = 512


@pytest.mark.skipif(not BASE_URL, reason="no local server configured: set SUMMARIZE_LOCAL_BASE_URL (see README, local models)")
@pytest.mark.parametrize("mode", ["tools", "json_schema", "md_json"])
def test_the_seeds_against_a_local_server_cost_a_bounded_amount_and_fail_plainly(mode):
    options = pipeline.Options(
        folder=SEEDS,
        model=os.environ.get("SUMMARIZE_LOCAL_MODEL", "local"),
        mode=mode,
        base_url=BASE_URL,
        timeout=float(os.environ.get("SUMMARIZE_LOCAL_TIMEOUT", "300")),
        max_retries=1,
        max_output_tokens=MAX_OUTPUT_TOKENS,
        summary=False,
        sleep=lambda seconds: None,
    )
    brief = pipeline.brief_folder(options, env={}).brief
    assert len(brief.articles) + len(brief.failed) == 2
    usage = brief.usage
    assert usage.completion_tokens <= usage.requests * MAX_OUTPUT_TOKENS  # every answer bounded
    assert usage.transport_retries == 0 or usage.abandoned == 0  # nothing resent onto a busy local server
    for failed in brief.failed:
        assert "\n" not in failed.reason and len(failed.reason) < 600
        assert not re.search(r"<failed_attempts>|<generation", failed.reason)
        assert re.search(r"--mode|--timeout|larger model|--max-output-tokens", failed.reason), failed.reason
    for item in brief.claims + brief.figures:
        assert item.evidence.alignment in ("exact", "fuzzy")  # whatever it found is grounded
