"""Telegram's HTML parse mode, as the Bot API server applies it to ``parse_mode=HTML`` text.

A port of tdlib's ``parse_html`` (td/telegram/MessageEntity.cpp): same accepted tags, same
error descriptions, same byte offsets (UTF-8) in them, and entity offsets/lengths in UTF-16
code units. One deliberate difference, on by default: ``strict_ampersand`` rejects a ``&`` that
does not start a complete entity (``&amp;``, ``&lt;``, ``&gt;``, ``&quot;``, ``&#NN;``,
``&#xHH;``). Telegram itself shows such an ``&`` literally, but its docs require escaping it,
and an unescaped ``&`` in our output means an unescaped ``<`` is one article away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["HtmlParseError", "ParsedText", "parse_html", "utf16_len"]

SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
        "tg-emoji", "code", "pre", "blockquote",
    }
)  # fmt: skip
_ENTITY_TYPE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
}
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# tdlib's is_space() counts NUL as space; it doubles as the end-of-text sentinel below.
_SPACES = frozenset(" \t\r\n\v\0")
_END = "\0"


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(err)`` is Telegram's description tail."""


@dataclass(frozen=True)
class ParsedText:
    """Visible text after entity parsing, plus the entities as Bot API dicts."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for limits and entity offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int  # UTF-16 offset in the output
    out_index: int  # index into the output pieces, to recover the inner text of <a>
    begin: int  # byte offset of "<", for error messages


class _Parser:
    def __init__(self, source: str, strict_ampersand: bool) -> None:
        self.src = source
        self.strict = strict_ampersand
        self.out: list[str] = []
        self.u16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    # -- helpers ---------------------------------------------------------------------------
    def at(self, i: int) -> str:
        return self.src[i] if i < len(self.src) else _END

    def byte_offset(self, i: int) -> int:
        return len(self.src[:i].encode("utf-8", "surrogatepass"))

    def emit(self, ch: str) -> None:
        self.out.append(ch)
        self.u16 += utf16_len(ch)

    def decode_ref(self, pos: int) -> tuple[str | None, int, bool]:
        """tdlib's decode_html_entity: (character or None, end index, ended with ';')."""
        at = self.at
        end = pos + 1
        code = 0
        if at(pos + 1) == "#":
            end += 1
            if at(pos + 2) == "x":
                end += 1
                while at(end) in "0123456789abcdefABCDEF":
                    code = code * 16 + int(at(end), 16)
                    end += 1
            else:
                while at(end).isascii() and at(end).isdigit():
                    code = code * 10 + int(at(end))
                    end += 1
            if code == 0 or code >= 0x10FFFF or end - pos >= 10:
                return None, pos, False
            char = chr(code)
        else:
            while at(end).isascii() and at(end).isalpha():
                end += 1
            named = _NAMED_REFS.get(self.src[pos + 1 : end])
            if named is None:
                return None, pos, False
            char = named
        if at(end) == ";":
            return char, end + 1, True
        return char, end, False

    # -- main loop -------------------------------------------------------------------------
    def parse(self) -> ParsedText:
        src, at = self.src, self.at
        i = 0
        while i < len(src):
            c = src[i]
            if c == "&":
                char, end, complete = self.decode_ref(i)
                if char is not None and (complete or not self.strict):
                    if 0xD800 <= ord(char) <= 0xDFFF:
                        raise HtmlParseError(
                            "Text contains invalid Unicode characters after decoding HTML "
                            "entities, check for unmatched surrogate code units"
                        )
                    self.emit(char)
                    i = end
                    continue
                if self.strict:
                    raise HtmlParseError(
                        f'Unescaped "&" at byte offset {self.byte_offset(i)}; write &amp; '
                        "(fake Bot API strictness: real Telegram would show it as text)"
                    )
            if c != "<":
                self.emit(c)
                i += 1
                continue
            begin = i
            i += 1
            i = self.end_tag(begin, i) if at(i) == "/" else self.start_tag(begin, i)
            i += 1  # past ">"
        if self.stack:
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), self.entities)

    def start_tag(self, begin: int, i: int) -> int:
        at = self.at
        while at(i) not in _SPACES and at(i) != ">":
            i += 1
        if at(i) == _END:
            raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        tag = self.src[begin + 1 : i].lower()
        where = f"at byte offset {self.byte_offset(begin)}"
        if tag not in SUPPORTED_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{tag}" {where}')
        argument = ""
        while at(i) != ">":
            while at(i) != _END and at(i) in _SPACES:
                i += 1
            if at(i) == ">":
                break
            name_begin = i
            while at(i) not in _SPACES and at(i) not in "=>":
                i += 1
            name = self.src[name_begin:i]
            if not name:
                raise HtmlParseError(f'Empty attribute name in the tag "{tag}" {where}')
            while at(i) != _END and at(i) in _SPACES:
                i += 1
            if at(i) != "=":
                # Bot API 7.3 added the valueless <blockquote expandable>.
                if tag == "blockquote" and name == "expandable" and at(i) != _END:
                    argument = "1"
                    continue
                raise HtmlParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" {where}'
                )
            i += 1
            while at(i) != _END and at(i) in _SPACES:
                i += 1
            if at(i) == _END:
                raise HtmlParseError(f'Unclosed start tag "{tag}" {where}')
            value, i = self.attribute_value(i)
            if at(i) == _END:
                raise HtmlParseError(f"Unclosed start tag {where}")
            if tag == "a" and name == "href":
                argument = value
            elif tag == "code" and name == "class" and value.startswith("language-"):
                argument = value[len("language-") :]
            elif tag == "span" and name == "class" and value.startswith("tg-"):
                argument = value[len("tg-") :]
            elif tag == "tg-emoji" and name == "emoji-id":
                argument = value
        if tag == "span" and argument != "spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" {where}')
        self.stack.append(_Open(tag, argument, self.u16, len(self.out), begin))
        return i

    def attribute_value(self, i: int) -> tuple[str, int]:
        at = self.at
        if at(i) not in "'\"":
            # A name token: letters, digits, periods, hyphens; case-insensitive.
            token_begin = i
            while (at(i).isascii() and at(i).isalnum()) or at(i) in ".-":
                i += 1
            if at(i) not in _SPACES and at(i) != ">":
                raise HtmlParseError(
                    f"Unexpected end of name token at byte offset {self.byte_offset(token_begin)}"
                )
            return self.src[token_begin:i].lower(), i
        quote = at(i)
        i += 1
        chars: list[str] = []
        while at(i) != quote and at(i) != _END:
            if at(i) == "&":
                char, end, _ = self.decode_ref(i)
                if char is not None:
                    chars.append(char)
                    i = end
                    continue
            chars.append(at(i))
            i += 1
        if at(i) == quote:
            i += 1
        return "".join(chars), i

    def end_tag(self, begin: int, i: int) -> int:
        at = self.at
        where = f"at byte offset {self.byte_offset(begin)}"
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag {where}")
        while at(i) not in _SPACES and at(i) != ">":
            i += 1
        end_name = self.src[begin + 2 : i]
        while at(i) != _END and at(i) in _SPACES:
            i += 1
        if at(i) != ">":
            raise HtmlParseError(f"Unclosed end tag {where}")
        opened = self.stack[-1]
        if end_name and end_name != opened.tag:
            raise HtmlParseError(
                f'Unmatched end tag {where}, expected "</{opened.tag}>", found "</{end_name}>"'
            )
        self.stack.pop()
        self.close_entity(opened)
        return i

    def close_entity(self, opened: _Open) -> None:
        tag, offset = opened.tag, opened.offset
        length = self.u16 - offset
        if tag == "tg-emoji":
            arg = opened.argument
            if not (arg.isascii() and arg.isdigit() and 0 < int(arg) < 2**63):
                raise HtmlParseError("Invalid custom emoji identifier specified")
        if length <= 0:
            return  # Telegram drops empty entities silently
        entity: dict[str, Any] = {"offset": offset, "length": length}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (offset, length)
        if tag in _ENTITY_TYPE:
            entity["type"] = _ENTITY_TYPE[tag]
        elif tag == "a":
            url = opened.argument or "".join(self.out[opened.out_index :])
            if not _looks_like_url(url):
                return  # Telegram keeps the text and drops a link it cannot parse
            entity.update(type="text_link", url=url)
        elif tag == "tg-emoji":
            entity.update(type="custom_emoji", custom_emoji_id=opened.argument)
        elif tag == "blockquote":
            entity["type"] = "expandable_blockquote" if opened.argument else "blockquote"
        elif tag == "pre":
            if same_span and last is not None and last["type"] == "code" and "language" in last:
                last["type"] = "pre"
                return
            entity["type"] = "pre"
        elif tag == "code":
            if same_span and last is not None and last["type"] == "pre" and opened.argument:
                last["language"] = opened.argument
                return
            entity["type"] = "code"
            if opened.argument:
                entity["language"] = opened.argument  # removed below unless a <pre> claims it
        self.entities.append(entity)


def _looks_like_url(url: str) -> bool:
    url = url.strip()
    if not url or any(ch in _SPACES for ch in url):
        return False
    scheme, sep, rest = url.partition("://")
    if sep:
        return scheme.lower() in {"http", "https", "tg", "ftp", "ton"} and bool(rest)
    return url.lower().startswith("tg:") or "." in url


def parse_html(source: str, *, strict_ampersand: bool = True) -> ParsedText:
    """Parse Telegram HTML; raise HtmlParseError with Telegram's description on bad markup."""
    parsed = _Parser(source, strict_ampersand).parse()
    for entity in parsed.entities:
        if entity["type"] == "code":
            entity.pop("language", None)  # a language only sticks to <pre><code>
    return parsed
