//! The SQL editor's starting programs: a setup and two or three sessions, each a race a learner meets at work.
//! Every example parses and runs on the engine (tests/editor_sql.rs); the widget names and explains them in the
//! learner's language (`sql.ex_<name>` in locales/).

use super::url::EditorState;

/// A named starting program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    /// The name in a link (`?sql=job-queue`) and in the lesson's directive (`example = job-queue`).
    pub name: &'static str,
    pub setup: &'static str,
    pub sessions: &'static [&'static str],
}

impl Example {
    /// The editor's state: these texts, no step taken.
    pub fn state(&self) -> EditorState {
        EditorState {
            setup: self.setup.to_string(),
            sessions: self.sessions.iter().map(|s| s.to_string()).collect(),
            steps: Vec::new(),
        }
    }
}

/// The examples, the first one the default.
pub const EXAMPLES: &[Example] = &[
    // Two clients read the counter, add one in the app, and write back what they computed from reading 0 (SQL has
    // no app variable, so the 1 is written out): run the two SELECTs before either UPDATE and one increment is
    // lost (the final value is 1, not 2). Where a SELECT reads 1 instead, the app would have written 2.
    Example {
        name: "lost-update",
        setup: "CREATE TABLE counter (id integer PRIMARY KEY, hits integer);\nINSERT INTO counter VALUES (1, 0);",
        sessions: &[
            "BEGIN;\nSELECT hits FROM counter WHERE id = 1;\n-- the app computes 0 + 1\nUPDATE counter SET hits = 1 WHERE id = 1;\nCOMMIT;",
            "BEGIN;\nSELECT hits FROM counter WHERE id = 1;\n-- the app computes 0 + 1\nUPDATE counter SET hits = 1 WHERE id = 1;\nCOMMIT;",
        ],
    },
    // Workers take the first job they can lock. With SKIP LOCKED a worker passes over a job another worker holds
    // and takes the next one without waiting; the third worker asks with a plain FOR UPDATE and waits instead.
    // (A real worker marks its job done before COMMIT; a session here cannot carry the id it read into its next
    // statement, so the example shows the taking only: tests/sql-specs/skip-locked.spec has the whole loop.)
    Example {
        name: "job-queue",
        setup: "CREATE TABLE jobs (id integer PRIMARY KEY, task text);\nINSERT INTO jobs VALUES (1, 'send mail');\n\
                INSERT INTO jobs VALUES (2, 'resize image');\nINSERT INTO jobs VALUES (3, 'bill order');",
        sessions: &[
            "BEGIN;\nSELECT id, task FROM jobs ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED;\nCOMMIT;",
            "BEGIN;\nSELECT id, task FROM jobs ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED;\nCOMMIT;",
            "BEGIN;\nSELECT id, task FROM jobs ORDER BY id LIMIT 1 FOR UPDATE;\nCOMMIT;",
        ],
    },
    // Two doctors on call; each may go off call if the other is still on. Each checks, then updates only its own
    // row: no row is written by both, so REPEATABLE READ lets both commit and nobody is left on call. PostgreSQL's
    // SERIALIZABLE would cancel one (40001); the engine does not model SERIALIZABLE's predicate locks and refuses
    // it (`ParseErrorKind::SerializableNotModelled`), so the example runs under REPEATABLE READ and says why.
    Example {
        name: "write-skew",
        setup: "CREATE TABLE doctors (name text PRIMARY KEY, on_call boolean);\n\
                INSERT INTO doctors VALUES ('alice', true);\nINSERT INTO doctors VALUES ('bob', true);",
        sessions: &[
            "BEGIN ISOLATION LEVEL REPEATABLE READ;\nSELECT count(*) FROM doctors WHERE on_call = true;\n\
             UPDATE doctors SET on_call = false WHERE name = 'alice';\nCOMMIT;",
            "BEGIN ISOLATION LEVEL REPEATABLE READ;\nSELECT count(*) FROM doctors WHERE on_call = true;\n\
             UPDATE doctors SET on_call = false WHERE name = 'bob';\nCOMMIT;",
        ],
    },
];

/// The example named `name`.
pub fn example(name: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.name == name)
}
