"""Service contracts (政府购买服务) and their performance evaluations."""
