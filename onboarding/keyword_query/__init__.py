"""The keyword query language's implementation; its public face is ``onboarding.keywords``."""
