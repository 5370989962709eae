"""Every write of module 12, one module per area. Services check their own policies, run in a
transaction, write audit entries and return the object."""
