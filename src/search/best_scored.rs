//! The best documents of a query by score, ties broken by id, so that the
//! same documents come first in the same order whatever the index's layout.
//! Which segment a document lands in, and where, depends on how and when
//! the index was written, merged or rebuilt, and differs between replicas;
//! tantivy's own top-k keeps the first of a tie in that layout.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};
use uuid::Uuid;

use super::schema::{ID_HIGH, ID_LOW};

/// A document found, with its score and id.
#[derive(Debug, Clone, Copy)]
pub(super) struct Found {
    pub score: Score,
    pub id: Uuid,
    pub address: DocAddress,
}

impl Found {
    /// Better first: the higher score, then the smaller id.
    fn order(&self, other: &Self) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then_with(|| self.id.cmp(&other.id))
    }
}

/// The `count` documents with the highest scores, ties broken by the
/// smaller id, best first.
///
/// Keeps the query's pruning: a document is only scored in full if it can
/// beat the `count`-th best so far, and one that ties that score is still
/// let through, to be compared by id.
pub(super) struct BestScored {
    pub count: usize,
}

impl Collector for BestScored {
    type Fruit = Vec<Found>;
    type Child = BestScoredInSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let columns = reader.fast_fields();
        Ok(BestScoredInSegment {
            count: self.count,
            segment,
            high: columns.u64(ID_HIGH)?,
            low: columns.u64(ID_LOW)?,
            best: BinaryHeap::with_capacity(self.count + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Found>>) -> tantivy::Result<Vec<Found>> {
        let mut found: Vec<Found> = fruits.into_iter().flatten().collect();
        found.sort_by(Found::order);
        found.truncate(self.count);
        Ok(found)
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Vec<Found>> {
        let mut collector = self.for_segment(segment, reader)?;
        let alive = reader.alive_bitset();
        weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                collector.collect(doc, score);
            }
            collector.threshold()
        })?;
        Ok(collector.harvest())
    }
}

/// [`BestScored`] within one segment.
pub(super) struct BestScoredInSegment {
    count: usize,
    segment: SegmentOrdinal,
    high: Column<u64>,
    low: Column<u64>,
    /// The best so far, the worst of them on top.
    best: BinaryHeap<WorstFirst>,
}

impl BestScoredInSegment {
    /// The score a document must beat to be passed to [`Self::collect`]:
    /// just under the worst kept, once `count` are kept, so that a tie
    /// still comes through.
    fn threshold(&self) -> Score {
        match self.best.peek() {
            Some(worst) if self.best.len() >= self.count => just_below(worst.0.score),
            _ => Score::MIN,
        }
    }
}

impl SegmentCollector for BestScoredInSegment {
    type Fruit = Vec<Found>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.count == 0 {
            return;
        }
        let found = Found {
            score,
            id: Uuid::from_u64_pair(
                self.high.first(doc).unwrap_or_default(),
                self.low.first(doc).unwrap_or_default(),
            ),
            address: DocAddress::new(self.segment, doc),
        };
        if self.best.len() < self.count {
            self.best.push(WorstFirst(found));
        } else if let Some(mut worst) = self.best.peek_mut() {
            if found.order(&worst.0) == Ordering::Less {
                *worst = WorstFirst(found);
            }
        }
    }

    fn harvest(self) -> Vec<Found> {
        self.best.into_iter().map(|entry| entry.0).collect()
    }
}

/// A heap entry whose greatest is the worst document.
struct WorstFirst(Found);

impl PartialEq for WorstFirst {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for WorstFirst {}

impl PartialOrd for WorstFirst {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for WorstFirst {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.order(&other.0)
    }
}

/// The largest score below `score` (`f32::next_down`, newer than the
/// toolchain this crate supports).
fn just_below(score: Score) -> Score {
    if score.is_nan() || score == Score::NEG_INFINITY {
        return score;
    }
    if score == 0.0 {
        return -Score::from_bits(1);
    }
    let bits = score.to_bits();
    Score::from_bits(if score > 0.0 { bits - 1 } else { bits + 1 })
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::indexer::NoMergePolicy;
    use tantivy::query::TermQuery;
    use tantivy::schema::{IndexRecordOption, Schema, FAST, TEXT};
    use tantivy::{doc, Index, Term};

    use super::*;

    /// An index of `ids` (in that order, `per_segment` to a segment) whose
    /// documents say "radar" once, those of `strong` twice.
    fn index_of(ids: &[Uuid], strong: &[Uuid], per_segment: usize) -> (Index, Term) {
        let mut builder = Schema::builder();
        let text = builder.add_text_field("text", TEXT);
        let high = builder.add_u64_field(ID_HIGH, FAST);
        let low = builder.add_u64_field(ID_LOW, FAST);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(NoMergePolicy));
        for chunk in ids.chunks(per_segment) {
            for id in chunk {
                let (id_high, id_low) = id.as_u64_pair();
                let words = if strong.contains(id) {
                    "radar radar"
                } else {
                    "radar"
                };
                writer
                    .add_document(doc!(text => words, high => id_high, low => id_low))
                    .unwrap();
            }
            writer.commit().unwrap();
        }
        (index, Term::from_field_text(text, "radar"))
    }

    fn best(index: &Index, term: &Term, count: usize) -> Vec<Uuid> {
        let query = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
        let searcher = index.reader().unwrap().searcher();
        searcher
            .search(&query, &BestScored { count })
            .unwrap()
            .into_iter()
            .map(|found| found.id)
            .collect()
    }

    fn ids(count: u64) -> Vec<Uuid> {
        (1..=count)
            .map(|n| Uuid::from_u64_pair(n.wrapping_mul(0x9e37_79b9_7f4a_7c15), n))
            .collect()
    }

    #[test]
    fn ties_are_broken_by_id_whatever_the_layout() {
        let ids = ids(40);
        let strong = [ids[7], ids[30]];
        let reversed: Vec<Uuid> = ids.iter().rev().copied().collect();
        let (forward, term) = index_of(&ids, &strong, 7);
        let (backward, _) = index_of(&reversed, &strong, 3);

        let mut expected: Vec<Uuid> = ids
            .iter()
            .filter(|id| !strong.contains(id))
            .copied()
            .collect();
        expected.sort();
        let mut strongest = strong.to_vec();
        strongest.sort();
        strongest.extend(&expected[..3]);
        assert_eq!(best(&forward, &term, 5), strongest);
        assert_eq!(best(&backward, &term, 5), strongest);

        // What tantivy's own top-k keeps of the tie depends on the layout.
        let top = |index: &Index| -> Vec<DocAddress> {
            let query = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
            let searcher = index.reader().unwrap().searcher();
            searcher
                .search(&query, &TopDocs::with_limit(5).order_by_score())
                .unwrap()
                .into_iter()
                .map(|(_, address)| address)
                .collect()
        };
        let id_of = |index: &Index, address: DocAddress| -> Uuid {
            let searcher = index.reader().unwrap().searcher();
            let columns = searcher.segment_reader(address.segment_ord).fast_fields();
            let high = columns.u64(ID_HIGH).unwrap().first(address.doc_id).unwrap();
            let low = columns.u64(ID_LOW).unwrap().first(address.doc_id).unwrap();
            Uuid::from_u64_pair(high, low)
        };
        let forward_ids: Vec<Uuid> = top(&forward)
            .into_iter()
            .map(|address| id_of(&forward, address))
            .collect();
        let backward_ids: Vec<Uuid> = top(&backward)
            .into_iter()
            .map(|address| id_of(&backward, address))
            .collect();
        assert_ne!(forward_ids, backward_ids);
    }

    #[test]
    fn every_document_is_kept_when_fewer_match_than_are_asked_for() {
        let ids = ids(4);
        let (index, term) = index_of(&ids, &[ids[2]], 2);
        let mut rest = vec![ids[0], ids[1], ids[3]];
        rest.sort();
        assert_eq!(best(&index, &term, 10), [vec![ids[2]], rest].concat());
        assert!(best(&index, &term, 0).is_empty());
    }

    #[test]
    fn just_below_is_the_next_smaller_score() {
        for score in [0.0_f32, 1.0, 0.5, 3.25, -2.0, f32::MIN_POSITIVE] {
            let below = just_below(score);
            assert!(below < score, "{score}");
            let between = (below + score) / 2.0;
            assert!(between == below || between == score, "{score}");
        }
    }
}
