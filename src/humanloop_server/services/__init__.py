"""Server behaviour, as plain functions taking a :class:`~.context.Context` (session, organisation, runtime).

Routes call these and return what they give back (JSON-like dicts shaped like the wire schemas).
Services know nothing of HTTP: they raise the :mod:`.errors` family, which ``api/`` answers.
Public write functions commit before they return, so an acknowledged write is durable.
"""
