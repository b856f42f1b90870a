from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks and the synthetic data they run on: installed by the benchmark's and the
    tests' settings only, never on the real site."""

    name = "bench"
    verbose_name = "Benchmarks"
