"""Hypothesis profiles: ``ci`` (the default: fewer examples, derandomized, so every run of the
README's ``pytest`` is reproducible and fits the 5-minute budget on 2 cores) and ``dev`` (more
examples, on request). Select with HYPOTHESIS_PROFILE."""
import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("ci", max_examples=20, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))  # dev: more examples, on request
