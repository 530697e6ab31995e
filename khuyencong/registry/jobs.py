"""Job handlers of the registry (imports and exports); see core/jobs.py."""
