"""Scoring partnerbot against known answers."""
