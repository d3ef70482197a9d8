"""Storage: SQLAlchemy 2 async models and repositories, migrations, roster import, anonymiser."""
