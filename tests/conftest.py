"""Hypothesis profiles: ``dev`` (default, more examples) and ``ci`` (fewer and derandomized, so a CI run is reproducible, for the 10-minute
budget on 2 cores). Select with HYPOTHESIS_PROFILE; CI=true selects ``ci``."""
import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("ci", max_examples=20, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
