"""Results: releasing held answers in batches, the anonymity thresholds (the one place k is
applied to what anyone is shown), theme summaries, the committee report, retention, and
`/themes`."""
