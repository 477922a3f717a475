"""Small text machinery: templates with {slots}, filled from word lists, and tidy sentences."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

_SLOT = re.compile(r"\{(\w+)\}")
_SPACES = re.compile(r"\s{2,}")


def pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    """Return one of ``options``, chosen uniformly."""
    return options[int(rng.integers(len(options)))]


def fill(template: str, rng: np.random.Generator, slots: Mapping[str, Sequence[str]]) -> str:
    """Return ``template`` with every ``{slot}`` replaced by a random choice from ``slots``."""
    return _SLOT.sub(lambda m: pick(rng, slots[m.group(1)]), template)


def sentence(text: str, end: str = ".") -> str:
    """Return ``text`` with a capital first letter and a final punctuation mark."""
    text = _SPACES.sub(" ", text).strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + end
