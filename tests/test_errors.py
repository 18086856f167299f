"""The one refusal of a bad option, shared by every function."""

from __future__ import annotations

from typing import Literal

import pytest

from grappes.errors import InvalidInputError, check_choice


def test_accepts_and_refuses_from_a_tuple_or_a_literal() -> None:
    check_choice("f", "level", "region", ("region", "province"))
    check_choice("f", "level", "region", Literal["region", "province"])
    with pytest.raises(
        InvalidInputError, match=r"^f: level must be one of 'region', 'province'; got 'cercle'$"
    ):
        check_choice("f", "level", "cercle", Literal["region", "province"])


def test_none_only_when_allowed() -> None:
    check_choice("f", "country", None, ("MA", "DZ"), allow_none=True)
    with pytest.raises(InvalidInputError, match=r"one of 'MA', 'DZ'; got None$"):
        check_choice("f", "country", None, ("MA", "DZ"))
    with pytest.raises(InvalidInputError, match=r"one of 'MA', 'DZ' or None; got 'EH'$"):
        check_choice("f", "country", "EH", ("MA", "DZ"), allow_none=True)
