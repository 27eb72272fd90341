"""Outputs for people: the analysis pipeline (:mod:`.analyze`), the HTML
report (:mod:`.html`), GraphML, and one member's picture (:mod:`.member`)."""
