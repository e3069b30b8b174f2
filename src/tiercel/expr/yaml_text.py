"""YAML read as Kestra's Jackson mapper reads it: safely, with dates left as text.

PyYAML's safe loader turns ``2026-01-01`` into a ``date``; Jackson keeps it a string, and so
do Kestra's ``yaml`` function, YAML inputs and serdes tasks. This is the one loader they share.
"""

import yaml


def without_resolvers(base: type[yaml.SafeLoader], *tags: str) -> dict[str, list[object]]:
    """``base``'s implicit resolvers less those whose tag ends with one of ``tags``."""
    return {
        first: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith(tags)]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }


class TextDatesLoader(yaml.SafeLoader):
    """A safe YAML loader that leaves timestamps as strings."""


TextDatesLoader.yaml_implicit_resolvers = without_resolvers(yaml.SafeLoader, ":timestamp")
