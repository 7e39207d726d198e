-- defmatch initial schema. The allowed values in the CHECK constraints
-- mirror the closed sets in src/domain (taxonomy, region, security, account,
-- challenge); the integration tests write every one of them.

-- Every row that holds user content carries created_at, updated_at and a
-- version for optimistic concurrency. This trigger keeps the last two honest
-- whatever code path updates the row.
CREATE FUNCTION touch_row() RETURNS trigger AS $$
BEGIN
    NEW.updated_at := now();
    NEW.version := OLD.version + 1;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TABLE organisations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind text NOT NULL CHECK (kind IN ('startup_company', 'defence', 'rom')),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    rom text CHECK (rom IN ('nom', 'oost-nl', 'horizon-flevoland', 'rom-utrecht-region',
                            'rom-inwest', 'innovationquarter', 'impuls-zeeland', 'bom', 'liof')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    -- exactly the ROM organisations say which ROM they are
    CONSTRAINT organisations_rom_iff_kind_rom CHECK ((kind = 'rom') = (rom IS NOT NULL))
);
CREATE UNIQUE INDEX organisations_kind_name_key ON organisations (kind, lower(name));
CREATE UNIQUE INDEX organisations_one_per_rom_key ON organisations (rom) WHERE rom IS NOT NULL;
CREATE TRIGGER organisations_touch BEFORE UPDATE ON organisations
    FOR EACH ROW EXECUTE FUNCTION touch_row();

CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL CHECK (email = lower(email) AND email LIKE '_%@_%._%'),
    password_hash text NOT NULL,
    display_name text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
    role text NOT NULL CHECK (role IN ('startup', 'procurement', 'rom_officer', 'admin')),
    organisation_id uuid REFERENCES organisations (id) ON DELETE RESTRICT,
    vetted_at timestamptz,
    vetted_by uuid REFERENCES users (id) ON DELETE SET NULL,
    disabled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_organisation_unless_admin CHECK ((role = 'admin') = (organisation_id IS NULL))
);
CREATE INDEX users_organisation_idx ON users (organisation_id);
CREATE TRIGGER users_touch BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION touch_row();

-- A login session. Access tokens name their session, so revoking it (logout,
-- refresh-token reuse, disabling the account) ends every token at once.
CREATE TABLE sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    revoked_reason text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Rotating refresh tokens, stored as SHA-256 hashes; each is used once.
CREATE TABLE refresh_tokens (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

CREATE TABLE startups (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    -- stable key of a record that came from an import file
    external_id text UNIQUE CHECK (length(external_id) BETWEEN 1 AND 200),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    kvk_number text CHECK (kvk_number ~ '^[0-9]{8}$'),
    website text CHECK (website ~ '^https?://' AND length(website) <= 500),
    description text NOT NULL CHECK (length(description) BETWEEN 1 AND 100000),
    -- the description with the company name blanked out, for anonymous cards
    description_anonymised text NOT NULL,
    technologies text[] NOT NULL DEFAULT '{}' CHECK (technologies <@ ARRAY[
        'ai-data', 'autonomy-drones', 'cybersecurity', 'quantum', 'photonics', 'semiconductors',
        'imaging-sensing', 'mechatronics-robotics', 'energy-propulsion', 'materials-manufacturing',
        'biotech-health', 'space', 'communications', 'hypersonics', 'process-tech']::text[]),
    keywords text[] NOT NULL DEFAULT '{}' CHECK (cardinality(keywords) <= 200),
    province text CHECK (province IN ('NL-GR', 'NL-FR', 'NL-DR', 'NL-OV', 'NL-GE', 'NL-FL',
                                      'NL-UT', 'NL-NH', 'NL-ZH', 'NL-ZE', 'NL-NB', 'NL-LI')),
    country text NOT NULL DEFAULT 'NL' CHECK (country ~ '^[A-Z]{2}$'),
    city text CHECK (length(city) <= 100),
    trl smallint CHECK (trl BETWEEN 1 AND 9),
    employees integer CHECK (employees BETWEEN 0 AND 1000000),
    founded_year smallint CHECK (founded_year BETWEEN 1900 AND 2100),
    dual_use boolean NOT NULL DEFAULT false,
    abdo_clearance text CHECK (abdo_clearance IN ('TBB1', 'TBB2', 'TBB3', 'TBB4')),
    export_control_categories smallint[] NOT NULL DEFAULT '{}'
        CHECK (export_control_categories <@ ARRAY[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]::smallint[]),
    contact_name text CHECK (length(contact_name) <= 200),
    contact_email text CHECK (contact_email = lower(contact_email) AND contact_email LIKE '_%@_%._%'),
    contact_phone text CHECK (length(contact_phone) <= 50),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    -- one profile per start-up company
    CONSTRAINT startups_organisation_key UNIQUE (organisation_id),
    CONSTRAINT startups_kvk_number_key UNIQUE (kvk_number),
    -- Dutch start-ups have a province and a KvK number; foreign ones no province
    CONSTRAINT startups_province_iff_dutch CHECK ((country = 'NL') = (province IS NOT NULL)),
    CONSTRAINT startups_kvk_if_dutch CHECK (country <> 'NL' OR kvk_number IS NOT NULL)
);
CREATE INDEX startups_province_idx ON startups (province);
CREATE INDEX startups_technologies_idx ON startups USING gin (technologies);
CREATE TRIGGER startups_touch BEFORE UPDATE ON startups
    FOR EACH ROW EXECUTE FUNCTION touch_row();

CREATE TABLE challenges (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    external_id text UNIQUE CHECK (length(external_id) BETWEEN 1 AND 200),
    title text NOT NULL CHECK (length(btrim(title)) BETWEEN 3 AND 300),
    summary text NOT NULL CHECK (length(summary) BETWEEN 1 AND 2000),
    description text NOT NULL CHECK (length(description) BETWEEN 1 AND 100000),
    desired_outcome text NOT NULL DEFAULT '' CHECK (length(desired_outcome) <= 5000),
    technologies text[] NOT NULL DEFAULT '{}' CHECK (technologies <@ ARRAY[
        'ai-data', 'autonomy-drones', 'cybersecurity', 'quantum', 'photonics', 'semiconductors',
        'imaging-sensing', 'mechatronics-robotics', 'energy-propulsion', 'materials-manufacturing',
        'biotech-health', 'space', 'communications', 'hypersonics', 'process-tech']::text[]),
    keywords text[] NOT NULL DEFAULT '{}' CHECK (cardinality(keywords) <= 200),
    -- empty means national
    preferred_provinces text[] NOT NULL DEFAULT '{}' CHECK (preferred_provinces <@ ARRAY[
        'NL-GR', 'NL-FR', 'NL-DR', 'NL-OV', 'NL-GE', 'NL-FL',
        'NL-UT', 'NL-NH', 'NL-ZH', 'NL-ZE', 'NL-NB', 'NL-LI']::text[]),
    trl_min smallint NOT NULL CHECK (trl_min BETWEEN 1 AND 9),
    trl_max smallint NOT NULL CHECK (trl_max BETWEEN 1 AND 9),
    budget_min_eur bigint CHECK (budget_min_eur BETWEEN 0 AND 10000000000),
    budget_max_eur bigint CHECK (budget_max_eur BETWEEN 0 AND 10000000000),
    pre_release_at timestamptz,
    opens_at timestamptz,
    closes_at timestamptz,
    visibility text NOT NULL CHECK (visibility IN ('public', 'registered', 'vetted')),
    abdo_required boolean NOT NULL DEFAULT false,
    status text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'published', 'open', 'closed', 'awarded', 'withdrawn')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    CONSTRAINT challenges_trl_range CHECK (trl_min <= trl_max),
    CONSTRAINT challenges_budget_range CHECK (
        (budget_min_eur IS NULL) = (budget_max_eur IS NULL) AND
        (budget_min_eur IS NULL OR budget_min_eur <= budget_max_eur)),
    CONSTRAINT challenges_pre_release_before_opening CHECK (pre_release_at <= opens_at),
    CONSTRAINT challenges_deadline_after_opening CHECK (opens_at < closes_at),
    CONSTRAINT challenges_deadline_after_pre_release CHECK (pre_release_at < closes_at)
);
CREATE INDEX challenges_organisation_idx ON challenges (organisation_id);
CREATE INDEX challenges_status_closes_idx ON challenges (status, closes_at);
CREATE INDEX challenges_technologies_idx ON challenges USING gin (technologies);
CREATE TRIGGER challenges_touch BEFORE UPDATE ON challenges
    FOR EACH ROW EXECUTE FUNCTION touch_row();

-- The search outbox: every write that changes what is searchable appends a
-- row here in the same transaction. The search indexer follows it by id, so
-- the index can never stay behind the database after a crash.
CREATE TABLE search_outbox (
    id bigserial PRIMARY KEY,
    entity text NOT NULL CHECK (entity IN ('startup', 'challenge')),
    entity_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
