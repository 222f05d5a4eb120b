"""One delivery per reminder kind: what the reminder loop (:mod:`bot.reminders`) hands each due row to.

Deliveries sit above the services (they read parties, schedules and languages through them) and below the
composition root (:mod:`bot.app`), which holds the one table from kind to delivery. They know no discord.py:
everything goes out through the paced sender.
"""
