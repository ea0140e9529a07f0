"""Reading article files. Every article here is an invented test fixture."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from fakes.documents import write

from index.articles import article_files, read_article_file, read_articles
from index.models import ArticleIn

TITLE = "خبر تجريبي: افتتاح مكتبة في مدينة خيالية"
PARA1 = "هذا نص تجريبي لاختبار القراءة من الملفات."
PARA2 = "الفقرة الثانية من النص التجريبي."


def file_guid(path: Path) -> str:
    return f"file:{path.resolve().as_posix()}"


# --- .txt / .md ------------------------------------------------------------------------------


def test_plain_text_first_line_is_the_title(tmp_path: Path) -> None:
    path = write(tmp_path / "one.txt", f"\n\n{TITLE}\n{PARA1}\n{PARA2}\n")
    article = read_article_file(path)
    assert article == ArticleIn(title=TITLE, text=f"{PARA1}\n{PARA2}", guid=file_guid(path))


def test_blank_lines_separate_paragraphs_and_wrapped_lines_are_joined(tmp_path: Path) -> None:
    body = f"{TITLE}\n\nهذا نص تجريبي\nمكسور على سطرين.\n\n\n{PARA2}\n"
    article = read_article_file(write(tmp_path / "wrapped.txt", body))
    assert article.text == f"هذا نص تجريبي مكسور على سطرين.\n{PARA2}"


def test_front_matter_fields(tmp_path: Path) -> None:
    content = (
        "---\n"
        f"title: {TITLE}\n"
        'source: "صحيفة تجريبية"\n'
        "url: https://example.test/a/1\n"
        "published: 2024-03-05T14:30:00+03:00\n"
        "language: ar\n"
        "# a comment line\n"
        "unknown_key: ignored\n"
        "---\n"
        f"{PARA1}\n"
    )
    article = read_article_file(write(tmp_path / "fm.md", content))
    assert article.title == TITLE
    assert article.text == PARA1
    assert article.source == "صحيفة تجريبية"
    assert article.url == "https://example.test/a/1"
    assert article.published == datetime(2024, 3, 5, 14, 30, tzinfo=timezone(timedelta(hours=3)))
    assert article.published.utcoffset() == timedelta(hours=3)
    assert article.language == "ar"
    assert article.guid == file_guid(tmp_path / "fm.md")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", datetime(2024, 3, 5, tzinfo=UTC)),  # a date alone: 00:00 UTC
        ("2024-03-05T10:00:00", datetime(2024, 3, 5, 10, tzinfo=UTC)),  # naive: UTC
        ("2024-03-05T10:00:00Z", datetime(2024, 3, 5, 10, tzinfo=UTC)),
        ("2024-03-05 10:00+02:00", datetime(2024, 3, 5, 8, tzinfo=UTC)),
    ],
)
def test_published_is_timezone_aware(tmp_path: Path, value: str, expected: datetime) -> None:
    path = write(tmp_path / "d.md", f"---\ntitle: {TITLE}\npublished: {value}\n---\n{PARA1}\n")
    published = read_article_file(path).published
    assert published == expected
    assert published is not None and published.tzinfo is not None


def test_body_heading_repeating_the_title_is_dropped(tmp_path: Path) -> None:
    content = f"---\ntitle: {TITLE}\n---\n\n# {TITLE}\n\n{PARA1}\n"
    assert read_article_file(write(tmp_path / "dup.md", content)).text == PARA1


def test_body_first_line_differing_from_the_title_is_kept(tmp_path: Path) -> None:
    content = f"---\ntitle: {TITLE}\n---\n{PARA1}\n{PARA2}\n"
    assert read_article_file(write(tmp_path / "keep.md", content)).text == f"{PARA1}\n{PARA2}"


def test_markdown_heading_as_title_and_list_items_as_lines(tmp_path: Path) -> None:
    content = f"# {TITLE}\n\n{PARA1}\n- البند الأول\n- البند الثاني\n"
    article = read_article_file(write(tmp_path / "list.md", content))
    assert article.title == TITLE
    assert article.text == f"{PARA1}\n- البند الأول\n- البند الثاني"


def test_windows_1256_and_bom_and_crlf_files(tmp_path: Path) -> None:
    text = f"{TITLE}\r\n{PARA1}\r\n"
    arabic_windows = read_article_file(write(tmp_path / "cp.txt", text.encode("cp1256")))
    with_bom = read_article_file(write(tmp_path / "bom.txt", text.encode("utf-8-sig")))
    utf16 = read_article_file(write(tmp_path / "u16.txt", text.encode("utf-16")))
    for article in (arabic_windows, with_bom, utf16):
        assert (article.title, article.text) == (TITLE, PARA1)


# --- .json -----------------------------------------------------------------------------------


def test_json_object(tmp_path: Path) -> None:
    item = {
        "title": TITLE,
        "content": f"{PARA1}\n{PARA2}",
        "source": "وكالة تجريبية",
        "url": "https://example.test/x",
        "published": "2024-01-02",
    }
    path = write(tmp_path / "obj.json", json.dumps(item, ensure_ascii=False))
    article = read_article_file(path)
    assert article == ArticleIn(
        title=TITLE,
        text=f"{PARA1}\n{PARA2}",
        source="وكالة تجريبية",
        url="https://example.test/x",
        published=datetime(2024, 1, 2, tzinfo=UTC),
        guid=file_guid(path),
    )


def test_json_list_gets_indexed_guids(tmp_path: Path) -> None:
    items = [
        {"title": TITLE, "text": PARA1},
        {"title": "خبر تجريبي ثان", "text": PARA2, "language": "ar", "guid": "own-id-7"},
    ]
    path = write(tmp_path / "many.json", json.dumps(items, ensure_ascii=False))
    articles = read_articles(path)
    assert [(a.title, a.guid) for a in articles] == [
        (TITLE, file_guid(path) + "#0"),
        ("خبر تجريبي ثان", "own-id-7"),
    ]
    with pytest.raises(ValueError, match=r"many\.json.*read_articles"):
        read_article_file(path)


# --- folders ---------------------------------------------------------------------------------


def test_folder_is_read_recursively_in_name_order(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "b.txt", f"العنوان ب\n{PARA1}\n")
    write(root / "a.md", f"العنوان أ\n{PARA1}\n")
    write(root / "sub" / "a.txt", f"العنوان الفرعي\n{PARA1}\n")
    write(root / "list.json", json.dumps([{"title": "ج", "text": PARA2}], ensure_ascii=False))
    write(root / "notes.csv", "ignored,file\n")
    write(root / ".hidden.txt", "مخفي\nنص\n")
    write(root / ".git" / "x.txt", "مخفي\nنص\n")
    articles = read_articles(root)
    assert [a.guid for a in articles] == [
        file_guid(root / "a.md"),
        file_guid(root / "b.txt"),
        file_guid(root / "list.json") + "#0",
        file_guid(root / "sub" / "a.txt"),  # apart from the top-level a.txt
    ]
    assert [p.name for p in article_files(root)] == ["a.md", "b.txt", "list.json", "a.txt"]


def test_same_names_in_different_folders_are_different_articles(tmp_path: Path) -> None:
    """a/news/x.txt and b/news/x.txt once shared the guid «file:x.txt»: ingesting b replaced
    a's story. Identity is the file itself."""
    first = write(tmp_path / "a" / "news" / "x.txt", f"{TITLE}\n{PARA1}\n")
    second = write(tmp_path / "b" / "news" / "x.txt", f"عنوان آخر\n{PARA2}\n")
    one, two = read_articles(first.parent)[0], read_articles(second.parent)[0]
    assert one.guid != two.guid
    assert one.guid == read_article_file(first).guid == read_articles(tmp_path)[0].guid


def test_deeply_nested_json_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path / "deep.json", "[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match="nested too deeply"):
        read_articles(path)


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", "", "empty"),
        ("blank.txt", "  \n\n \t\n", "empty"),
        ("title_only.txt", f"{TITLE}\n\n", "missing text"),
        ("binary.txt", b"\x00\x01\x02\x03" * 10, "encoding"),
        ("bad.json", '{"title": "x", "text": ', "malformed JSON at line 1"),
        ("no_title.json", json.dumps({"text": PARA1}), "missing title"),
        ("no_text.json", json.dumps({"title": TITLE}), "missing text"),
        ("item.json", json.dumps([{"title": "a", "text": "b"}, {"text": "c"}]), r"item 2.*title"),
        ("scalar.json", "42", "object or a list"),
        ("empty_list.json", "[]", "no articles"),
        ("list_of_str.json", '["x"]', "expected a JSON object"),
        ("nested.json", json.dumps({"title": ["a"], "text": "b"}), "'title' must be a string"),
        ("unclosed.md", f"---\ntitle: {TITLE}\n{PARA1}\n", "never closed"),
        ("badline.md", f"---\ntitle: {TITLE}\nno colon here\n---\n{PARA1}\n", "line 3"),
        ("baddate.md", f"---\ntitle: {TITLE}\npublished: next week\n---\n{PARA1}\n", "published"),
        ("notes.csv", "a,b\n", "unsupported file type .csv"),
    ],
)
def test_errors_name_the_file(
    tmp_path: Path, name: str, content: str | bytes, message: str
) -> None:
    path = write(tmp_path / name, content)
    with pytest.raises(ValueError, match=message) as caught:
        read_articles(path)
    assert name in str(caught.value)


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no such file or folder"):
        read_articles(tmp_path / "absent")


def test_bad_file_in_a_folder_stops_the_read_and_is_named(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", f"{TITLE}\n{PARA1}\n")
    write(tmp_path / "b.json", "{not json")
    with pytest.raises(ValueError, match=r"b\.json: malformed JSON"):
        read_articles(tmp_path)
