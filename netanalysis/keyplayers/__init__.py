"""Key actors, key-player sets, disruption and stability (stage 4)."""
from .key_actors import KEY_ACTOR_EVIDENCE, KEY_ACTOR_MODEL, KEY_ROLES, key_actor_evidence, key_actors, structural_measures
from .stability import stability
from .disruption import MEASURES, STRATEGIES, disrupt
from .kpp import KeyPlayerResult, key_player_score, key_player_set, sample_size
from .plot import plot_disruption

__all__ = [
    "key_actors", "key_actor_evidence", "KEY_ACTOR_MODEL", "KEY_ACTOR_EVIDENCE", "structural_measures", "KEY_ROLES", "stability",
    "key_player_set", "key_player_score", "KeyPlayerResult", "sample_size",
    "disrupt", "STRATEGIES", "MEASURES", "plot_disruption",
]
