"""Real attention inputs from all-MiniLM-L6-v2 (optional ``[real]`` extra; see docs/real.md)."""
