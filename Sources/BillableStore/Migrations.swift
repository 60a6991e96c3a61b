/// The schema, one frozen migration per version. Never edit a shipped migration: add one.
enum Migrations {
  static let all: [(name: String, sql: String)] = [
    (
      "v1-initial",
      """
      CREATE TABLE runs (
        run_id        INTEGER PRIMARY KEY,
        started_at    TEXT NOT NULL,
        finished_at   TEXT,
        status        TEXT NOT NULL CHECK (status IN ('running', 'done', 'partial', 'failed')),
        inputs        TEXT NOT NULL,
        analyzer      TEXT NOT NULL,
        fingerprint   TEXT NOT NULL,
        messages_read INTEGER NOT NULL DEFAULT 0,
        messages_new  INTEGER NOT NULL DEFAULT 0,
        duplicates    INTEGER NOT NULL DEFAULT 0,
        cache_hits    INTEGER NOT NULL DEFAULT 0,
        cache_misses  INTEGER NOT NULL DEFAULT 0,
        errors        INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE messages (
        content_hash  TEXT PRIMARY KEY,
        message_id    TEXT,
        thread_id     TEXT,
        sent_at       TEXT,
        subject       TEXT NOT NULL,
        from_address  TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('billable', 'not_billable', 'error')),
        reason        TEXT,
        client        TEXT,
        matter        TEXT,
        direction     TEXT,
        first_run_id  INTEGER NOT NULL REFERENCES runs(run_id),
        last_run_id   INTEGER NOT NULL REFERENCES runs(run_id)
      );
      CREATE TABLE message_sources (
        content_hash  TEXT NOT NULL REFERENCES messages(content_hash) ON DELETE CASCADE,
        path          TEXT NOT NULL,
        format        TEXT NOT NULL,
        position      TEXT NOT NULL,
        byte_offset   INTEGER NOT NULL,
        PRIMARY KEY (content_hash, path, position)
      );
      CREATE TABLE analyses (
        content_hash  TEXT NOT NULL REFERENCES messages(content_hash) ON DELETE CASCADE,
        timekeeper    TEXT NOT NULL,
        fingerprint   TEXT NOT NULL,
        analyzer      TEXT NOT NULL,
        direction     TEXT NOT NULL,
        billable      INTEGER NOT NULL CHECK (billable IN (0, 1)),
        reason        TEXT,
        client        TEXT,
        matter        TEXT,
        attribution   TEXT NOT NULL,
        PRIMARY KEY (content_hash, timekeeper)
      );
      CREATE TABLE drafts (
        content_hash        TEXT NOT NULL REFERENCES messages(content_hash) ON DELETE CASCADE,
        timekeeper          TEXT NOT NULL,
        position            INTEGER NOT NULL,
        basis               TEXT NOT NULL CHECK (basis IN ('explicit', 'calendar', 'estimated')),
        minutes             REAL NOT NULL,
        activity_code       TEXT NOT NULL,
        narrative           TEXT NOT NULL,
        evidence            TEXT NOT NULL,
        confidence          REAL NOT NULL,
        work_date           TEXT NOT NULL,
        direction           TEXT NOT NULL,
        client              TEXT NOT NULL,
        matter              TEXT NOT NULL,
        analyzer            TEXT NOT NULL,
        calendar_uid        TEXT,
        calendar_sequence   INTEGER,
        calendar_method     TEXT,
        calendar_cancelled  INTEGER,
        PRIMARY KEY (content_hash, timekeeper, position)
      );
      CREATE INDEX drafts_by_basis ON drafts(basis);
      CREATE TABLE meta (
        key           TEXT PRIMARY KEY,
        value         TEXT NOT NULL
      );
      CREATE TABLE entries (
        entry_id       TEXT PRIMARY KEY,
        status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'edited', 'rejected')),
        message_id     TEXT NOT NULL,
        content_hash   TEXT NOT NULL,
        source         TEXT NOT NULL,
        thread_id      TEXT NOT NULL,
        sent_at        TEXT NOT NULL,
        work_date      TEXT NOT NULL,
        timekeeper     TEXT NOT NULL,
        direction      TEXT NOT NULL,
        client         TEXT NOT NULL,
        matter         TEXT NOT NULL,
        activity_code  TEXT NOT NULL,
        task_code      TEXT NOT NULL,
        basis          TEXT NOT NULL CHECK (basis IN ('explicit', 'calendar', 'estimated')),
        minutes        REAL NOT NULL CHECK (minutes >= 0),
        hours          REAL NOT NULL CHECK (hours >= 0),
        rate           REAL NOT NULL,
        amount         REAL NOT NULL,
        currency       TEXT NOT NULL,
        narrative      TEXT NOT NULL,
        evidence       TEXT NOT NULL,
        confidence     REAL NOT NULL,
        analyzer       TEXT NOT NULL,
        message_count  INTEGER NOT NULL CHECK (message_count >= 1)
      );
      CREATE TABLE entry_sources (
        entry_id      TEXT NOT NULL REFERENCES entries(entry_id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        content_hash  TEXT NOT NULL,
        message_id    TEXT NOT NULL,
        PRIMARY KEY (entry_id, content_hash)
      );
      CREATE TABLE errors (
        error_id      INTEGER PRIMARY KEY,
        run_id        INTEGER NOT NULL REFERENCES runs(run_id),
        source        TEXT NOT NULL,
        content_hash  TEXT,
        kind          TEXT NOT NULL,
        severity      TEXT NOT NULL,
        detail        TEXT NOT NULL,
        byte_offset   INTEGER
      );
      CREATE INDEX entries_by_timekeeper_date ON entries(timekeeper, work_date);
      CREATE INDEX entries_by_client_matter_date ON entries(client, matter, work_date);
      CREATE INDEX messages_by_status ON messages(status);
      CREATE INDEX errors_by_run ON errors(run_id);
      CREATE INDEX entry_sources_by_message ON entry_sources(content_hash);
      """
    ),
    (
      // Rows of a message's sources, analyses and drafts were keyed by its content hash, a
      // random key: every batch's inserts landed on random index pages, and each commit
      // rewrote about a hundred of them. Keyed by the message's integer id they append.
      // Every column stays (content_hash too), so queries on the old columns still work;
      // `message_key` is added last.
      "v2-integer-message-keys",
      """
      CREATE TABLE messages_v2 (
        content_hash  TEXT NOT NULL UNIQUE,
        message_id    TEXT,
        thread_id     TEXT,
        sent_at       TEXT,
        subject       TEXT NOT NULL,
        from_address  TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('billable', 'not_billable', 'error')),
        reason        TEXT,
        client        TEXT,
        matter        TEXT,
        direction     TEXT,
        first_run_id  INTEGER NOT NULL REFERENCES runs(run_id),
        last_run_id   INTEGER NOT NULL REFERENCES runs(run_id),
        message_key   INTEGER PRIMARY KEY
      );
      INSERT INTO messages_v2 (content_hash, message_id, thread_id, sent_at, subject, from_address, status, reason, client,
        matter, direction, first_run_id, last_run_id, message_key)
        SELECT content_hash, message_id, thread_id, sent_at, subject, from_address, status, reason, client, matter,
          direction, first_run_id, last_run_id, rowid
        FROM messages ORDER BY rowid;
      CREATE TABLE message_sources_v2 (
        content_hash  TEXT NOT NULL,
        path          TEXT NOT NULL,
        format        TEXT NOT NULL,
        position      TEXT NOT NULL,
        byte_offset   INTEGER NOT NULL,
        message_key   INTEGER NOT NULL REFERENCES messages(message_key) ON DELETE CASCADE,
        PRIMARY KEY (message_key, path, position)
      );
      INSERT INTO message_sources_v2 (content_hash, path, format, position, byte_offset, message_key)
        SELECT s.content_hash, s.path, s.format, s.position, s.byte_offset, m.rowid
        FROM message_sources s JOIN messages m ON m.content_hash = s.content_hash ORDER BY m.rowid;
      CREATE TABLE analyses_v2 (
        content_hash  TEXT NOT NULL,
        timekeeper    TEXT NOT NULL,
        fingerprint   TEXT NOT NULL,
        analyzer      TEXT NOT NULL,
        direction     TEXT NOT NULL,
        billable      INTEGER NOT NULL CHECK (billable IN (0, 1)),
        reason        TEXT,
        client        TEXT,
        matter        TEXT,
        attribution   TEXT NOT NULL,
        message_key   INTEGER NOT NULL REFERENCES messages(message_key) ON DELETE CASCADE,
        PRIMARY KEY (message_key, timekeeper)
      );
      INSERT INTO analyses_v2 (content_hash, timekeeper, fingerprint, analyzer, direction, billable, reason, client, matter,
        attribution, message_key)
        SELECT a.content_hash, a.timekeeper, a.fingerprint, a.analyzer, a.direction, a.billable, a.reason, a.client,
          a.matter, a.attribution, m.rowid
        FROM analyses a JOIN messages m ON m.content_hash = a.content_hash ORDER BY m.rowid;
      CREATE TABLE drafts_v2 (
        content_hash        TEXT NOT NULL,
        timekeeper          TEXT NOT NULL,
        position            INTEGER NOT NULL,
        basis               TEXT NOT NULL CHECK (basis IN ('explicit', 'calendar', 'estimated')),
        minutes             REAL NOT NULL,
        activity_code       TEXT NOT NULL,
        narrative           TEXT NOT NULL,
        evidence            TEXT NOT NULL,
        confidence          REAL NOT NULL,
        work_date           TEXT NOT NULL,
        direction           TEXT NOT NULL,
        client              TEXT NOT NULL,
        matter              TEXT NOT NULL,
        analyzer            TEXT NOT NULL,
        calendar_uid        TEXT,
        calendar_sequence   INTEGER,
        calendar_method     TEXT,
        calendar_cancelled  INTEGER,
        message_key         INTEGER NOT NULL REFERENCES messages(message_key) ON DELETE CASCADE,
        PRIMARY KEY (message_key, timekeeper, position)
      );
      INSERT INTO drafts_v2 (content_hash, timekeeper, position, basis, minutes, activity_code, narrative, evidence,
        confidence, work_date, direction, client, matter, analyzer, calendar_uid, calendar_sequence, calendar_method,
        calendar_cancelled, message_key)
        SELECT d.content_hash, d.timekeeper, d.position, d.basis, d.minutes, d.activity_code, d.narrative, d.evidence,
          d.confidence, d.work_date, d.direction, d.client, d.matter, d.analyzer, d.calendar_uid, d.calendar_sequence,
          d.calendar_method, d.calendar_cancelled, m.rowid
        FROM drafts d JOIN messages m ON m.content_hash = d.content_hash ORDER BY m.rowid;
      DROP TABLE drafts;
      DROP TABLE analyses;
      DROP TABLE message_sources;
      DROP TABLE messages;
      ALTER TABLE messages_v2 RENAME TO messages;
      ALTER TABLE message_sources_v2 RENAME TO message_sources;
      ALTER TABLE analyses_v2 RENAME TO analyses;
      ALTER TABLE drafts_v2 RENAME TO drafts;
      CREATE INDEX drafts_by_basis ON drafts(basis);
      CREATE INDEX messages_by_status ON messages(status);
      """
    ),
    (
      // Who reviewed which entry, when, and what they changed (`billable review`). No
      // reference to entries: the history outlives an entry a later scan settles away.
      "v3-entry-reviews",
      """
      CREATE TABLE entry_reviews (
        review_id   INTEGER PRIMARY KEY,
        entry_id    TEXT NOT NULL,
        at          TEXT NOT NULL,
        by          TEXT NOT NULL,
        action      TEXT NOT NULL CHECK (action IN ('approve', 'edit', 'reject')),
        field       TEXT,
        old_value   TEXT,
        new_value   TEXT,
        note        TEXT
      );
      CREATE INDEX entry_reviews_by_entry ON entry_reviews(entry_id);
      ALTER TABLE entries ADD COLUMN draft_position INTEGER;
      """
    ),
  ]
}
