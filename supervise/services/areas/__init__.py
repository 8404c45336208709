"""Areas: the townships and streets (乡镇/街道) of the office's districts."""
