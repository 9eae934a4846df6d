"""The run profiles live in :mod:`spec.profiles` (checks receive the profile object)."""

from spec.profiles import PROFILES, Profile, get_profile

__all__ = ["PROFILES", "Profile", "get_profile"]
