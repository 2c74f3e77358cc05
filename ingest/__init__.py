"""Files to records: find the corpus's files (`corpus.py`), read each format (`loaders.py`; scans by OCR, `ocr.py`),
mend the layout (`layout.py`), cut passages (`chunking.py`), extract the facts (`facts/`) and translate (a stage of
`translation.py`), then write it all through `store/` (`pipeline.py`). Nothing here is read at question time."""
