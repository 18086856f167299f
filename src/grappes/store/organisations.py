"""The profile of a cluster organisation, as the observatory's page and its twin show it.

:func:`organisation_profile` returns one organisation of the store with its partners (by
pillar), the themes its sector text names, its history, its sources and its region. Like
:mod:`grappes.store.queries` (the region and sector profiles), it returns plain records
and tidy pandas tables, never ORM objects, and takes the identifier as a bound parameter
after :func:`~grappes.store.queries.check_code`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from grappes.data.history import organisation_events
from grappes.data.organisations import sources as organisation_sources
from grappes.data.themes import organisation_themes
from grappes.errors import NotFoundError
from grappes.store import models as m
from grappes.store.queries import check_code, fetch_frame, region_record

__all__ = ["OrganisationProfile", "organisation_profile"]


@dataclass(frozen=True)
class OrganisationProfile:
    """A cluster organisation, its partners, themes, history, sources and region.

    Attributes
    ----------
    organisation
        Its record: ``id``, ``country``, ``name``, ``sector``, ``city``, ``region``,
        ``region_inferred``, ``year_reported``, ``status_note``, ``source_url``, and its
        member count read from the note (``members``, ``members_qualifier``,
        ``members_year``, ``members_founding``: all ``None`` when it gives none;
        :func:`grappes.data.members.member_count`).
    partners
        ``position``, ``name``, ``pillar`` (read from the name,
        :func:`grappes.data.pillars.partner_pillar`), in the source's order.
    themes
        ``theme``, ``section`` (ISIC Rev.4, missing when no keyword finds one,
        :func:`grappes.data.themes.organisation_themes`), ``label_fr``, ``label_ar``,
        ``label_en`` (the section's name), in the sector text's order.
    events
        ``year`` (missing for an undated fact), ``kind`` (``reported``: the year the
        sources give; ``note``: a fact of the status note,
        :func:`grappes.data.history.organisation_events`), ``fact``; dated ones first by
        year, the year reported before the notes of the same year.
    source
        ``url`` and ``domain`` of the page the record came from; ``dataset_source`` and
        ``dataset_licence`` of the whole list (:func:`grappes.data.organisations.sources`).
    region
        Its region's record, or ``None`` when the sources name no city.
    """

    organisation: dict[str, Any]
    partners: pd.DataFrame
    region: dict[str, Any] | None
    themes: pd.DataFrame
    events: pd.DataFrame
    source: dict[str, str | None]


def organisation_profile(session: Session, identifier: str) -> OrganisationProfile:
    """Return the cluster organisation ``identifier`` (``MA-002`` …) with its partners.

    Raises
    ------
    NotFoundError
        When no organisation has this identifier.
    InvalidInputError
        When ``identifier`` is not a short string of printable characters.
    """
    who = "organisation_profile"
    identifier = check_code(who, "identifier", identifier)
    org = m.Organisation
    columns = [c for c in org.__table__.columns if c.key != "search_text"]
    found = session.execute(sa.select(*columns).where(org.id == identifier)).first()
    if found is None:
        raise NotFoundError(f"{who}: no cluster organisation has the identifier {identifier!r}")
    organisation = dict(found._mapping)
    organisation["region_inferred"] = bool(organisation["region_inferred"])
    partner = m.OrganisationPartner
    partners = fetch_frame(
        session,
        sa.select(partner.position, partner.name, partner.pillar)
        .where(partner.organisation == identifier)
        .order_by(partner.position),
    )
    region = (
        None if organisation["region"] is None else region_record(session, organisation["region"])
    )

    themes = pd.DataFrame(
        organisation_themes(organisation["sector"]), columns=["theme", "section"], dtype=object
    )
    sector = m.Sector
    labels = fetch_frame(
        session,
        sa.select(sector.code, sector.label_fr, sector.label_ar, sector.label_en).where(
            sector.classification == "ISIC4", sector.code.in_(themes["section"].dropna())
        ),
    ).rename(columns={"code": "section"})
    themes = themes.merge(labels, on="section", how="left").astype(object)
    themes = themes.where(themes.notna(), None)

    notes: list[tuple[int | None, str, str | None]] = [
        (year, "note", fact) for year, fact in organisation_events(organisation["status_note"])
    ]
    dated = [event for event in notes if event[0] is not None]
    if organisation["year_reported"] is not None:
        dated.append((organisation["year_reported"], "reported", None))
    # Stable sort: the year reported first among its year's events, the notes in order.
    dated.sort(key=lambda event: (event[0] or 0, event[1] != "reported"))
    undated = [event for event in notes if event[0] is None]
    events = pd.DataFrame(dated + undated, columns=["year", "kind", "fact"], dtype=object)

    url = organisation["source_url"]
    domain = None if not url else urlsplit(url).hostname
    dataset = organisation_sources()[0]
    source = {
        "url": url,
        "domain": domain.removeprefix("www.") if domain else None,
        "dataset_source": dataset["source"],
        "dataset_licence": dataset["licence"],
    }
    return OrganisationProfile(
        organisation=organisation,
        partners=partners,
        region=region,
        themes=themes,
        events=events,
        source=source,
    )
