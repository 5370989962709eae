"""Module 8 services, one module per area: archive, trash, audit_chain, audit_retention, exports, gdpr."""
