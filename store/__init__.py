"""Everything persistent, behind one facade (`store.store.Store`): the Chroma collections of passages and facts
(`store.py`), the BM25 index derived from them (`lexical.py`), the facts looked up in memory (`facts.py`), the checked
translations (`translations.py`), what a passage and a fact carry (`records.py`, `fact_records.py`) and the cited
page of a document, rendered with its quote (`pages.py`). `ingest/` writes here, `bot/` and `service/` read."""
