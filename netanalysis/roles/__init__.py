"""Roles (stage 4): forum roles from behaviour, structural roles (RolX),
brokerage (Gould-Fernandez) and core-periphery (Borgatti-Everett)."""
from .brokerage import BROKERAGE_ROLES, brokerage
from .core_periphery import CORE_PERIPHERY_PATTERNS, CorePeriphery, core_periphery
from .structural import StructuralRoles, refex_features, structural_roles

__all__ = [
    "brokerage", "BROKERAGE_ROLES", "core_periphery", "CorePeriphery", "CORE_PERIPHERY_PATTERNS",
    "structural_roles", "StructuralRoles", "refex_features",
]
