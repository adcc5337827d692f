"""PEP 517 build backend of the `discordproxy` distribution: maturin, after generating the
package's modules from proto/discord_api.proto (see generate.py).

Every hook is maturin's; the wheel hooks (and the metadata hook, which maturin may use to build)
run the generation first, so `pip install .`, `pip install git+URL`, `pip wheel .` and
`python -m build` all ship modules generated from the proto of the same checkout.
"""

from __future__ import annotations

from typing import Any

import maturin
from maturin import (  # noqa: F401  (re-exported PEP 517 hooks)
    build_sdist,
    get_requires_for_build_sdist,
    get_requires_for_build_wheel,
)

from .generate import generate


def build_wheel(
    wheel_directory: str,
    config_settings: dict[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    """Generates the modules, then builds the wheel with maturin."""
    generate()
    return maturin.build_wheel(wheel_directory, config_settings, metadata_directory)


def prepare_metadata_for_build_wheel(
    metadata_directory: str, config_settings: dict[str, Any] | None = None
) -> str:
    """maturin's metadata hook (no Rust build)."""
    return maturin.prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def build_editable(
    wheel_directory: str,
    config_settings: dict[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    """Generates the modules, then builds the editable wheel with maturin."""
    generate()
    return maturin.build_editable(wheel_directory, config_settings, metadata_directory)


get_requires_for_build_editable = get_requires_for_build_wheel
prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel
