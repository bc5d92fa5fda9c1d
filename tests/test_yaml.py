"""The YAML reader's fast tag resolution gives the tags PyYAML's own resolver gives."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from reformgraph import io

DOCUMENTS = [
    "a: 1\nb: [yes, no, ~, '', 1.5, 0x1F, 0o17, 1_000, 2024-01-01, '1', .inf, .NaN, -3, +4]\n",
    "c: {d: \"x\", e: 'y', f: z}\ng: [=, <<, '<<', null, Null, NULL, true, False, on, off]\n",
    "- ''\n- \n- null\n- True\n- 12:30:00\n- 1e3\n- -.5\n- 0b101\n- 中文\n- 一是\n",
    "key: |\n  block\n  text\nother: >\n  folded\nempty:\n",
]


def _tags(node: Any) -> list[str]:
    out = [node.tag]
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out += _tags(key) + _tags(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            out += _tags(item)
    return out


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="needs libyaml")
@pytest.mark.parametrize("text", DOCUMENTS)
def test_the_fast_resolver_tags_every_node_as_pyyaml_does(text: str) -> None:
    class Reference(yaml.SafeLoader):
        pass

    Reference.yaml_implicit_resolvers = io._RESOLVERS
    expected = _tags(Reference(text).get_single_node())
    assert _tags(io._LOADER(text).get_single_node()) == expected
    assert len(set(expected)) > 2
