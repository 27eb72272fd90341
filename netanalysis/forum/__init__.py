"""The forum data model (stage 1: records): reading, validating, typing,
pseudonymising and slicing forum tables."""
from .database import read_database
from .model import Forum, PostArrays
from .pseudonymize import pseudonymize, read_key
from .validation_report import ForumDataError, Problem, ValidationReport
from .schema import CATEGORIES, TABLES
from .slicing import subsample
from .stackexchange import read_stackexchange
from .validate import read_forum
from .writers import write_forum

__all__ = [
    "Forum", "PostArrays", "ForumDataError", "Problem", "ValidationReport",
    "CATEGORIES", "TABLES", "read_forum", "read_stackexchange", "write_forum", "pseudonymize", "read_key",
    "subsample", "read_database",
]
