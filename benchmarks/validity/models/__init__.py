"""Independent forum models of the validation suite.

Each module is written from the domain notes by a different mechanism and
shares no code with :mod:`synthetic` or ``benchmarks/alt_forum.py``; each
exposes ``NAME``, ``DESCRIPTION`` and ``generate(seed=0, scale=1.0) ->
(tables, truth)``, where ``tables`` is a dict of raw DataFrames for
:func:`netanalysis.read_forum` and ``truth`` has ``member_id, role,
key_actor``.
"""
MODELS = ("career", "helpdesk", "welcome", "megathread")
