"""Settings of the second deployment the two-deployment test starts: the test settings, with the
tables created straight from the models (no migration history to replay: 20 s saved)."""

from govhall.settings.test import *  # noqa: F403


class _NoMigrations(dict):
    def __contains__(self, item: object) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


MIGRATION_MODULES = _NoMigrations()
