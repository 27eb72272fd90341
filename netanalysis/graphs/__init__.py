"""Interaction graphs built from a forum (stage 2: records -> graphs)."""
from .interaction_graph import InteractionGraph

__all__ = ["InteractionGraph"]
