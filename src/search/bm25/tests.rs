use tantivy::collector::{Count, TopDocs};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, TermQuery};
use tantivy::schema::{Schema, STRING, TEXT};
use tantivy::{doc, DocAddress, Index, TERMINATED};

use super::union::WINDOW;
use super::*;

/// Term `t{k}` occurs `k` times in every document whose number `k`
/// divides, and `t2` once more in every 5th; so documents hold different
/// terms, frequencies and lengths across many scoring windows.
fn frequency(document: u32, term: u32) -> u32 {
    u32::from(document % term == 0) * term + u32::from(term == 2 && document % 5 == 0)
}

const TERMS: [u32; 4] = [2, 3, 7, 1000];
const DOCUMENTS: u32 = 3 * WINDOW + 100;

#[test]
fn windowed_union_scores_every_document_as_a_sum_over_its_terms() {
    let mut builder = Schema::builder();
    let text = builder.add_text_field("text", TEXT);
    let every_third = builder.add_text_field("third", STRING);
    let index = Index::create_in_ram(builder.build());
    let mut writer = index.writer_with_num_threads(1, 30_000_000).unwrap();
    for document in 0..DOCUMENTS {
        let words: Vec<String> = TERMS
            .iter()
            .flat_map(|term| {
                std::iter::repeat_n(format!("t{term}"), frequency(document, *term) as usize)
            })
            .chain(std::iter::once("filler".to_owned()))
            .collect();
        let third = if document % 3 == 0 { "yes" } else { "no" };
        writer
            .add_document(doc!(text => words.join(" "), every_third => third))
            .unwrap();
    }
    writer.commit().unwrap();
    let searcher = index.reader().unwrap().searcher();
    assert_eq!(searcher.segment_readers().len(), 1);
    let params = Bm25Params { k1: 0.9, b: 0.4 };
    let average = 3.5;
    let weights = [0.5_f32, 1.25, 2.0, 4.0];
    let weighted = WeightedBm25Query::new(
        vec![FieldTerms {
            field: text,
            terms: TERMS
                .iter()
                .zip(weights)
                .map(|(term, weight)| WeightedTerm {
                    term: Term::from_field_text(text, &format!("t{term}")),
                    weight,
                })
                .collect(),
            average_length: average,
        }],
        params,
    );
    let expected = |document: u32| -> Option<f32> {
        let tokens: u32 = TERMS
            .iter()
            .map(|term| frequency(document, *term))
            .sum::<u32>()
            + 1;
        // As the index stores it: exact for short texts, coarser for long ones.
        let length = FieldNormReader::id_to_fieldnorm(FieldNormReader::fieldnorm_to_id(tokens));
        let norm = params.k1 * (1.0 - params.b + params.b * length as f32 / average);
        let parts: Vec<f32> = TERMS
            .iter()
            .zip(weights)
            .filter(|(term, _)| frequency(document, **term) > 0)
            .map(|(term, weight)| {
                let frequency = frequency(document, *term) as f32;
                weight * frequency * (params.k1 + 1.0) / (frequency + norm)
            })
            .collect();
        (!parts.is_empty()).then(|| parts.iter().sum())
    };
    let everything = TopDocs::with_limit(DOCUMENTS as usize).order_by_score();

    // Alone: every matching document, each with its exact score.
    let found: Vec<(f32, DocAddress)> = searcher.search(&weighted, &everything).unwrap();
    let wanted: Vec<u32> = (0..DOCUMENTS).filter(|d| expected(*d).is_some()).collect();
    assert_eq!(found.len(), wanted.len());
    for (score, address) in &found {
        assert_eq!(
            Some(*score),
            expected(address.doc_id),
            "doc {}",
            address.doc_id
        );
    }

    // Behind a filter, which seeks the union within and across windows.
    let filtered = BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(every_third, "yes"),
                IndexRecordOption::Basic,
            )),
        ),
        (Occur::Must, Box::new(weighted.clone())),
    ]);
    let found: Vec<(f32, DocAddress)> = searcher.search(&filtered, &everything).unwrap();
    let wanted = (0..DOCUMENTS)
        .filter(|d| d % 3 == 0 && expected(*d).is_some())
        .count();
    assert_eq!(found.len(), wanted);
    for (score, address) in &found {
        assert_eq!(address.doc_id % 3, 0);
        // The filter's own score is constant; the order is the union's.
        assert!(expected(address.doc_id).is_some());
        assert!(*score > 0.0);
    }

    // The best documents behind a filter that scores nothing, threshold
    // first: the same documents and scores as tantivy's intersection,
    // however few are wanted.
    let third_only = || -> Box<dyn Query> {
        Box::new(ConstScoreQuery::new(
            Box::new(TermQuery::new(
                Term::from_field_text(every_third, "yes"),
                IndexRecordOption::Basic,
            )),
            0.0,
        ))
    };
    let intersection = BooleanQuery::new(vec![
        (Occur::Must, third_only()),
        (Occur::Must, Box::new(weighted.clone())),
    ]);
    for wanted in [1, 2, 25, 300] {
        let best = TopDocs::with_limit(wanted).order_by_score();
        let pruned: Vec<(f32, DocAddress)> = searcher
            .search(&weighted.clone().within(third_only()), &best)
            .unwrap();
        let intersected: Vec<(f32, DocAddress)> = searcher.search(&intersection, &best).unwrap();
        assert_eq!(pruned.len(), wanted);
        assert_eq!(pruned, intersected, "the best {wanted}");
    }
    let best = TopDocs::with_limit(25).order_by_score();
    let pruned: Vec<(f32, DocAddress)> = searcher
        .search(&weighted.clone().within(third_only()), &best)
        .unwrap();
    // Counted (without the search for the best), the same documents.
    let filtered_query = weighted.clone().within(third_only());
    assert_eq!(
        searcher.search(&filtered_query, &Count).unwrap(),
        searcher.search(&intersection, &Count).unwrap()
    );
    let first = pruned[0].1;
    assert_eq!(
        filtered_query
            .weight(tantivy::query::EnableScoring::enabled_from_searcher(
                &searcher
            ))
            .unwrap()
            .explain(&searcher.segment_readers()[0], first.doc_id)
            .unwrap()
            .value(),
        pruned[0].0
    );
    for (score, address) in &pruned {
        assert_eq!(address.doc_id % 3, 0);
        assert_eq!(Some(*score), expected(address.doc_id));
    }

    // A seek far ahead lands on the next matching document.
    let segment = &searcher.segment_readers()[0];
    let mut scorer = weighted.scorer(segment, 1.0).unwrap();
    let target = 2 * WINDOW + 1;
    let next = (target..DOCUMENTS)
        .find(|d| expected(*d).is_some())
        .unwrap();
    assert_eq!(scorer.seek(target), next);
    assert_eq!(Some(scorer.score()), expected(next));
    let after = (next + 1..DOCUMENTS)
        .find(|d| expected(*d).is_some())
        .unwrap();
    assert_eq!(scorer.advance(), after);
    assert_eq!(Some(scorer.score()), expected(after));
    assert_eq!(scorer.seek(TERMINATED), TERMINATED);
}
