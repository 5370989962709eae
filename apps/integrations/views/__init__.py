"""Module 12 endpoints, one module per area. Thin: parse, scope through selectors (404), call a
service (403/409/422), respond."""
