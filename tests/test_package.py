"""The package itself: cheap to import, settings documented, layers respected."""

from __future__ import annotations

import subprocess
import sys

from grappes.settings import Settings
from tests.conftest import ROOT


def test_import_grappes_alone_imports_no_heavy_library() -> None:
    # `import grappes` must stay cheap (the bar is under a second; benchmarks/startup.py
    # measures it): it may not pull in the heavy libraries, which load when first used.
    code = (
        "import sys, grappes; "
        "print(sorted(m for m in ('pandas', 'ibis', 'duckdb', 'geopandas', 'importlib.metadata')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # importlib.metadata (0.05-0.1 s) only when grappes.__version__ is asked for
    assert out.stdout.strip() == "[]"


def test_version_is_the_installed_one() -> None:
    from importlib.metadata import version

    import grappes

    assert grappes.__version__ == version("grappes")


def test_every_setting_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    import grappes.settings as module

    for name in Settings.model_fields:
        variable = f"GRAPPES_{name.upper()}"
        assert variable in readme, f"{variable} is not in the README's settings table"
        assert variable in (module.__doc__ or ""), f"{variable} is not in settings' docstring"


def test_settings_from_environment(monkeypatch: object) -> None:
    import pytest

    mp: pytest.MonkeyPatch = monkeypatch  # type: ignore[assignment]
    mp.setenv("GRAPPES_ENGINE", "local[2]")
    mp.setenv("GRAPPES_LANGUAGE", "ar")
    settings = Settings()
    assert settings.engine == "local[2]"
    assert settings.language == "ar"
