"""Every model behind one interface each, chosen by the settings: the embedder (`embeddings.py`: LangChain's
`Embeddings`), spaCy's pipelines (`nlp.py`: entities of sentences), chat models (`chat.py`: LangChain's
`BaseChatModel`, an OpenAI-compatible server or the packaged local model of `local.py`) and the text model that
ingest asks for translations and facts (`textmodel.py`: a prompt in, text out). No model is downloaded: each comes
inside a PyPI package and loads by local path."""
