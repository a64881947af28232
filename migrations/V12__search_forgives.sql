-- Typo-tolerant search: title and artist cut into trigrams (case and
-- accents folded) find candidates that share pieces with a misspelt word
-- ("beyounce" shares "bey", "eyo" and "nce" with "Beyoncé"); the box ranks
-- them by edit distance (`domain::fuzzy`).
CREATE VIRTUAL TABLE tracks_trigram USING fts5 (
    title, artist,
    content = 'tracks', content_rowid = 'seq',
    tokenize = 'trigram remove_diacritics 1'
);
INSERT INTO tracks_trigram (tracks_trigram) VALUES ('rebuild');

CREATE TRIGGER tracks_trigram_insert AFTER INSERT ON tracks BEGIN
    INSERT INTO tracks_trigram (rowid, title, artist) VALUES (new.seq, new.title, new.artist);
END;
CREATE TRIGGER tracks_trigram_delete AFTER DELETE ON tracks BEGIN
    INSERT INTO tracks_trigram (tracks_trigram, rowid, title, artist) VALUES ('delete', old.seq, old.title, old.artist);
END;
CREATE TRIGGER tracks_trigram_update AFTER UPDATE OF title, artist ON tracks BEGIN
    INSERT INTO tracks_trigram (tracks_trigram, rowid, title, artist) VALUES ('delete', old.seq, old.title, old.artist);
    INSERT INTO tracks_trigram (rowid, title, artist) VALUES (new.seq, new.title, new.artist);
END;
