-- Nothing to remove: sqlite-vec lives in the connection, not in the database file.
SELECT 1;
