"""Settings of Grappes, in one place, read from the environment (``GRAPPES_*``).

A :class:`Settings` object is made once by a face (the CLI, the web app) and passed down;
no module reads the environment on its own, and nothing is read at import time.

=======================  =============================  ==========================================
environment variable     default                        meaning
=======================  =============================  ==========================================
``GRAPPES_ENGINE``       ``duckdb``                     where tables are computed: ``duckdb``
                                                        (in-process), ``duckdb:///path.db``,
                                                        ``polars``, or Spark: ``local[N]``,
                                                        ``local[*]``, ``spark://host:7077``
``GRAPPES_DATABASE_URL`` ``sqlite:///grappes.sqlite3``  the portal's database (SQLAlchemy URL);
                                                        ``postgresql+psycopg://…`` in production
``GRAPPES_LANGUAGE``     ``fr``                         language of reports and pages: ``fr``,
                                                        ``ar`` or ``en``
=======================  =============================  ==========================================
"""

from __future__ import annotations

from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Settings of a Grappes process; each field can be set by ``GRAPPES_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="GRAPPES_", frozen=True, extra="forbid")

    engine: str = "duckdb"
    database_url: str = "sqlite:///grappes.sqlite3"
    language: Literal["fr", "ar", "en"] = "fr"
