"""Parse a template's statements: text, ``{{ }}`` output and ``{% %}`` tags.

Tags are Kestra's set: ``if``/``elseif``/``else``, ``for``/``else``, ``set``, ``macro``,
``filter`` and ``block`` (``raw`` is handled by the lexer). ``include``, ``extends``, ``import``
and the other tags Kestra removes are unknown here too.
"""

from __future__ import annotations

from tiercel.expr import nodes as n
from tiercel.expr.lexer import (
    EOF,
    EXEC_END,
    EXEC_START,
    NAME,
    OP,
    PRINT_END,
    PRINT_START,
    PUNCT,
    STRING,
    TEXT,
    Token,
)
from tiercel.expr.parser import Parser


class TemplateParser(Parser):
    """Adds statements to the expression parser."""

    def template(self) -> list[n.Node]:
        body, _ = self.body(None)
        return body

    def body(self, stops: set[str] | None) -> tuple[list[n.Node], str]:
        """Parse nodes until one of the ``stops`` tags; leave the cursor after that tag's name."""
        nodes: list[n.Node] = []
        while True:
            token = self.cur
            if token.kind == TEXT:
                self.advance()
                nodes.append(n.Text(token.pos, token.value))
            elif token.kind == PRINT_START:
                self.advance()
                expr = self.expression()
                self.expect(PRINT_END)
                nodes.append(n.Print(token.pos, expr))
            elif token.kind == EXEC_START:
                self.advance()
                tag = self.expect(NAME)
                if stops is not None and tag.value in stops:
                    return nodes, tag.value
                nodes.append(self.tag(tag))
            elif token.kind == EOF:
                if stops is not None:
                    wanted = " or ".join(f'"{s}"' for s in sorted(stops))
                    raise self.fail(f"Unexpected end of template, expected {wanted}")
                return nodes, ""
            else:
                raise self.fail(f"Unexpected {self.describe(token)}")

    def tag(self, tag: Token) -> n.Node:
        handler = {
            "if": self.tag_if,
            "for": self.tag_for,
            "set": self.tag_set,
            "macro": self.tag_macro,
            "filter": self.tag_filter,
            "block": self.tag_block,
        }.get(tag.value)
        if handler is None:
            raise self.fail(f'Unknown tag "{tag.value}"', tag)
        return handler(tag)

    def end_tag(self) -> None:
        if self.at(NAME) or self.at(STRING):
            self.advance()  # "{% endblock name %}" / "{% endmacro name %}"
        self.expect(EXEC_END)

    def tag_if(self, tag: Token) -> n.Node:
        branches: list[tuple[n.Node, list[n.Node]]] = []
        cond = self.expression()
        self.expect(EXEC_END)
        otherwise: list[n.Node] | None = None
        while True:
            body, stop = self.body({"elseif", "else", "endif"})
            branches.append((cond, body))
            if stop == "elseif":
                cond = self.expression()
                self.expect(EXEC_END)
                continue
            self.expect(EXEC_END)
            if stop == "else":
                otherwise, _ = self.body({"endif"})
                self.expect(EXEC_END)
            return n.If(tag.pos, branches, otherwise)

    def tag_for(self, tag: Token) -> n.Node:
        targets = [self.new_variable_name()]
        while self.at(PUNCT, ","):
            self.advance()
            targets.append(self.new_variable_name())
        self.expect(NAME, "in")
        iterable = self.expression()
        self.expect(EXEC_END)
        body, stop = self.body({"else", "endfor"})
        otherwise: list[n.Node] | None = None
        self.expect(EXEC_END)
        if stop == "else":
            otherwise, _ = self.body({"endfor"})
            self.expect(EXEC_END)
        return n.For(tag.pos, targets, iterable, body, otherwise)

    def tag_set(self, tag: Token) -> n.Node:
        name = self.new_variable_name()
        self.expect(PUNCT, "=")
        expr = self.expression()
        self.expect(EXEC_END)
        return n.Set(tag.pos, name, expr)

    def tag_macro(self, tag: Token) -> n.Node:
        name = self.expect(NAME).value
        self.expect(PUNCT, "(")
        params: list[tuple[str, n.Node | None]] = []
        while not self.at(PUNCT, ")"):
            if params:
                self.expect(PUNCT, ",")
            param = self.new_variable_name()
            default: n.Node | None = None
            if self.at(PUNCT, "="):
                self.advance()
                default = self.expression()
            params.append((param, default))
        self.advance()
        self.expect(EXEC_END)
        body, _ = self.body({"endmacro"})
        self.end_tag()
        return n.Macro(tag.pos, name, params, body)

    def tag_filter(self, tag: Token) -> n.Node:
        placeholder: n.Node = n.Var(tag.pos, "")
        filters = [self.filter_invocation(placeholder)]
        while self.at(OP, "|"):
            self.advance()
            filters.append(self.filter_invocation(placeholder))
        self.expect(EXEC_END)
        body, _ = self.body({"endfilter"})
        self.end_tag()
        return n.FilterBlock(tag.pos, filters, body)

    def tag_block(self, tag: Token) -> n.Node:
        if not (self.at(NAME) or self.at(STRING)):
            raise self.fail("Expected a block name")
        name = self.advance().value
        self.expect(EXEC_END)
        body, _ = self.body({"endblock"})
        self.end_tag()
        return n.Block(tag.pos, name, body)


def parse_template(tokens: list[Token], source: str) -> list[n.Node]:
    """Parse a whole template's tokens into statement nodes."""
    return TemplateParser(tokens, source).template()
