//! A reindex killed midway leaves segment files no commit uses; the next
//! start removes them, and the index still answers.

use std::collections::BTreeSet;
use std::path::Path;

use defmatch::search::engine::SearchEngine;
use defmatch::search::index::SearchIndex;

use crate::helpers::{TempDirectory, TestDatabase};
use crate::indexing::{built_index, defence_organisation, found, insert_open_challenge};

fn files_in(directory: &Path) -> BTreeSet<String> {
    std::fs::read_dir(directory)
        .expect("read index directory")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// Writes segments into the index in `directory` as a reindex does, flushes
/// them to disk, and stops before the commit, as a killed process would.
/// (The documents carry only their id; a bare tantivy index still needs an
/// analyser under each name the schema uses, any will do.)
fn interrupted_reindex(directory: &Path) {
    let index = tantivy::Index::open_in_dir(directory).expect("tantivy opens the index");
    for (_, entry) in index.schema().fields() {
        if let tantivy::schema::FieldType::Str(options) = entry.field_type() {
            if let Some(indexing) = options.get_indexing_options() {
                index.tokenizers().register(
                    indexing.tokenizer(),
                    tantivy::tokenizer::TextAnalyzer::from(
                        tantivy::tokenizer::SimpleTokenizer::default(),
                    ),
                );
            }
        }
    }
    let id = index.schema().get_field("id").expect("id field");
    let mut writer: tantivy::IndexWriter = index
        .writer_with_num_threads(1, 50_000_000)
        .expect("tantivy writer");
    for number in 0..1000 {
        writer
            .add_document(tantivy::doc!(id => format!("orphan-{number}")))
            .expect("add");
    }
    let prepared = writer.prepare_commit().expect("flush the segments");
    // The process dies here: the segments are on disk, no commit names them.
    drop(prepared);
    drop(writer);
}

#[test]
fn files_of_a_reindex_killed_midway_are_removed_at_the_next_start() {
    let database = TestDatabase::create();
    let directory = TempDirectory::new("defmatch-orphan-index");
    let mut connection = database.connect();
    let organisation = defence_organisation(&mut connection);
    let id = insert_open_challenge(&mut connection, organisation, "Quokkatron");
    drop(built_index(&directory.path, &mut connection));
    let committed = files_in(&directory.path);

    interrupted_reindex(&directory.path);
    let orphans: BTreeSet<String> = files_in(&directory.path)
        .difference(&committed)
        .filter(|name| !name.ends_with(".lock") && !name.starts_with('.'))
        .cloned()
        .collect();
    assert!(!orphans.is_empty(), "the interrupted reindex left files");

    let (index, reason) = SearchIndex::open(&directory.path).expect("open");
    assert_eq!(reason, None, "the committed index is kept");
    let left: Vec<&String> = orphans
        .iter()
        .filter(|name| directory.path.join(name).exists())
        .collect();
    assert!(left.is_empty(), "orphan files left: {left:?}");
    let engine = SearchEngine::new(std::sync::Arc::new(index));
    assert_eq!(found(&engine, "quokkatron"), vec![id]);
}
