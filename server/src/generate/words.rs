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

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "罗",
];
const GIVEN: &[&str] = &[
    "秀英", "桂英", "玉兰", "建国", "国华", "淑珍", "志强", "文华", "凤英", "德明", "永福", "丽华", "海燕", "明", "芳",
    "军", "静", "勇",
];

/// A plausible Chinese personal name, e.g. "王秀英".
pub fn person_name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

/// How a family member who acts for a resident is related to them.
pub const RELATIONS: &[&str] = &["女儿", "儿子", "儿媳", "女婿", "孙女", "孙子", "侄女"];

pub const DECLINE_REASONS: &[&str] = &[
    "本周人手已满，建议改约下周",
    "该地址不在我们的上门范围内",
    "需要先到站点做一次评估",
    "所需设备暂时不足",
];

pub const CANCEL_REASONS: &[&str] = &["家里人已经安排好了", "时间冲突", "老人住院了", "改约别的机构"];

pub const REOPEN_REASONS: &[&str] = &["问题没有解决，还需要再来一次", "只做了一半", "设备装好后还是不能用"];

/// What residents write with a rating, by how it went.
pub fn comment(rng: &mut Rng, score: u8) -> &'static str {
    let phrases: &'static [&'static str] = match score {
        5 => &["服务很周到，老人很满意", "师傅很耐心，谢谢", "准时上门，做得很细致"],
        4 => &["总体不错，就是来得稍晚", "挺好的，希望能多安排几次"],
        3 => &["还可以，沟通可以再多一点", "基本解决了问题"],
        _ => &[
            "等了很久才来，问题也没解决",
            "态度不好，时间一改再改",
            "没有按约定的时间上门",
        ],
    };
    rng.pick::<&str>(phrases)
}

pub const REPLIES: &[&str] = &[
    "感谢您的评价，我们会继续努力",
    "抱歉让您久等，已调整排班",
    "谢谢您的建议",
];

pub const FOLLOW_UP_NOTES: &[&str] = &[
    "电话回访，机构已重新上门处理",
    "上门了解情况，已协调换一位服务人员",
    "与机构负责人沟通，约定下周复查",
    "居民表示理解，问题已解决",
];

/// A need in a resident's own words, for a category (or none that fits).
pub fn need(rng: &mut Rng, category: Option<&str>) -> &'static str {
    let phrases: &'static [&'static str] = match category {
        Some("meal-assistance") => &["希望小区附近有老年食堂", "行动不便，需要有人送餐上门"],
        Some("home-care") => &["家里老人卧床，需要上门照护", "晚上需要有人照看老人"],
        Some("bathing") => &["老人洗澡不方便，需要助浴服务"],
        Some("mobility") => &["坐轮椅出门看病没有车接送", "楼里没有电梯，下楼很困难"],
        Some("health") => &["希望有医生定期上门量血压", "需要陪同去医院复诊"],
        Some(_) => &["附近没有这类服务，希望能开设", "现有服务排队太久，希望多一些名额"],
        None => &[
            "楼道灯坏了，老人晚上不敢出门",
            "希望有人教老人用智能手机",
            "想找人一起下棋聊天",
        ],
    };
    rng.pick::<&str>(phrases)
}

pub const UNMET_NOTES: &[&str] = &["本社区暂无机构提供，已上报街道", "需求已汇总，列入明年购买服务计划"];

/// Who the resident is to a family member related to them as `relation` ("女儿" → "父亲").
pub fn elder_of(relation: &str) -> &'static str {
    match relation {
        "孙女" | "孙子" => "奶奶",
        "侄女" => "姑姑",
        "儿媳" | "女婿" => "婆婆",
        _ => "父亲",
    }
}
