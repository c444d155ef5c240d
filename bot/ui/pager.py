"""Paging through a moderators' queue (drafts, open flags), oldest first, with ◀ / ▶ buttons.

The buttons carry the ids of the page's first and last items, not a page number, so a page
pressed on an old message (after a restart, or after items were decided meanwhile) moves from
where that message was; every press re-reads the queue and re-checks the moderator.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, Self, TypeVar

import discord
from discord import ui
from discord.utils import MISSING

from bot.ui.persistent import NO_TEMPLATE, PersistentButton

if TYPE_CHECKING:
    from bot.client import ClaimBot

MOVES = {"prev": "◀ Previous", "next": "Next ▶"}


class HasId(Protocol):
    @property
    def id(self) -> int: ...


T = TypeVar("T", bound=HasId)


@dataclass(frozen=True)
class Page(Generic[T]):
    """The `size` items from index `start` of the whole queue `items` (by id, oldest first)."""

    items: Sequence[T]
    start: int
    size: int

    @property
    def shown(self) -> Sequence[T]:
        return self.items[self.start : self.start + self.size]

    @property
    def has_previous(self) -> bool:
        return self.start > 0

    @property
    def has_next(self) -> bool:
        return self.start + self.size < len(self.items)


def page_of(
    items: Sequence[T], size: int, *, at: int | None = None, before: int | None = None
) -> Page[T]:
    """The page that ends just before id `before`, or that starts at the first item from id
    `at` on (the last page when none is left from there), or the first page."""
    if before is not None:
        start = max(0, sum(item.id < before for item in items) - size)
    elif at is not None:
        start = sum(item.id < at for item in items)
        if start >= len(items):  # everything from there on was decided meanwhile
            start = max(0, len(items) - size)
    else:
        start = 0
    return Page(items, start, size)


class Queue(ABC, Generic[T]):
    """A queue a moderator pages through `size` items at a time; `show` shows a page of it."""

    prefix: ClassVar[str]  # custom_ids of its ◀ / ▶ buttons: <prefix>prev|next:<item id>
    size: ClassVar[int]

    @abstractmethod
    async def items(self, interaction: discord.Interaction[ClaimBot]) -> Sequence[T]:
        """The whole queue this moderator may decide here, by id."""

    @abstractmethod
    async def render(
        self, interaction: discord.Interaction[ClaimBot], page: Page[T], note: str
    ) -> tuple[str, list[discord.Embed], ui.View | None]:
        """The page's content, embeds and buttons (among them its `PageButton.pair`)."""

    async def show(
        self,
        interaction: discord.Interaction[ClaimBot],
        *,
        at: int | None = None,
        before: int | None = None,
        note: str = "",
        edit: bool,
    ) -> None:
        """Show a page (see `page_of`) in place of the message clicked (`edit`), or as a new
        message only the moderator sees. The interaction must have been deferred."""
        page = page_of(await self.items(interaction), self.size, at=at, before=before)
        content, embeds, view = await self.render(interaction, page, note)
        if edit:
            await interaction.edit_original_response(
                content=content or None, embeds=embeds, view=view
            )
        else:
            await interaction.followup.send(
                content or MISSING, embeds=embeds, view=view or MISSING, ephemeral=True
            )


class PageButton(PersistentButton, template=NO_TEMPLATE):
    """◀ / ▶ through a queue, for moderators: the page before item `id`, or the one after it.
    Each queue has its own subclass, `class Pages(PageButton, queue=QUEUE)`."""

    moderators_only = True
    queue: ClassVar[Queue[Any]]

    def __init_subclass__(cls, *, queue: Queue[Any]) -> None:
        super().__init_subclass__(
            template=re.escape(queue.prefix) + r"(?P<move>prev|next):(?P<id>\d+)"
        )
        cls.queue = queue

    def __init__(self, move: str, item_id: int, *, disabled: bool = False) -> None:
        custom_id = f"{self.queue.prefix}{move}:{item_id}"
        super().__init__(custom_id, MOVES[move], discord.ButtonStyle.secondary, disabled=disabled)
        self.move = move
        self.item_id = item_id

    @classmethod
    def pair(cls, page: Page[Any], row: int) -> list[Self]:
        """◀ and ▶ for a page that shows something, each disabled when nothing is that way."""
        buttons = [
            cls("prev", page.shown[0].id, disabled=not page.has_previous),
            cls("next", page.shown[-1].id, disabled=not page.has_next),
        ]
        for button in buttons:
            button.item.row = row
        return buttons

    @classmethod
    def from_match(cls, match: re.Match[str], label: str) -> Self:
        return cls(match["move"], int(match["id"]))

    async def pressed(self, interaction: discord.Interaction[ClaimBot]) -> None:
        await interaction.response.defer()
        if self.move == "next":
            await self.queue.show(interaction, at=self.item_id + 1, edit=True)
        else:
            await self.queue.show(interaction, before=self.item_id, edit=True)
