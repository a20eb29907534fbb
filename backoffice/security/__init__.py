"""Everything an assessor asks about: sign-in, sessions, the security log, headers."""
