"""What several cogs show: persistent buttons, a claim's buttons, the flag form, the pager of
the moderators' queues and the drafts queue's door.

Cogs import from here and from the service, never from one another.
"""
