"""Turn Pebble template text into tokens, as Pebble's ``LexerImpl`` does.

Text between tags becomes TEXT tokens; ``{{ }}`` and ``{% %}`` regions become expression tokens
framed by PRINT_START/PRINT_END and EXEC_START/EXEC_END. Comments vanish, ``{% raw %}`` and
``{% verbatim %}`` bodies become TEXT, and the ``-`` whitespace-control marks trim the
neighbouring TEXT. Double-quoted strings holding ``#{...}`` produce interpolation tokens.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from tiercel.expr.errors import TemplateSyntaxError, line_and_column

TEXT = "TEXT"
PRINT_START = "PRINT_START"
PRINT_END = "PRINT_END"
EXEC_START = "EXEC_START"
EXEC_END = "EXEC_END"
NAME = "NAME"
NUMBER = "NUMBER"
STRING = "STRING"
OP = "OP"
PUNCT = "PUNCT"
INTERP_START = "INTERP_START"
INTERP_END = "INTERP_END"
EOF = "EOF"


class Token(NamedTuple):
    """One lexical token; ``pos`` is its offset in the source, for error positions."""

    kind: str
    value: str
    pos: int


_START = re.compile(r"\{\{|\{%|\{#")
# Kestra protects raw blocks with a regex before Pebble sees them, so no whitespace control
# applies to them; the same pattern, made multi-line.
_RAW = re.compile(r"-*\s*(raw|verbatim)\s*-*%\}(.*?)\{%-*\s*end\1\s*-*%\}", re.DOTALL)
_WS = re.compile(r"\s*")
# Pebble sorts operators longest first and refuses a letter right after a word operator.
_OPERATOR = re.compile(
    r"\?\?\?|\?\?|\.\.|==|!=|<=|>=|[<>+\-*/%|~]"
    r"|(?:contains|equals|is not|notIn|isIn|and|not|or|is)(?![A-Za-z0-9_])"
)
_NAME = re.compile(r"[^\W\d][\w$]*|\$[\w$]*")
_NUMBER = re.compile(r"[0-9]+(?:(L)|\.[0-9]+)?")
_SINGLE = re.compile(r"'((?:[^'\\]|\\.)*)'", re.DOTALL)
_PUNCT = "()[]{}?:.,=|"
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def _unescape(text: str, quote: str) -> str:
    # Pebble only unescapes the quote and the backslash: '\n' stays a backslash and an n.
    return text.replace("\\" + quote, quote).replace("\\\\", "\\")


class _Lexer:
    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.tokens: list[Token] = []
        self.trim_next = False

    def fail(self, message: str, pos: int) -> TemplateSyntaxError:
        line, column = line_and_column(self.src, pos)
        return TemplateSyntaxError(message, source=self.src, line=line, column=column)

    def push_text(self, text: str, pos: int) -> None:
        if self.trim_next:
            text = text.lstrip()
            self.trim_next = False
        if text:
            self.tokens.append(Token(TEXT, text, pos))

    def rtrim_previous_text(self) -> None:
        if self.tokens and self.tokens[-1].kind == TEXT:
            last = self.tokens[-1]
            text = last.value.rstrip()
            if text:
                self.tokens[-1] = last._replace(value=text)
            else:
                self.tokens.pop()

    def run(self) -> list[Token]:
        src = self.src
        while self.pos < len(src):
            match = _START.search(src, self.pos)
            if match is None:
                self.push_text(src[self.pos :], self.pos)
                break
            self.push_text(src[self.pos : match.start()], self.pos)
            start, self.pos = match.start(), match.end()
            delimiter = match.group()
            if delimiter == "{%":
                raw = _RAW.match(src, self.pos)
                if raw is not None:
                    # Kestra swaps raw blocks out before Pebble runs, so they are kept exactly
                    # and their "-" marks trim nothing.
                    if raw.group(2):
                        self.tokens.append(Token(TEXT, raw.group(2), raw.start(2)))
                    self.pos = raw.end()
                    continue
            if src.startswith("-", self.pos):
                self.rtrim_previous_text()
                self.pos += 1
            if delimiter == "{#":
                self.comment(start)
            elif delimiter == "{{":
                self.tokens.append(Token(PRINT_START, "{{", start))
                self.expression("}}")
                self.tokens.append(Token(PRINT_END, "}}", self.pos))
                self.pos += 2
            else:
                self.tokens.append(Token(EXEC_START, "{%", start))
                self.expression("%}")
                self.tokens.append(Token(EXEC_END, "%}", self.pos))
                self.pos += 2
        self.tokens.append(Token(EOF, "", len(src)))
        return self.tokens

    def comment(self, start: int) -> None:
        end = self.src.find("#}", self.pos)
        if end < 0:
            raise self.fail("Unclosed comment", start)
        if self.src[self.pos : end].endswith("-"):
            self.trim_next = True
        self.pos = end + 2

    def expression(self, closer: str | None) -> None:
        """Lex expression tokens up to ``closer`` (or the end, when ``closer`` is None)."""
        src = self.src
        brackets: list[tuple[str, int]] = []
        while True:
            self.pos = _WS.match(src, self.pos).end()  # type: ignore[union-attr]
            pos = self.pos
            if pos >= len(src):
                if closer is None and not brackets:
                    return
                if brackets:
                    raise self.fail(f'Unclosed "{brackets[-1][0]}"', brackets[-1][1])
                raise self.fail(f'Unexpected end of template, expected "{closer}"', pos)
            if closer is not None and not brackets:
                if src.startswith(closer, pos):
                    return
                if src.startswith("-" + closer, pos):
                    self.trim_next = True
                    self.pos += 1
                    return
            self.one_token(brackets)

    def one_token(self, brackets: list[tuple[str, int]]) -> None:
        src, pos = self.src, self.pos
        match = _OPERATOR.match(src, pos)
        if match is not None:
            self.tokens.append(Token(OP, match.group(), pos))
            self.pos = match.end()
            return
        match = _NAME.match(src, pos)
        if match is not None:
            self.tokens.append(Token(NAME, match.group(), pos))
            self.pos = match.end()
            return
        match = _NUMBER.match(src, pos)
        if match is not None:
            text = match.group()
            self.tokens.append(Token(NUMBER, text[:-1] if match.group(1) else text, pos))
            self.pos = match.end()
            return
        char = src[pos]
        if char in _PUNCT:
            if char in "([{":
                brackets.append((char, pos))
            elif char in _CLOSERS:
                if not brackets:
                    raise self.fail(f'Unexpected "{char}"', pos)
                opened, _ = brackets.pop()
                if opened != _CLOSERS[char]:
                    expected = {v: k for k, v in _CLOSERS.items()}[opened]
                    raise self.fail(f'Unclosed "{opened}", expected "{expected}"', pos)
            self.tokens.append(Token(PUNCT, char, pos))
            self.pos += 1
            return
        if char == "'":
            match = _SINGLE.match(src, pos)
            if match is None:
                raise self.fail("Unclosed string literal", pos)
            self.tokens.append(Token(STRING, _unescape(match.group(1), "'"), pos))
            self.pos = match.end()
            return
        if char == '"':
            self.double_quoted()
            return
        raise self.fail(f"Unexpected character [{char}]", pos)

    def double_quoted(self) -> None:
        src, start = self.src, self.pos
        i = start + 1
        chunk_start = i
        emitted = False
        while True:
            if i >= len(src):
                raise self.fail("Unclosed string literal", start)
            char = src[i]
            if char == "\\":
                i += 2
                continue
            if char == '"':
                text = src[chunk_start:i]
                if text or not emitted:
                    self.tokens.append(Token(STRING, _unescape(text, '"'), chunk_start - 1))
                self.pos = i + 1
                return
            if char == "#" and src.startswith("#{", i):
                text = src[chunk_start:i]
                if text or not emitted:
                    self.tokens.append(Token(STRING, _unescape(text, '"'), chunk_start - 1))
                self.tokens.append(Token(INTERP_START, "#{", i))
                self.pos = i + 2
                self.interpolation(i)
                self.tokens.append(Token(INTERP_END, "}", self.pos))
                emitted = True
                i = self.pos + 1
                chunk_start = i
                continue
            i += 1

    def interpolation(self, start: int) -> None:
        src = self.src
        brackets: list[tuple[str, int]] = []
        while True:
            self.pos = _WS.match(src, self.pos).end()  # type: ignore[union-attr]
            if self.pos >= len(src):
                raise self.fail('Unclosed string interpolation "#{"', start)
            if not brackets and src[self.pos] == "}":
                return
            self.one_token(brackets)


def tokenize(source: str) -> list[Token]:
    """Tokenize a whole template."""
    return _Lexer(source).run()


def tokenize_expression(source: str) -> list[Token]:
    """Tokenize the inside of one ``{{ }}``: a bare expression."""
    lexer = _Lexer(source)
    lexer.expression(None)
    lexer.tokens.append(Token(EOF, "", len(source)))
    return lexer.tokens
