"""SVG that a strict Content-Security-Policy lets the browser draw.

Matplotlib writes its styling as `style="..."` attributes and a `<style>` element. Inside an
HTML page both are inline styles, which DiscTrack's policy (no 'unsafe-inline') forbids,
and the browser would drop every colour and line width. The same declarations are SVG
presentation attributes, which no policy governs: `presentational` rewrites one into the
other, so a chart looks the same and the policy stays strict.
"""

from __future__ import annotations

import re

_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>\s*\*\s*\{([^}]*)\}\s*</style>", re.S)
_ANY_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)


def _attributes(declarations: str) -> str:
    parts = []
    for declaration in declarations.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name and value:
            parts.append(f' {name}="{value}"')
    return "".join(parts)


def presentational(svg: str) -> str:
    """`svg` with style attributes as presentation attributes and no <style> element.

    A `* { ... }` rule (matplotlib's line joins and caps) moves to the root element, from
    which SVG inherits it; any other rule is dropped rather than left to be refused."""
    root_rules = "".join(_attributes(rule) for rule in _STYLE_ELEMENT.findall(svg))
    svg = _ANY_STYLE_ELEMENT.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(lambda match: _attributes(match.group(1)), svg)
    if root_rules:
        svg = svg.replace("<svg ", f"<svg{root_rules} ", 1)
    return svg
