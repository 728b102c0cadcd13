"""Who may do what: roles, password hashing and login throttling (standard library only)."""
