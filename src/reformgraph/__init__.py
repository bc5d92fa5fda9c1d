"""reformgraph: Chinese reform case reports as a bilingual, validated knowledge graph."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
