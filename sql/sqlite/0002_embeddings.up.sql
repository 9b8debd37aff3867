-- The walkthrough's table: four-dimensional embeddings keyed by an integer id (a rowid alias,
-- so SQLite assigns one when none is given).  The declared type vector(4) is the dimension the
-- store reads; the CHECK makes the database refuse a value that is not a float32 vector of 4.
CREATE TABLE embeddings (
    id INTEGER PRIMARY KEY,
    embedding vector(4)
        CHECK (embedding IS NULL OR (typeof(embedding) = 'blob' AND vec_length(embedding) = 4))
);
