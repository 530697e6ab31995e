"""Account pages: sign-in and security, passwords, two-factor authentication."""
