//! A resident's rating of a completed request, on the five levels of the government's
//! 好差评 scale, with optional tags and a comment.

use crate::message::Message;
use crate::validation::{FieldError, Refusals};
use serde::{Deserialize, Serialize};

/// Days after it was first given that a rating may still be changed.
pub const EDIT_DAYS: i64 = 14;
pub const COMMENT_MAX: usize = 500;
/// A rating at or below this opens a follow-up (回访) by community staff.
pub const FOLLOW_UP_AT_OR_BELOW: u8 = 2;

/// 1 (非常不满意) to 5 (非常满意).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Score(u8);

impl Score {
    pub const ALL: [Score; 5] = [Score(5), Score(4), Score(3), Score(2), Score(1)];

    pub fn new(raw: i64) -> Option<Self> {
        (1..=5).contains(&raw).then_some(Self(raw as u8))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// The scale's own words.
    pub fn words(self) -> Message {
        match self.0 {
            5 => Message::fixed("非常满意", "very satisfied"),
            4 => Message::fixed("满意", "satisfied"),
            3 => Message::fixed("基本满意", "fairly satisfied"),
            2 => Message::fixed("不满意", "dissatisfied"),
            _ => Message::fixed("非常不满意", "very dissatisfied"),
        }
    }

    /// A face for the button, so the level reads without reading.
    pub fn face(self) -> &'static str {
        match self.0 {
            5 => "😄",
            4 => "🙂",
            3 => "😐",
            2 => "🙁",
            _ => "😞",
        }
    }

    pub fn needs_follow_up(self) -> bool {
        self.0 <= FOLLOW_UP_AT_OR_BELOW
    }
}

impl TryFrom<i64> for Score {
    type Error = String;
    fn try_from(raw: i64) -> Result<Self, String> {
        Self::new(raw).ok_or_else(|| format!("a score is 1 to 5, got {raw}"))
    }
}

impl From<Score> for i64 {
    fn from(s: Score) -> i64 {
        s.0 as i64
    }
}

/// What a rating may say in one tap.
pub const TAGS: [(&str, &str, &str); 6] = [
    ("on-time", "准时", "on time"),
    ("patient", "耐心", "patient"),
    ("professional", "专业", "professional"),
    ("solved", "解决问题", "solved it"),
    ("friendly", "热情", "friendly"),
    ("late", "迟到", "late"),
];

pub fn tag_words(slug: &str) -> Option<Message> {
    TAGS.iter()
        .find(|(s, _, _)| *s == slug)
        .map(|(_, zh, en)| Message::fixed(zh, en))
}

/// A rating as given (the API's body, the form's fields).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RatingInput {
    pub score: Option<i64>,
    pub tags: Vec<String>,
    pub comment: Option<String>,
}

/// A checked rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingDraft {
    pub score: Score,
    /// Known slugs, each once, in the order of [`TAGS`].
    pub tags: Vec<String>,
    pub comment: Option<String>,
}

impl RatingInput {
    pub fn check(&self) -> Result<RatingDraft, crate::error::AppError> {
        let mut r = Refusals::new();
        let score = r.check(self.score.and_then(Score::new).ok_or_else(|| {
            FieldError::new(
                "score",
                "请选择满意程度（1 到 5）",
                "choose how satisfied you are, 1 to 5",
            )
        }));
        if let Some(unknown) = self.tags.iter().find(|t| tag_words(t).is_none()) {
            r.push(FieldError::with(
                "tags",
                Message::owned(format!("没有「{unknown}」这个标签"), format!("{unknown} is not a tag")),
            ));
        }
        let comment = match self.comment.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => r.check(
                crate::validation::required_text("comment", text, COMMENT_MAX).or_else(|e| {
                    // A comment may run over lines; only other control characters are refused.
                    if text.chars().count() <= COMMENT_MAX
                        && !text.chars().any(|c| c.is_control() && c != '\n' && c != '\r')
                    {
                        Ok(text.to_owned())
                    } else {
                        Err(e)
                    }
                }),
            ),
        };
        r.finish()?;
        let tags = TAGS
            .iter()
            .map(|(s, _, _)| *s)
            .filter(|s| self.tags.iter().any(|t| t == s))
            .map(str::to_owned)
            .collect();
        Ok(RatingDraft {
            score: score.expect("checked"),
            tags,
            comment,
        })
    }
}

/// How an offering or organization is rated: count and distribution, 1 to 5.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingSummary {
    /// `counts[0]` is the number of 1s, … `counts[4]` of 5s.
    pub counts: [u32; 5],
}

/// What the directory's rating order assumes before any rating: a 4 worth ten ratings,
/// so one 5 does not outrank fifty 4.8s. Whole numbers on purpose: the ranking is then
/// one division of two whole numbers, which Rust and SQL (in double precision) round
/// alike, so the snapshot and the SQL search put services in the same order.
pub const PRIOR_MEAN: u64 = 4;
pub const PRIOR_WEIGHT: u64 = 10;

impl RatingSummary {
    pub fn count(&self) -> u32 {
        self.counts.iter().sum()
    }

    pub fn sum(&self) -> u64 {
        self.counts
            .iter()
            .enumerate()
            .map(|(i, n)| (i as u64 + 1) * *n as u64)
            .sum()
    }

    pub fn average(&self) -> Option<f64> {
        let n = self.count();
        (n > 0).then(|| self.sum() as f64 / n as f64)
    }

    /// The Bayesian average the directory sorts by.
    pub fn ranking(&self) -> f64 {
        bayesian(self.sum(), u64::from(self.count()))
    }
}

/// The Bayesian average of `count` ratings adding up to `sum`.
pub fn bayesian(sum: u64, count: u64) -> f64 {
    (PRIOR_MEAN * PRIOR_WEIGHT + sum) as f64 / (PRIOR_WEIGHT + count) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_one_to_five_with_the_scales_words() {
        assert!(Score::new(0).is_none() && Score::new(6).is_none());
        assert_eq!(Score::new(5).unwrap().words().zh, "非常满意");
        assert_eq!(Score::new(1).unwrap().words().zh, "非常不满意");
        assert!(Score::new(2).unwrap().needs_follow_up());
        assert!(!Score::new(3).unwrap().needs_follow_up());
        assert!(serde_json::from_str::<Score>("7").is_err());
    }

    #[test]
    fn a_rating_is_checked_whole() {
        let ok = RatingInput {
            score: Some(4),
            tags: vec!["solved".into(), "on-time".into(), "solved".into()],
            comment: Some("  阿姨很耐心\n下次还来  ".into()),
        }
        .check()
        .unwrap();
        assert_eq!(ok.tags, ["on-time", "solved"]);
        assert_eq!(ok.comment.as_deref(), Some("阿姨很耐心\n下次还来"));
        let refused = RatingInput {
            score: None,
            tags: vec!["rude".into()],
            comment: Some("好".repeat(COMMENT_MAX + 1)),
        }
        .check()
        .unwrap_err();
        assert!(refused.refuses("score") && refused.refuses("tags") && refused.refuses("comment"));
    }

    #[test]
    fn one_five_does_not_outrank_fifty_four_point_eights() {
        let one_five = RatingSummary {
            counts: [0, 0, 0, 0, 1],
        };
        let many = RatingSummary {
            counts: [0, 0, 0, 10, 40],
        };
        assert!(many.average().unwrap() < 5.0);
        assert!(one_five.ranking() < many.ranking());
        assert_eq!(RatingSummary::default().average(), None);
        assert_eq!(RatingSummary::default().ranking(), PRIOR_MEAN as f64);
    }

    #[test]
    fn equal_averages_of_equal_weight_rank_equal_whatever_the_mix() {
        // 5 + 3 and 4 + 4: the same sum and count, so the same ranking, exactly.
        let mixed = RatingSummary {
            counts: [0, 0, 1, 0, 1],
        };
        let even = RatingSummary {
            counts: [0, 0, 0, 2, 0],
        };
        assert_eq!(mixed.ranking(), even.ranking());
        assert_eq!(mixed.ranking(), 48.0 / 12.0);
    }
}
