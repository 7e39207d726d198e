DROP TABLE startup_notes;
