"""Developer tools: run from a checkout, never by the running bot (``python -m bot.devtools.locale`` maintains the
message catalogues through :mod:`bot.devtools.locale`)."""
