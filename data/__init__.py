"""The show packs, shipped inside the wheel as the package ``bot.showpack`` (see pyproject.toml).

Read them with ``importlib.resources.files("bot.showpack")``, never through this folder's location."""
