"""Hand-written runtime shared by every generated resource client.

Nothing is imported here eagerly: import the submodule you need
(``humanloop.core.api_error``, ``humanloop.core.pagination`` ...).
"""
