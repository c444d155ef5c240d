"""What several cogs show: a claim's buttons and the flag form, the drafts queue's door.

Cogs import from here and from the service, never from one another.
"""
