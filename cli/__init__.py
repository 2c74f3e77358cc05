"""`partnerbot`, the command line: ingest, ask, chat, serve the app, evaluate."""
