"""Backup and restore of one Zhifa instance: its database and its files, with a manifest of digests.

A backup is a directory `zhifa-backup-<UTC time>/` holding

- `database.sqlite3` (SQLite's online backup API) or `database.pgdump` (`pg_dump --format=custom`):
  each is one consistent snapshot of a database that keeps taking writes while it is copied;
- `files/<set>/<name>`: the uploaded files (`media`: officers' photos and other media files;
  `evidence`: the content-addressed evidence store, on local disk or S3);
- `manifest.json`: what was saved, with the size and SHA-256 of every file above.

The database is copied first and the files after it. Files are written before the rows that name
them are committed and are never changed afterwards, so every file the snapshot refers to is already
there when the files are copied: the pair is consistent without stopping the instance. Files that
arrive after the snapshot are copied too and are simply not referred to.

`manage.py backup` and `manage.py restore` are the commands; docs/deployment.md gives the schedule.
"""
