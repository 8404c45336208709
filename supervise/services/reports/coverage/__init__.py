"""``report coverage``: the city against the 2022 notice's targets."""
