//! The on-disk tantivy index: opening (and deciding to rebuild), writing
//! documents, and committing them together with the outbox position they
//! reflect, so that the index always knows exactly how far it is.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;
use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};
use uuid::Uuid;

use super::analysis::{build_analyzer, TextLanguage};
use super::schema::{build_schema, Fields, SCHEMA_VERSION};

/// What a commit records besides the documents.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct CommitPayload {
    pub schema_version: u32,
    /// Id of the last search-outbox row whose change the index holds.
    pub outbox_position: i64,
}

/// Why an index is being rebuilt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RebuildReason {
    Missing,
    Corrupt(String),
    OtherSchemaVersion(Option<u32>),
}

impl std::fmt::Display for RebuildReason {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RebuildReason::Missing => write!(formatter, "no index yet"),
            RebuildReason::Corrupt(error) => {
                write!(formatter, "the index cannot be opened: {error}")
            }
            RebuildReason::OtherSchemaVersion(version) => write!(
                formatter,
                "the index has schema version {version:?}, this binary {SCHEMA_VERSION}"
            ),
        }
    }
}

/// Memory the writer may buffer before it flushes a segment.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;

/// The index, its one writer and its one reader.
pub struct SearchIndex {
    directory: PathBuf,
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    fields: Fields,
}

fn register_analyzers(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(
        TextLanguage::English.analyzer_name(),
        build_analyzer(TextLanguage::English),
    );
    tokenizers.register(
        TextLanguage::Dutch.analyzer_name(),
        build_analyzer(TextLanguage::Dutch),
    );
    tokenizers.register(
        "defmatch_name",
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}

impl SearchIndex {
    /// Opens the index in `directory`; when it is missing, unreadable or of
    /// another schema version it is replaced by an empty one and the reason
    /// is returned, so that the caller rebuilds it from the database.
    pub fn open(directory: &Path) -> anyhow::Result<(SearchIndex, Option<RebuildReason>)> {
        std::fs::create_dir_all(directory)
            .with_context(|| format!("failed to create index directory {}", directory.display()))?;
        let (schema, fields) = build_schema();
        let has_meta = directory.join("meta.json").exists();
        let mut rebuild = None;
        let index = if has_meta {
            match Index::open_in_dir(directory) {
                Ok(index) => {
                    let version = read_payload(&index).map(|payload| payload.schema_version);
                    if version == Some(SCHEMA_VERSION) && index.schema() == schema {
                        Some(index)
                    } else {
                        rebuild = Some(RebuildReason::OtherSchemaVersion(version));
                        None
                    }
                }
                Err(error) => {
                    rebuild = Some(RebuildReason::Corrupt(error.to_string()));
                    None
                }
            }
        } else {
            rebuild = Some(RebuildReason::Missing);
            None
        };
        let index = match index {
            Some(index) => index,
            None => {
                clear_directory(directory)?;
                let mmap = MmapDirectory::open(directory)
                    .with_context(|| format!("failed to open {}", directory.display()))?;
                Index::create(mmap, schema, tantivy::IndexSettings::default())
                    .context("failed to create the search index")?
            }
        };
        register_analyzers(&index);
        let writer = index
            .writer_with_num_threads(1, WRITER_HEAP_BYTES)
            .context(
                "failed to open the index writer (is another process using this INDEX_DIR?)",
            )?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("failed to open the index reader")?;
        Ok((
            SearchIndex {
                directory: directory.to_owned(),
                index,
                reader,
                writer: Mutex::new(writer),
                fields,
            },
            rebuild,
        ))
    }

    /// Where the index lives.
    pub fn directory(&self) -> &Path {
        &self.directory
    }

    /// The field handles.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// A searcher on the last reloaded commit; one per request.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The outbox position of the last commit, if any.
    pub fn committed_position(&self) -> Option<i64> {
        read_payload(&self.index).map(|payload| payload.outbox_position)
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter<TantivyDocument>> {
        // A panic while holding the writer leaves uncommitted changes at
        // worst; the next commit or a rebuild makes the index whole again.
        self.writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Replaces (or removes, with `None`) the document of `id`.
    pub fn replace(&self, id: Uuid, document: Option<TantivyDocument>) -> anyhow::Result<()> {
        let writer = self.writer();
        writer.delete_term(Term::from_field_text(self.fields.id, &id.to_string()));
        if let Some(document) = document {
            writer.add_document(document)?;
        }
        Ok(())
    }

    /// Removes every document (before a rebuild).
    pub fn clear(&self) -> anyhow::Result<()> {
        self.writer().delete_all_documents()?;
        Ok(())
    }

    /// Commits what was written as reflecting the outbox up to `position`,
    /// then makes it visible to searchers.
    pub fn commit(&self, position: i64) -> anyhow::Result<()> {
        let payload = serde_json::to_string(&CommitPayload {
            schema_version: SCHEMA_VERSION,
            outbox_position: position,
        })?;
        {
            let mut writer = self.writer();
            let mut prepared = writer
                .prepare_commit()
                .context("failed to prepare the index commit")?;
            prepared.set_payload(&payload);
            prepared.commit().context("failed to commit the index")?;
        }
        self.reader
            .reload()
            .context("failed to reload the index reader")?;
        Ok(())
    }

    /// Drops what was written since the last commit (a crash does the same).
    pub fn rollback(&self) -> anyhow::Result<()> {
        self.writer().rollback()?;
        Ok(())
    }
}

fn read_payload(index: &Index) -> Option<CommitPayload> {
    let metas = index.load_metas().ok()?;
    serde_json::from_str(metas.payload.as_deref()?).ok()
}

/// Empties the index directory, keeping the directory itself (and a
/// `.gitkeep`, so that the default `index/` stays in the repository).
fn clear_directory(directory: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(directory)? {
        let path = entry?.path();
        if path.file_name().is_some_and(|name| name == ".gitkeep") {
            continue;
        }
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}
