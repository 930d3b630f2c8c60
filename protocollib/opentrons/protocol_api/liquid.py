"""Liquids a protocol defines and loads into wells."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Liquid:
    """A named liquid with an optional description and display colour."""

    _id: str
    name: str
    description: Optional[str]
    display_color: Optional[str]
