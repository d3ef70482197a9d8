"""Platform adapters: translate between a platform and the neutral core, nothing else."""
