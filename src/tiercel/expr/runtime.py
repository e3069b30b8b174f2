"""The state of one render: the caller's variables, the local scopes, the environment."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Protocol

from tiercel.expr.environment import Environment
from tiercel.expr.errors import UndefinedError


class Renderable(Protocol):
    """What ``Runtime.compile`` returns: a compiled template (see ``template.Template``)."""

    def render_with(self, rt: Runtime) -> str: ...


class Runtime:
    """One render's state, passed to every compiled closure.

    ``globals`` is the caller's context, never written to; ``{% set %}`` and loop variables go to
    ``scopes`` (innermost last), as Pebble's scope chain does.
    """

    __slots__ = ("blocks", "env", "globals", "macros", "scopes")

    # Set by ``tiercel.expr.template`` so ``render()`` can compile nested templates without
    # this module importing the compiler (which imports this module).
    compile: ClassVar[Callable[[str], Renderable]]

    def __init__(
        self,
        context: Mapping[str, Any],
        env: Environment,
        macros: Mapping[str, Any],
        blocks: Mapping[str, Any],
    ) -> None:
        self.globals = context
        self.env = env
        self.scopes: list[dict[str, Any]] = []
        self.macros = macros
        self.blocks = blocks

    def lookup(self, name: str, pos: int) -> Any:
        """A variable's value, innermost scope first; UndefinedError when there is none."""
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        try:
            return self.globals[name]
        except KeyError:
            raise UndefinedError(name, pos) from None

    def assign(self, name: str, value: Any) -> None:
        """``{% set %}``: update the innermost scope that has ``name``, else the current one."""
        for scope in reversed(self.scopes):
            if name in scope:
                scope[name] = value
                return
        if not self.scopes:
            self.scopes.append({})
        self.scopes[-1][name] = value

    def child(self, context: Mapping[str, Any]) -> Runtime:
        """A fresh runtime over ``context`` with the same environment (for ``render()``)."""
        return Runtime(context, self.env, {}, {})
