-- Facts about the installation itself, by key: "demo" = "1" marks a database whose data are
-- for demonstration, so that every page can say so.
CREATE TABLE installation (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
