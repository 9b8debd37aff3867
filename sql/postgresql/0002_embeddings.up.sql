-- The walkthrough's table: four-dimensional embeddings keyed by a serial id.
CREATE TABLE embeddings (
    id SERIAL PRIMARY KEY,
    embedding VECTOR(4)
);
