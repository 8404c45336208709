"""``report contracts``: the services bought, evaluations, grades and exits."""
