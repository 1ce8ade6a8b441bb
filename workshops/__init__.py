"""Workshops: co-creation sessions where participants join by QR on their own phones.

This package owns workshops with their join codes, agendas of activities, participants
(nickname only), notes on journey steps (pain, idea, question, praise), dot votes with a
per-person limit, moderation and the report, and how notes become insights on the steps.
It may use ``feedback``, ``prototypes`` and ``journeys``; nothing below imports it.
"""
