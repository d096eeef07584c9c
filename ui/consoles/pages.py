"""The console's pages: which widget shows each page of `kiosk.station.consoles.PAGES`.

A spec names the core page by its key (the title's message code and the permission that opens it come
from the core, so a page cannot be opened by a role the roles table refuses) and a factory taking the
`UiContext`. Factories are "module:Class" strings imported when the page is first built, as napari's
plugin manifests name their widgets: the console does not pay for pages a role never opens, and a page
that fails to import is reported on its own tab instead of taking the window down.

Adding a page: put its `ConsolePage` in the core table, then append a `PageSpec` here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.station import consoles
from kiosk.station.consoles import ConsolePage
from ui.context import UiContext

Factory = Callable[[UiContext], Any]


@dataclass(frozen=True)
class PageSpec:
    key: str  # a key of kiosk.station.consoles.PAGES
    factory: str | Factory  # "package.module:Class" or a callable; called with the UiContext

    @property
    def page(self) -> ConsolePage:
        return consoles.page(self.key)

    @property
    def title(self) -> str:
        return self.page.title

    @property
    def permission(self) -> str:
        return self.page.permission.value

    def build(self, ui: UiContext) -> Any:
        factory = self.factory
        if isinstance(factory, str):
            module, _, name = factory.partition(":")
            factory = getattr(importlib.import_module(module), name)
        return factory(ui)


PAGE_SPECS: list[PageSpec] = [
    PageSpec("devices", "ui.consoles.devices:DevicesPage"),
    PageSpec("day", "ui.consoles.day_page:DaySummaryPage"),
    PageSpec("outbox", "ui.consoles.outbox_page:OutboxPage"),
    PageSpec("audit", "ui.consoles.audit_page:AuditPage"),
]


def specs_for(role: str) -> list[PageSpec]:
    """The specs of the pages `role` may open, in the core's order (pages without a spec are left out)."""
    by_key = {spec.key: spec for spec in PAGE_SPECS}
    return [by_key[p.key] for p in consoles.pages_for(role) if p.key in by_key]
