"""Persistence of sessions, turns, grades and usage."""
