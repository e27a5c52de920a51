"""Analytics engines: load person-level files with quarantine, run the metric SQL on DuckDB
(default) or Spark, read the published series, and write synthetic data folders."""
