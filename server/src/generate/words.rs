//! Plausible Chinese place names with their pinyin, from syllables.

use super::rng::Rng;

const SYLLABLES: &[(&str, &str)] = &[
    ("锦", "Jin"),
    ("华", "Hua"),
    ("玉", "Yu"),
    ("林", "Lin"),
    ("桂", "Gui"),
    ("溪", "Xi"),
    ("兴", "Xing"),
    ("和", "He"),
    ("安", "An"),
    ("宁", "Ning"),
    ("南", "Nan"),
    ("北", "Bei"),
    ("东", "Dong"),
    ("新", "Xin"),
    ("光", "Guang"),
    ("明", "Ming"),
    ("泉", "Quan"),
    ("竹", "Zhu"),
    ("桥", "Qiao"),
    ("府", "Fu"),
    ("苑", "Yuan"),
    ("浆", "Jiang"),
    ("洗", "Xi"),
    ("红", "Hong"),
    ("簇", "Cu"),
    ("芳", "Fang"),
    ("草", "Cao"),
    ("望", "Wang"),
];

/// A two-syllable name, e.g. ("锦华", "Jinhua").
pub fn place_name(rng: &mut Rng) -> (String, String) {
    let (a_zh, a_en) = rng.pick(SYLLABLES);
    let (b_zh, b_en) = rng.pick(SYLLABLES);
    (format!("{a_zh}{b_zh}"), format!("{a_en}{}", b_en.to_lowercase()))
}

/// A level-3 place's name by kind.
pub fn compound_name(rng: &mut Rng, kind: &str) -> (String, String) {
    let (zh, en) = place_name(rng);
    match kind {
        "courtyard" => (format!("{zh}院落"), format!("{en} Courtyard")),
        "estate" => (format!("{zh}小区"), format!("{en} Estate")),
        _ => (format!("{zh}学校"), format!("{en} School")),
    }
}
