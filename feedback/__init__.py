"""Feedback: what citizens did and said while testing a prototype version.

This package owns test sessions, consent and age bands, events (screen viewed, submitted,
validation error, back, abandoned, completed), step ratings, comments, the single ease
question and SUS, the withdrawal code that erases a session, and the analysis built on them:
metrics per step, deviation classes, small-number protection and exports. It depends on
``prototypes`` and ``journeys`` only.
"""
