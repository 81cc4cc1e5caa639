"""Sapat Workbench."""
