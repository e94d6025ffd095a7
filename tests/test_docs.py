"""Everything a user can type or query is documented where users look (README, docs/)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from redline import cli
from redline.config import Config
from warehouse import Warehouse

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = README + "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    out = []
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        path = f"{prefix}{name}"
        out.append(path)
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out += _keys(ann, path + ".")
    return out


def test_every_cli_verb_is_in_the_readme_with_an_example() -> None:
    for mod in cli.command_modules():
        assert f"`redline {mod.NAME}" in README, mod.NAME


def test_every_config_key_is_documented() -> None:
    missing = []
    for key in _keys(Config):
        top = key.split(".")[0]
        text = README if top != "alerts" else DOCS
        if f"`{key}`" not in text and f"`{key.split('.')[-1]}`" not in text:
            missing.append(key)
    assert not missing, missing


def test_every_public_view_and_its_columns_are_documented(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb").connect() as con:
        views = [r[0] for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal").fetchall()]
        missing = []
        for view in views:
            if f"**`{view}`**" not in DOCS and f"`{view}`" not in DOCS:
                missing.append(view)
                continue
            for (col,) in con.execute(f"SELECT column_name FROM (DESCRIBE {view})").fetchall():
                if f"`{col}`" not in DOCS:
                    missing.append(f"{view}.{col}")
    assert not missing, missing


def test_readme_tells_analysts_which_file_to_open() -> None:
    assert "duckdb -readonly data/redline.read.duckdb" in README
    assert Config().read_copy.name == "redline.read.duckdb"


def test_ontology_lists_every_vocabulary_id_and_links_the_labelling_guide() -> None:
    """docs/ontology.md's actor sections, topic table and stance table name exactly the ids
    of extractors/vocabulary.yaml, in its order, and point to the labelling convention."""
    import re

    from extractors.signals.model import ACTORS, STANCES, TOPICS

    text = (ROOT / "docs" / "ontology.md").read_text(encoding="utf-8")
    assert re.findall(r"^### `([a-z_]+)` \(", text, re.M) == list(ACTORS)
    topic_rows = re.findall(r"^\| `([a-z_]+)` \| [^|]*proposition|^\| `([a-z_]+)` \|", text, re.M)
    ids = [a or b for a, b in topic_rows]
    assert [i for i in ids if i in TOPICS] == list(TOPICS)
    assert [i for i in ids if i in STANCES] == list(STANCES)
    assert "annotation.md" in text and (ROOT / "docs" / "annotation.md").is_file()
