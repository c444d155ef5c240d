"""Tests of the bot's cogs, through the real client against the fake Discord."""
