import json

from conftest import ROOT

from summarize.schemas import SCHEMAS, schema_texts


def test_published_schemas_match_the_models():
    for name, expected in schema_texts().items():
        published = (ROOT / "schemas" / name).read_text(encoding="utf-8")
        assert published == expected, f"schemas/{name} is stale: run `summarize schemas schemas/`"


def test_schemas_describe_evidence_on_every_item():
    article = json.loads(schema_texts()["article.schema.json"])
    for item in ("Actor", "Claim", "Figure", "Stance"):
        assert "evidence" in article["$defs"][item]["required"]
    evidence = article["$defs"]["Evidence"]["properties"]
    assert {"quote", "start", "end", "alignment"} <= set(evidence)
    assert set(SCHEMAS) == {"article.schema.json", "brief.schema.json"}
