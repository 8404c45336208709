"""Use cases of the tamper-evident record: the hash chains (verify, anchor, export)."""
