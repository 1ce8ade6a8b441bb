"""Toolkit: the product shell around the four domain packages.

This is the only package that speaks HTTP, renders HTML, imports Reflex or prints to a
terminal. It owns the ``medskapa`` command line (Typer), settings read from ``MEDSKAPA_*``,
opening the SQLite database and applying every package's migrations, the URLs we hand out,
and (in later work) the designer and facilitator app and the citizen and participant pages.
"""
