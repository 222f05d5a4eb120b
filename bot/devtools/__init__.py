"""Developer tools: run from a checkout, never by the running bot (``python -m bot.locale`` maintains the
message catalogues through :mod:`bot.devtools.locale_tool`)."""
