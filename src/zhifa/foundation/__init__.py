"""The foundation wing: shared parts every domain builds on, below the domains in the import graph."""
