"""Roles (stage 4): forum roles from behaviour, structural roles (RolX),
brokerage (Gould-Fernandez) and core-periphery (Borgatti-Everett)."""
from .brokerage import BROKERAGE_ROLES, brokerage
from .forum_roles import KEY_ROLES, ROLES, forum_roles
from .core_periphery import CORE_PERIPHERY_PATTERNS, CorePeriphery, core_periphery
from .structural import StructuralRoles, refex_features, structural_roles

__all__ = [
    "forum_roles", "ROLES", "KEY_ROLES",
    "brokerage", "BROKERAGE_ROLES", "core_periphery", "CorePeriphery", "CORE_PERIPHERY_PATTERNS",
    "structural_roles", "StructuralRoles", "refex_features",
]
