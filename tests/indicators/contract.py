"""What a contract case is: one public indicator, a valid input, and how to call it.

Each family of indicators lists its cases in ``tests/indicators/contract_<family>.py`` as a
module-level ``CASES: list[ContractCase]``; ``test_contract.py`` runs every check on every
case, so no indicator can skip the contract.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class ContractCase:
    """One public indicator under the contract.

    ``function(table(), **kwargs)`` must succeed; ``codes`` are its string key columns,
    ``values`` its numeric input columns (each must reject NaN and negatives unless listed in
    ``negative_ok``); ``keys`` sort the result and ``outputs`` are compared across engines.
    """

    name: str
    function: Callable[..., Any]
    table: Callable[[], pd.DataFrame]
    codes: tuple[str, ...]
    values: tuple[str, ...]
    keys: tuple[str, ...]
    outputs: tuple[str, ...]
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    negative_ok: tuple[str, ...] = ()
