"""Facts of the partnership (people, organisations, events, plans), extracted from the documents at ingest, each with
the verbatim spans it rests on."""

from store.fact_records import Event, Fact, Organisation, Person, Plan, Span

__all__ = ["Event", "Fact", "Organisation", "Person", "Plan", "Span"]
