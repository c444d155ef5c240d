"""Feature cogs: each package's __init__ only wires; the logic sits beside it."""
