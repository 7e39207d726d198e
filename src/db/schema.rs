// The Rust view of migrations/; keep it in step with them (the integration
// tests exercise every column through the API).

diesel::table! {
    organisations (id) {
        id -> Uuid,
        kind -> Text,
        name -> Text,
        rom -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        sso_email_domain -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        role -> Text,
        organisation_id -> Nullable<Uuid>,
        vetted_at -> Nullable<Timestamptz>,
        vetted_by -> Nullable<Uuid>,
        disabled_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        email_unsubscribed_at -> Nullable<Timestamptz>,
        email_verified_at -> Nullable<Timestamptz>,
        language -> Text,
        privacy_accepted_at -> Nullable<Timestamptz>,
        erased_at -> Nullable<Timestamptz>,
        calendar_token_hash -> Nullable<Bytea>,
        language_chosen_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Bytea,
        session_id -> Uuid,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    attempt_counters (scope, key) {
        scope -> Text,
        key -> Text,
        count -> Int4,
        window_started_at -> Timestamptz,
        blocked_until -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    password_reset_tokens (token_hash) {
        token_hash -> Bytea,
        user_id -> Uuid,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    startups (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        external_id -> Nullable<Text>,
        name -> Text,
        kvk_number -> Nullable<Text>,
        website -> Nullable<Text>,
        description -> Text,
        description_anonymised -> Text,
        technologies -> Array<Text>,
        keywords -> Array<Text>,
        province -> Nullable<Text>,
        country -> Text,
        city -> Nullable<Text>,
        trl -> Nullable<Int2>,
        employees -> Nullable<Int4>,
        founded_year -> Nullable<Int2>,
        dual_use -> Bool,
        abdo_clearance -> Nullable<Text>,
        export_control_categories -> Array<Int2>,
        contact_name -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        keywords_redacted -> Array<Text>,
        redaction_version -> Int4,
        unlisted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    challenges (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        created_by -> Nullable<Uuid>,
        external_id -> Nullable<Text>,
        title -> Text,
        summary -> Text,
        description -> Text,
        desired_outcome -> Text,
        technologies -> Array<Text>,
        keywords -> Array<Text>,
        preferred_provinces -> Array<Text>,
        trl_min -> Int2,
        trl_max -> Int2,
        budget_min_eur -> Nullable<Int8>,
        budget_max_eur -> Nullable<Int8>,
        pre_release_at -> Nullable<Timestamptz>,
        opens_at -> Nullable<Timestamptz>,
        closes_at -> Nullable<Timestamptz>,
        visibility -> Text,
        abdo_required -> Bool,
        status -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    search_outbox (id) {
        id -> Int8,
        entity -> Text,
        entity_id -> Uuid,
        created_at -> Timestamptz,
        transaction_id -> Int8,
    }
}

diesel::table! {
    search_replicas (id) {
        id -> Uuid,
        position -> Int8,
        index_dir -> Text,
        last_seen -> Timestamptz,
    }
}

diesel::table! {
    search_outbox_retention (singleton) {
        singleton -> Bool,
        deleted_through -> Int8,
    }
}

diesel::table! {
    database_identity (id) {
        id -> Uuid,
        singleton -> Bool,
    }
}

diesel::joinable!(users -> organisations (organisation_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(password_reset_tokens -> users (user_id));
diesel::joinable!(startups -> organisations (organisation_id));
diesel::joinable!(challenges -> organisations (organisation_id));

diesel::table! {
    introductions (id) {
        id -> Uuid,
        startup_id -> Uuid,
        challenge_id -> Uuid,
        origin -> Text,
        initiated_by -> Nullable<Uuid>,
        broker_rom -> Nullable<Text>,
        state -> Text,
        message -> Nullable<Text>,
        startup_accepted_at -> Nullable<Timestamptz>,
        procurement_accepted_at -> Nullable<Timestamptz>,
        introduced_at -> Nullable<Timestamptz>,
        meeting_held_at -> Nullable<Timestamptz>,
        ended_at -> Nullable<Timestamptz>,
        declined_by -> Nullable<Text>,
        reason -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    introduction_notes (id) {
        id -> Uuid,
        introduction_id -> Uuid,
        author_id -> Nullable<Uuid>,
        side -> Text,
        body -> Text,
        shared -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    challenge_questions (id) {
        id -> Uuid,
        challenge_id -> Uuid,
        asked_by -> Nullable<Uuid>,
        question -> Text,
        answer -> Nullable<Text>,
        answered_by -> Nullable<Uuid>,
        answered_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        redaction_version -> Int4,
    }
}

diesel::table! {
    notifications (id) {
        id -> Uuid,
        user_id -> Uuid,
        kind -> Text,
        subject_type -> Text,
        subject_id -> Uuid,
        title -> Text,
        body -> Text,
        dedup_key -> Text,
        read_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    email_outbox (id) {
        id -> Int8,
        notification_id -> Nullable<Uuid>,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        status -> Text,
        claimed_at -> Nullable<Timestamptz>,
        attempts -> Int4,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
        user_id -> Nullable<Uuid>,
        kind -> Text,
        invitation_id -> Nullable<Uuid>,
        link_path -> Nullable<Text>,
    }
}

diesel::table! {
    notification_preferences (user_id, kind) {
        user_id -> Uuid,
        kind -> Text,
        in_app -> Bool,
        email -> Bool,
    }
}

diesel::table! {
    alert_runs (subject_type, subject_id, event) {
        subject_type -> Text,
        subject_id -> Uuid,
        event -> Text,
        recipients -> Int4,
        sent_at -> Timestamptz,
    }
}

diesel::table! {
    alert_digest_entries (user_id, kind, challenge_id) {
        user_id -> Uuid,
        challenge_id -> Uuid,
        kind -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    saved_searches (id) {
        id -> Uuid,
        user_id -> Uuid,
        target -> Text,
        name -> Text,
        query -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        notify -> Text,
    }
}

diesel::table! {
    saved_search_digest_runs (saved_search_id) {
        saved_search_id -> Uuid,
        ran_at -> Timestamptz,
    }
}

diesel::table! {
    saved_search_seen (saved_search_id, challenge_id) {
        saved_search_id -> Uuid,
        challenge_id -> Uuid,
        seen_at -> Timestamptz,
    }
}

diesel::table! {
    unsubscribe_tokens (token_hash) {
        token_hash -> Bytea,
        user_id -> Uuid,
        kind -> Text,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(email_outbox -> notifications (notification_id));
diesel::joinable!(challenge_questions -> challenges (challenge_id));
diesel::joinable!(introductions -> startups (startup_id));
diesel::joinable!(introductions -> challenges (challenge_id));
diesel::joinable!(introduction_notes -> introductions (introduction_id));
diesel::joinable!(saved_search_digest_runs -> saved_searches (saved_search_id));

diesel::table! {
    invitations (id) {
        id -> Uuid,
        email -> Text,
        role -> Text,
        organisation_id -> Nullable<Uuid>,
        startup_id -> Nullable<Uuid>,
        invited_by -> Nullable<Uuid>,
        token_hash -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        accepted_at -> Nullable<Timestamptz>,
        accepted_user_id -> Nullable<Uuid>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(invitations -> organisations (organisation_id));
diesel::joinable!(email_outbox -> invitations (invitation_id));

diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    users,
    invitations,
    sessions,
    password_reset_tokens,
    refresh_tokens,
    startups,
    challenges,
    search_outbox,
    introductions,
    introduction_notes,
    challenge_questions,
    notifications,
    email_outbox,
    notification_preferences,
    alert_runs,
    alert_digest_entries,
    saved_searches,
    saved_search_seen,
    saved_search_digest_runs,
    unsubscribe_tokens,
);

diesel::table! {
    audit_events (id) {
        id -> Int8,
        occurred_at -> Timestamptz,
        actor_id -> Nullable<Uuid>,
        action -> Text,
        subject_type -> Text,
        subject_id -> Nullable<Uuid>,
        detail -> Jsonb,
    }
}

// Single sign-on and e-mail verification (migrations 2026-12-04-2000NN).
diesel::table! {
    email_verification_tokens (token_hash) {
        token_hash -> Bytea,
        user_id -> Uuid,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    sso_logins (state_hash) {
        state_hash -> Bytea,
        code_verifier -> Text,
        nonce -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::joinable!(email_verification_tokens -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(email_verification_tokens, users);

diesel::table! {
    match_marks (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        user_id -> Nullable<Uuid>,
        direction -> Text,
        query_id -> Uuid,
        item_id -> Uuid,
        mark -> Text,
        created_at -> Timestamptz,
        implied -> Bool,
    }
}

// Files uploaded on the import page (migration 2026-12-06-100001).
diesel::table! {
    import_uploads (id) {
        id -> Uuid,
        uploaded_by -> Uuid,
        kind -> Text,
        file_name -> Text,
        sheet -> Nullable<Text>,
        create_organisations -> Bool,
        content -> Bytea,
        sha256 -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        confirmed_at -> Nullable<Timestamptz>,
        report_csv -> Nullable<Bytea>,
    }
}
diesel::table! {
    startup_notes (id) {
        id -> Uuid,
        startup_id -> Uuid,
        rom -> Text,
        author_id -> Nullable<Uuid>,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(startup_notes -> startups (startup_id));
diesel::allow_tables_to_appear_in_same_query!(startup_notes, users);
