"""The law's four eyes: 法制审核 (legal review) and 集体讨论 (collective discussion)."""
