DROP TABLE challenge_questions;
