-- sqlite-vec is loaded by the connection (the DSN's LoadExt), not created in the database:
-- check that it is there ("no such function: vec_version" when it is not).
SELECT vec_version();
