//! A semantic view of the texts: latent semantic analysis (LSA) learnt
//! from the index itself.
//!
//! BM25 only matches the words two texts share. A start-up's profile
//! speaks of what it has built, and a challenge of what it needs, often in
//! other words. LSA learns from which words occur together across every
//! start-up and challenge, so that two texts about the same subject are
//! close even when they share few words. No model is fetched from
//! elsewhere: the space is a truncated singular value decomposition of the
//! index's own term-document matrix (log tf · idf, rows of unit length),
//! computed by randomised range finding with two power iterations.
//!
//! The model maps each term to a vector; a text's vector is the weighted sum
//! of its terms' vectors, so any text (a stored document or an unsaved
//! draft) can be placed in the space without retraining. It is retrained in
//! the background when the corpus has grown or shrunk by a tenth (see
//! [`super::index::SearchIndex::refresh_semantic_model`]), and is not used
//! below [`MIN_DOCUMENTS`], where co-occurrence says nothing.

use faer::linalg::evd::EvdError;
use faer::{Mat, MatRef, Side};
use rustc_hash::FxHashMap;

use super::ranking::TermsView;

/// Dimensions of the space.
pub const DIMENSIONS: usize = 128;
/// Extra random directions searched beyond [`DIMENSIONS`].
const OVERSAMPLING: usize = 16;
/// Power iterations of the range finder.
const POWER_ITERATIONS: usize = 2;
/// Fewer documents than this teach nothing: no model is trained.
pub const MIN_DOCUMENTS: usize = 200;
/// Each dimension is scaled by its singular value to this power: the
/// strong, shared themes count more than the faint ones (cross-validated
/// on `sbir-dev` against 0 to 1, as [`DIMENSIONS`] against 64 and 256:
/// docs/matching.md).
const SINGULAR_VALUE_POWER: f64 = 0.5;

/// The documents a model learns from, read one by one, with their terms
/// interned (a corpus of 100,000 documents holds millions of term entries).
#[derive(Default)]
pub struct TrainingCorpus {
    term_ids: FxHashMap<Box<str>, u32>,
    /// (content key, (term id, frequency) entries) per document.
    documents: Vec<(u64, Vec<(u32, u32)>)>,
}

impl TrainingCorpus {
    /// Adds a document; `content_key` orders the documents, so that one
    /// corpus always trains one model whatever order it was read in.
    pub fn add(&mut self, text: &TermsView<'_>, content_key: u64) {
        let entries = text
            .entries()
            .iter()
            .map(|(term, frequency)| {
                let next = self.term_ids.len() as u32;
                let id = match self.term_ids.get(*term) {
                    Some(id) => *id,
                    None => {
                        self.term_ids.insert(Box::from(*term), next);
                        next
                    }
                };
                (id, *frequency)
            })
            .collect();
        self.documents.push((content_key, entries));
    }
}

/// A trained space: a vector per term.
pub struct SemanticModel {
    rows: FxHashMap<Box<str>, u32>,
    /// idf of each row's term, over all documents trained on.
    idf: Vec<f32>,
    /// `rows.len() × dimensions`, row-major.
    vectors: Vec<f32>,
    dimensions: usize,
    documents: usize,
}

impl SemanticModel {
    /// Learns the space from `corpus`; `None` when it has fewer than
    /// [`MIN_DOCUMENTS`] documents, no term occurs in two of them, or the
    /// singular value decomposition does not converge.
    pub fn train(corpus: TrainingCorpus) -> Option<SemanticModel> {
        let TrainingCorpus {
            term_ids,
            mut documents,
        } = corpus;
        if documents.len() < MIN_DOCUMENTS {
            return None;
        }
        documents.sort_unstable_by(|left, right| left.0.cmp(&right.0).then(left.1.cmp(&right.1)));
        let mut document_frequency = vec![0_u32; term_ids.len()];
        for (_, entries) in &documents {
            for (term, _) in entries {
                document_frequency[*term as usize] += 1;
            }
        }
        // Terms of a single document cannot relate two documents. The rest
        // get rows in alphabetical order.
        let mut terms: Vec<(Box<str>, u32)> = term_ids
            .into_iter()
            .filter(|(_, id)| document_frequency[*id as usize] >= 2)
            .collect();
        if terms.is_empty() {
            return None;
        }
        terms.sort_unstable();
        let mut row_of_term = vec![u32::MAX; document_frequency.len()];
        for (row, (_, id)) in terms.iter().enumerate() {
            row_of_term[*id as usize] = row as u32;
        }
        let count = documents.len() as f32;
        let idf: Vec<f32> = terms
            .iter()
            .map(|(_, id)| (count / document_frequency[*id as usize] as f32).ln())
            .collect();
        let document_count = documents.len();
        let matrix: Vec<Vec<(u32, f32)>> = documents
            .into_iter()
            .map(|(_, entries)| {
                let mut row: Vec<(u32, f32)> = entries
                    .into_iter()
                    .filter_map(|(term, frequency)| {
                        let column = row_of_term[term as usize];
                        (column != u32::MAX)
                            .then(|| (column, term_weight(frequency, idf[column as usize])))
                    })
                    .collect();
                normalise_sparse(&mut row);
                row
            })
            .collect();
        let vocabulary = terms.len();
        let width = (DIMENSIONS + OVERSAMPLING)
            .min(vocabulary)
            .min(document_count);
        let dimensions = DIMENSIONS.min(width);
        let projection = match truncated_svd(&matrix, vocabulary, width, dimensions) {
            Ok(projection) => projection,
            Err(error) => {
                tracing::warn!(
                    ?error,
                    documents = document_count,
                    "semantic model not trained"
                );
                return None;
            }
        };
        Some(SemanticModel {
            rows: terms
                .into_iter()
                .enumerate()
                .map(|(row, (term, _))| (term, row as u32))
                .collect(),
            idf,
            vectors: projection,
            dimensions,
            documents: document_count,
        })
    }

    /// How many documents the model learnt from.
    pub fn documents(&self) -> usize {
        self.documents
    }

    /// The unit vector of a text, or `None` when none of its terms is known.
    pub fn embed(&self, text: &TermsView<'_>) -> Option<Vec<f32>> {
        let mut vector = vec![0.0_f32; self.dimensions];
        let mut known = false;
        for (term, frequency) in text.entries() {
            let Some(&row) = self.rows.get(*term) else {
                continue;
            };
            known = true;
            let weight = term_weight(*frequency, self.idf[row as usize]);
            let start = row as usize * self.dimensions;
            for (value, term_value) in vector
                .iter_mut()
                .zip(&self.vectors[start..start + self.dimensions])
            {
                *value += weight * term_value;
            }
        }
        let length = vector.iter().map(|value| value * value).sum::<f32>().sqrt();
        if !known || length <= f32::EPSILON {
            return None;
        }
        vector.iter_mut().for_each(|value| *value /= length);
        Some(vector)
    }
}

/// Cosine similarity of two unit vectors, negative values cut to 0 (an
/// opposite theme is no match, not a penalty).
pub fn similarity(left: &[f32], right: &[f32]) -> f32 {
    left.iter()
        .zip(right)
        .map(|(left, right)| left * right)
        .sum::<f32>()
        .max(0.0)
}

fn term_weight(frequency: u32, idf: f32) -> f32 {
    (1.0 + (frequency.max(1) as f32).ln()) * idf
}

fn normalise_sparse(row: &mut [(u32, f32)]) {
    let length = row
        .iter()
        .map(|(_, value)| value * value)
        .sum::<f32>()
        .sqrt();
    if length > 0.0 {
        row.iter_mut().for_each(|(_, value)| *value /= length);
    }
}

/// The term vectors (`vocabulary × dimensions`, row-major) of a rank-
/// `dimensions` approximation of `matrix` (documents × terms, sparse rows):
/// right singular vectors scaled by the singular values to
/// [`SINGULAR_VALUE_POWER`], found in a random subspace of `width`.
fn truncated_svd(
    matrix: &[Vec<(u32, f32)>],
    vocabulary: usize,
    width: usize,
    dimensions: usize,
) -> Result<Vec<f32>, EvdError> {
    let (singular_values, singular_vectors) =
        leading_right_singular_vectors(matrix, vocabulary, width, dimensions)?;
    let scale: Vec<f64> = singular_values
        .iter()
        .map(|&singular_value| f64::from(singular_value).powf(SINGULAR_VALUE_POWER))
        .collect();
    let mut projection = Vec::with_capacity(vocabulary * dimensions);
    for term in 0..vocabulary {
        for (dimension, dimension_scale) in scale.iter().enumerate() {
            let value = f64::from(singular_vectors[(term, dimension)]) * dimension_scale;
            projection.push(value as f32);
        }
    }
    Ok(projection)
}

/// The `dimensions` leading singular values of `matrix` (documents × terms,
/// sparse rows), largest first, and the right singular vectors that go with
/// them (the columns of a `vocabulary × dimensions` matrix), found by
/// randomised range finding in a subspace of `width`.
fn leading_right_singular_vectors(
    matrix: &[Vec<(u32, f32)>],
    vocabulary: usize,
    width: usize,
    dimensions: usize,
) -> Result<(Vec<f32>, Mat<f32>), EvdError> {
    debug_assert!(dimensions <= width && width <= vocabulary && width <= matrix.len());
    // A deterministic start, so that one corpus always gives one model.
    let mut random = XorShift(0x9E37_79B9_7F4A_7C15);
    let start: Vec<f32> = (0..matrix.len() * width)
        .map(|_| random.next_centred())
        .collect();
    // Q spans the range of Aᵀ: Aᵀ·Ω, refined by (AᵀA) power iterations.
    let mut basis = transpose_times(matrix, &start, vocabulary, width);
    drop(start);
    orthonormalise(&mut basis, vocabulary, width);
    for _ in 0..POWER_ITERATIONS {
        let documents = times(matrix, &basis, width);
        basis = transpose_times(matrix, &documents, vocabulary, width);
        orthonormalise(&mut basis, vocabulary, width);
    }
    // B = A·Q is documents × width. BᵀB = W·Σ²·Wᵀ gives A's leading singular
    // values as Σ and its right singular vectors as Q·W. The eigen-
    // decomposition of the small BᵀB, summed in f64, spares the documents ×
    // width U (and its copies) that an SVD of B itself would allocate: at
    // 100,000 documents, over 100 MB at every training.
    let reduced = times(matrix, &basis, width);
    let gram = gram(&reduced, width);
    drop(reduced);
    let eigen =
        MatRef::from_row_major_slice(&gram, width, width).self_adjoint_eigen(Side::Upper)?;
    // Eigenvalues come smallest first: the leading ones are at the end.
    let eigenvalues = eigen.S().column_vector();
    let leading = |rank: usize| width - 1 - rank;
    let singular_values = (0..dimensions)
        .map(|rank| eigenvalues[leading(rank)].max(0.0).sqrt() as f32)
        .collect();
    let eigenvectors = eigen.U();
    let rotation = Mat::<f32>::from_fn(width, dimensions, |row, rank| {
        eigenvectors[(row, leading(rank))] as f32
    });
    let singular_vectors =
        MatRef::from_row_major_slice(&basis, vocabulary, width) * rotation.as_ref();
    Ok((singular_values, singular_vectors))
}

/// XᵀX for X (`rows × width`, row-major), in f64: `width × width`, upper
/// triangle only.
fn gram(dense: &[f32], width: usize) -> Vec<f64> {
    let mut gram = vec![0.0_f64; width * width];
    for row in dense.chunks_exact(width) {
        for (i, &left) in row.iter().enumerate() {
            let left = f64::from(left);
            let target = &mut gram[i * width + i..(i + 1) * width];
            for (sum, &right) in target.iter_mut().zip(&row[i..]) {
                *sum += left * f64::from(right);
            }
        }
    }
    gram
}

/// A·X for X (`terms × width`, row-major): `documents × width`.
fn times(matrix: &[Vec<(u32, f32)>], dense: &[f32], width: usize) -> Vec<f32> {
    let mut out = vec![0.0_f32; matrix.len() * width];
    for (row, entries) in matrix.iter().enumerate() {
        let target = &mut out[row * width..(row + 1) * width];
        for &(column, value) in entries {
            let source = &dense[column as usize * width..(column as usize + 1) * width];
            for (out, source) in target.iter_mut().zip(source) {
                *out += value * source;
            }
        }
    }
    out
}

/// Aᵀ·X for X (`documents × width`, row-major): `terms × width`.
fn transpose_times(
    matrix: &[Vec<(u32, f32)>],
    dense: &[f32],
    vocabulary: usize,
    width: usize,
) -> Vec<f32> {
    let mut out = vec![0.0_f32; vocabulary * width];
    for (row, entries) in matrix.iter().enumerate() {
        let source = &dense[row * width..(row + 1) * width];
        for &(column, value) in entries {
            let target = &mut out[column as usize * width..(column as usize + 1) * width];
            for (out, source) in target.iter_mut().zip(source) {
                *out += value * source;
            }
        }
    }
    out
}

/// Makes the columns of X (`rows × width`, row-major) an orthonormal basis
/// of the space they span: X ← Q of the QR decomposition X = Q·R.
fn orthonormalise(dense: &mut [f32], rows: usize, width: usize) {
    let orthonormal = MatRef::from_row_major_slice(dense, rows, width)
        .qr()
        .compute_thin_Q();
    for (row, values) in dense.chunks_exact_mut(width).enumerate() {
        for (column, value) in values.iter_mut().enumerate() {
            *value = orthonormal[(row, column)];
        }
    }
}

/// A small deterministic generator for the random start.
struct XorShift(u64);

impl XorShift {
    /// Uniform in [-0.5, 0.5).
    fn next_centred(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        ((self.0 >> 11) as f64 / (1_u64 << 53) as f64 - 0.5) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analysis::TextLanguage;
    use crate::search::ranking::TermVector;

    /// A text of `words`, each once.
    fn text(words: &[&str]) -> TermVector {
        TermVector {
            language: Some(TextLanguage::English),
            frequencies: words.iter().map(|word| ((*word).to_owned(), 1)).collect(),
            length: words.len() as u32,
        }
    }

    /// Texts of two themes that never share a word with the other theme
    /// but share words within their own: three of its theme's six words.
    fn themed_texts(count: usize) -> Vec<TermVector> {
        let drone = ["drone", "uav", "rotor", "flight", "swarm", "airframe"];
        let cyber = [
            "malware",
            "network",
            "intrusion",
            "firewall",
            "encryption",
            "exploit",
        ];
        (0..count)
            .map(|index| {
                let theme = if index % 2 == 0 { &drone } else { &cyber };
                let words: Vec<&str> = (0..3)
                    .map(|offset| theme[(index / 2 + offset * 2) % 6])
                    .collect();
                text(&words)
            })
            .collect()
    }

    /// A training corpus of `texts`, each keyed by its position.
    fn corpus<'a>(texts: impl Iterator<Item = (usize, &'a TermVector)>) -> TrainingCorpus {
        let mut corpus = TrainingCorpus::default();
        for (key, text) in texts {
            corpus.add(&text.view(), key as u64);
        }
        corpus
    }

    #[test]
    fn too_few_documents_train_no_model() {
        let texts = themed_texts(MIN_DOCUMENTS - 1);
        assert!(SemanticModel::train(corpus(texts.iter().enumerate())).is_none());
    }

    #[test]
    fn words_of_one_theme_land_close_and_other_themes_far() {
        let texts = themed_texts(MIN_DOCUMENTS + 40);
        let model = SemanticModel::train(corpus(texts.iter().enumerate())).expect("a model");
        let embed = |words: &[&str]| model.embed(&text(words).view()).expect("known terms");
        let drone = embed(&["drone"]);
        let uav = embed(&["uav", "rotor"]);
        let malware = embed(&["malware"]);
        // "drone" and "uav rotor" share no word, yet their theme.
        assert!(
            similarity(&drone, &uav) > 0.5,
            "{}",
            similarity(&drone, &uav)
        );
        assert!(similarity(&drone, &malware) < 0.2);
        assert!(model.embed(&text(&["zeppelin"]).view()).is_none());
    }

    #[test]
    fn one_corpus_read_in_any_order_trains_one_model() {
        let texts = themed_texts(MIN_DOCUMENTS + 40);
        let forward = SemanticModel::train(corpus(texts.iter().enumerate())).expect("a model");
        let backward =
            SemanticModel::train(corpus(texts.iter().enumerate().rev())).expect("a model");
        assert_eq!(forward.vectors, backward.vectors);
    }

    #[test]
    fn singular_vectors_reconstruct_the_gram_matrix_of_a_small_corpus() {
        // Five documents over four terms; a subspace as wide as the
        // vocabulary leaves nothing out, so AᵀA = V·Σ²·Vᵀ exactly.
        let matrix: Vec<Vec<(u32, f32)>> = vec![
            vec![(0, 0.8), (1, 0.6)],
            vec![(1, 0.5), (2, 0.5), (3, 0.7)],
            vec![(0, 1.0)],
            vec![(2, 0.6), (3, 0.8)],
            vec![(0, 0.3), (3, 0.9)],
        ];
        let (values, vectors) =
            leading_right_singular_vectors(&matrix, 4, 4, 4).expect("converges");
        assert!(
            values.windows(2).all(|pair| pair[0] >= pair[1]),
            "{values:?}"
        );
        let mut gram = [[0.0_f32; 4]; 4];
        for row in &matrix {
            for &(left, left_value) in row {
                for &(right, right_value) in row {
                    gram[left as usize][right as usize] += left_value * right_value;
                }
            }
        }
        for (left, gram_row) in gram.iter().enumerate() {
            for (right, expected) in gram_row.iter().enumerate() {
                let rebuilt: f32 = (0..4)
                    .map(|k| vectors[(left, k)] * values[k] * values[k] * vectors[(right, k)])
                    .sum();
                assert!((rebuilt - expected).abs() < 1e-5, "{rebuilt} ≠ {expected}");
            }
        }
    }
}
