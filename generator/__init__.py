"""Vitrine: a static site generator for Open Badges catalogues."""

__version__ = "0.1.0"
