"""Parse tokens into a syntax tree with Pebble's precedence-climbing algorithm.

Precedences are Pebble's ``CoreExtension`` numbers plus Kestra's additions (``??`` and ``???``
at 120, ``isIn``/``notIn`` with the comparisons); a higher number binds tighter. As in Pebble's
``ExpressionParser``, the ternary ``c ? a : b`` is only recognised at the top of an expression
(or inside brackets and arguments), and a unary operator binds looser than every binary one
below 500, so ``not a == b`` reads ``(not a) == b``.
"""

from __future__ import annotations

from tiercel.expr import nodes as n
from tiercel.expr.errors import TemplateSyntaxError, line_and_column
from tiercel.expr.lexer import (
    EOF,
    EXEC_END,
    INTERP_END,
    INTERP_START,
    NAME,
    NUMBER,
    OP,
    PRINT_END,
    PUNCT,
    STRING,
    Token,
)

BINARY = {
    "or": 10,
    "and": 15,
    "is": 20,
    "is not": 20,
    "contains": 20,
    "==": 30,
    "equals": 30,
    "!=": 30,
    ">": 30,
    "<": 30,
    ">=": 30,
    "<=": 30,
    "isIn": 30,
    "notIn": 30,
    "+": 40,
    "-": 40,
    "*": 60,
    "/": 60,
    "%": 60,
    "|": 100,
    "~": 110,
    "..": 120,
    "??": 120,
    "???": 120,
}
UNARY_PRECEDENCE = 500
_LITERALS = {
    "true": True,
    "TRUE": True,
    "false": False,
    "FALSE": False,
    "null": None,
    "NULL": None,
    "none": None,
    "NONE": None,
}
_RESERVED = {"true", "false", "null", "none"}


class Parser:
    """A cursor over the token list with one method per grammar rule."""

    def __init__(self, tokens: list[Token], source: str) -> None:
        self.tokens = tokens
        self.source = source
        self.i = 0

    # --- cursor ------------------------------------------------------------------------------

    @property
    def cur(self) -> Token:
        return self.tokens[self.i]

    def peek(self) -> Token:
        return self.tokens[min(self.i + 1, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def at(self, kind: str, value: str | None = None) -> bool:
        token = self.tokens[self.i]
        return token.kind == kind and (value is None or token.value == value)

    def fail(self, message: str, token: Token | None = None) -> TemplateSyntaxError:
        token = token or self.cur
        line, column = line_and_column(self.source, token.pos)
        return TemplateSyntaxError(message, source=self.source, line=line, column=column)

    def describe(self, token: Token) -> str:
        if token.kind == EOF:
            return "end of template"
        if token.kind in (PRINT_END, EXEC_END):
            return f'"{token.value}"'
        return f'{token.kind.lower()} "{token.value}"'

    def expect(self, kind: str, value: str | None = None) -> Token:
        if not self.at(kind, value):
            wanted = f'"{value}"' if value is not None else kind.lower()
            raise self.fail(f"Expected {wanted} but found {self.describe(self.cur)}")
        return self.advance()

    # --- expressions -------------------------------------------------------------------------

    def expression(self, min_precedence: int = 0) -> n.Node:
        token = self.cur
        expr: n.Node
        if token.kind == OP and token.value in ("not", "+", "-"):
            self.advance()
            expr = n.Unary(token.pos, token.value, self.expression(UNARY_PRECEDENCE))
        elif token.kind == PUNCT and token.value == "(":
            self.advance()
            expr = self.expression()
            self.expect(PUNCT, ")")
            expr = self.postfix(expr)
        elif token.kind == PUNCT and token.value == "[":
            expr = self.postfix(self.list_literal())
        elif token.kind == PUNCT and token.value == "{":
            expr = self.postfix(self.map_literal())
        else:
            expr = self.primary()

        while True:
            token = self.cur
            precedence = BINARY.get(token.value) if token.kind == OP else None
            if precedence is None or precedence < min_precedence:
                break
            self.advance()
            op = token.value
            if op == "|":
                expr = self.filter_invocation(expr)
            elif op in ("is", "is not"):
                negated = op == "is not"
                if not negated and self.at(OP, "not"):
                    self.advance()
                    negated = True
                name = self.name_token("test name")
                args = self.arguments()[0] if self.at(PUNCT, "(") else []
                expr = n.Test(token.pos, expr, name.value, negated, args)
            else:
                right = self.expression(precedence + 1)
                expr = n.Binary(token.pos, op, expr, right)

        if min_precedence == 0 and self.at(PUNCT, "?"):
            question = self.advance()
            then = self.expression()
            self.expect(PUNCT, ":")
            otherwise = self.expression()
            expr = n.Ternary(question.pos, expr, then, otherwise)
        return expr

    def name_token(self, what: str) -> Token:
        # Word operators are valid attribute, filter and test names after "." or "|".
        if self.at(NAME) or (self.at(OP) and self.cur.value.isalpha()):
            return self.advance()
        raise self.fail(f"Expected {what} but found {self.describe(self.cur)}")

    def filter_invocation(self, expr: n.Node) -> n.Filter:
        name = self.name_token("filter name")
        args, kwargs = self.arguments() if self.at(PUNCT, "(") else ([], {})
        return n.Filter(name.pos, expr, name.value, args, kwargs)

    def primary(self) -> n.Node:
        token = self.cur
        node: n.Node
        if token.kind == NAME:
            self.advance()
            if token.value in _LITERALS:
                node = n.Literal(token.pos, _LITERALS[token.value])
            elif self.at(PUNCT, "("):
                args, kwargs = self.arguments()
                node = n.Call(token.pos, token.value, args, kwargs)
            else:
                node = n.Var(token.pos, token.value)
        elif token.kind == NUMBER:
            self.advance()
            node = n.Literal(
                token.pos, float(token.value) if "." in token.value else int(token.value)
            )
        elif token.kind in (STRING, INTERP_START):
            node = self.string()
        else:
            raise self.fail(f"Unexpected {self.describe(token)}")
        return self.postfix(node)

    def string(self) -> n.Node:
        parts: list[n.Node] = []
        previous = ""
        while True:
            if self.at(STRING) and previous != STRING:
                token = self.advance()
                parts.append(n.Literal(token.pos, token.value))
                previous = STRING
            elif self.at(INTERP_START):
                self.advance()
                parts.append(self.expression())
                self.expect(INTERP_END)
                previous = INTERP_END
            else:
                break
        node = parts[0]
        for part in parts[1:]:
            node = n.Binary(part.pos, "~", node, part)
        return node

    def postfix(self, node: n.Node) -> n.Node:
        while True:
            if self.at(PUNCT, "."):
                self.advance()
                name = self.name_token("attribute name")
                if self.at(PUNCT, "("):
                    args, kwargs = self.arguments()
                    if kwargs:
                        raise self.fail("Can not use named arguments when calling a method", name)
                    node = n.MethodCall(name.pos, node, name.value, args)
                else:
                    node = n.GetAttr(name.pos, node, name=name.value)
            elif self.at(PUNCT, "["):
                bracket = self.advance()
                key = self.expression()
                self.expect(PUNCT, "]")
                node = n.GetAttr(bracket.pos, node, key=key)
            else:
                return node

    def arguments(self) -> tuple[list[n.Node], dict[str, n.Node]]:
        self.expect(PUNCT, "(")
        args: list[n.Node] = []
        kwargs: dict[str, n.Node] = {}
        while not self.at(PUNCT, ")"):
            if args or kwargs:
                self.expect(PUNCT, ",")
            if self.at(NAME) and self.peek().kind == PUNCT and self.peek().value == "=":
                name = self.new_variable_name()
                self.advance()
                kwargs[name] = self.expression()
            else:
                if kwargs:
                    raise self.fail("Positional arguments must be declared before named ones")
                args.append(self.expression())
        self.advance()
        return args, kwargs

    def new_variable_name(self) -> str:
        token = self.expect(NAME)
        if token.value in _RESERVED:
            raise self.fail(f"Can not assign a value to {token.value}", token)
        return token.value

    def list_literal(self) -> n.Node:
        start = self.expect(PUNCT, "[")
        items: list[n.Node] = []
        while not self.at(PUNCT, "]"):
            if items:
                self.expect(PUNCT, ",")
            items.append(self.expression())
        self.advance()
        return n.ListLit(start.pos, items)

    def map_literal(self) -> n.Node:
        start = self.expect(PUNCT, "{")
        pairs: list[tuple[n.Node, n.Node]] = []
        while not self.at(PUNCT, "}"):
            if pairs:
                self.expect(PUNCT, ",")
            key = self.expression()
            self.expect(PUNCT, ":")
            pairs.append((key, self.expression()))
        self.advance()
        return n.MapLit(start.pos, pairs)


def parse_expression(tokens: list[Token], source: str) -> n.Node:
    """Parse the tokens of one bare expression; every token must be used."""
    parser = Parser(tokens, source)
    expr = parser.expression()
    if not parser.at(EOF):
        raise parser.fail(f"Unexpected {parser.describe(parser.cur)}")
    return expr
