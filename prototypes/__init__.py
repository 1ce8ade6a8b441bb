"""Prototypes: everything that turns a journey into a clickable e-service.

This package owns the screens derived from a journey, the navigation and validation engine
that decides which step comes next and which answers are valid, published prototype
versions (immutable, numbered snapshots of a journey), share links with their unguessable
codes and optional tasks, and QR codes for them. It depends only on ``journeys`` and never
speaks HTTP or renders HTML: ``toolkit`` does that.
"""
