"""What naba says lives in bot/texts.py, and the commands in one table: checked from the source,
so a sentence written straight into a handler, or a command added without its menu line, fails
here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot import handlers, texts
from bot.app import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the Constant nodes that are docstrings."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


@pytest.mark.parametrize(
    "module", sorted(p.name for p in (ROOT / "bot").glob("*.py") if p.name != "texts.py")
)
def test_no_arabic_sentence_outside_texts(module: str) -> None:
    tree = ast.parse((ROOT / "bot" / module).read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    strays = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings and ARABIC_LETTER.search(node.value)
    ]
    assert strays == [], f"bot/{module}: move these to bot/texts.py"


def test_one_command_table_drives_the_menus() -> None:
    menu = [c.name for c in COMMANDS if c.menu]
    assert list(texts.MENU) == menu  # every listed command has its two descriptions, in order
    for arabic, english in texts.MENU.values():
        assert ARABIC_LETTER.search(arabic) and not ARABIC_LETTER.search(english)
    assert len({c.name for c in COMMANDS}) == len(COMMANDS)


def test_admin_commands_are_guarded_and_kept_out_of_the_menu() -> None:
    admin = {c.name for c in COMMANDS if getattr(c.callback, "admin_only", False)}
    assert admin == {"stats", "reindex", "ingest", "feeds"}
    assert not any(c.menu for c in COMMANDS if c.name in admin)
    assert not getattr(handlers.document, "admin_only", False)  # non-admins: a polite hint


def test_the_example_question_is_written_once() -> None:
    sources = [p for p in (ROOT / "bot").glob("*.py")]
    holders = [p.name for p in sources if texts.EXAMPLE in p.read_text(encoding="utf-8")]
    assert holders == ["texts.py"]
    assert (ROOT / "bot" / "texts.py").read_text(encoding="utf-8").count(texts.EXAMPLE) == 1
