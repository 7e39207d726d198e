-- A ROM's own notes on a start-up of its region ("met them at the fair,
-- wants a radar pilot"): private to the ROM, read by its officers and by
-- admins. Not audited, like the notes on introductions: they hold the
-- broker's own working text, not access to anyone's confidential data.
CREATE TABLE startup_notes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    startup_id uuid NOT NULL REFERENCES startups (id) ON DELETE CASCADE,
    rom text NOT NULL,
    author_id uuid REFERENCES users (id) ON DELETE SET NULL,
    body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX startup_notes_by_startup ON startup_notes (startup_id, rom, created_at);
