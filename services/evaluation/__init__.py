"""Evaluation: is it working — counts, ratings, rankings, roll-ups (DESIGN §7)."""
