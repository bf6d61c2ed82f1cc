"""Maintainer tooling that run.py calls. Lessons never import from here."""
