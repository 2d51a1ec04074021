//! Every word on screen, in Chinese and English. A struct rather than a key lookup, so a
//! string missing in one language is a compile error.

use crate::domain::catalog::CostKind;
use crate::domain::directory::{Delivery, OrganizationKind};
use crate::domain::lang::Lang;

pub struct Text {
    pub lang: Lang,
    pub site_name: &'static str,
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    pub nav_home: &'static str,
    pub nav_settings: &'static str,
    pub switch_language: &'static str,
    pub other_language_name: &'static str,
    pub elder_mode: &'static str,
    pub elder_mode_on: &'static str,
    pub elder_mode_off: &'static str,
    pub elder_mode_hint: &'static str,
    pub where_are_you: &'static str,
    pub choose_place: &'static str,
    pub choose_place_hint: &'static str,
    pub change_place: &'static str,
    /// The place picker's way back up, for screen readers.
    pub place_trail: &'static str,
    pub whole_community: fn(&str) -> String,
    pub current_home: &'static str,
    pub nothing_to_choose: &'static str,
    pub use_my_location: &'static str,
    pub locating: &'static str,
    pub location_failed: &'static str,
    pub near_you: &'static str,
    pub browse_by_category: &'static str,
    pub near_place: &'static str,
    pub my_position: &'static str,
    pub no_location_yet: &'static str,
    pub filters: &'static str,
    pub search_label: &'static str,
    pub search_placeholder: &'static str,
    pub group_label: &'static str,
    pub category_label: &'static str,
    pub cost_label: &'static str,
    pub radius_label: &'static str,
    pub sort_label: &'static str,
    pub sort_nearest: &'static str,
    pub sort_name: &'static str,
    pub sort_rating: &'static str,
    pub any: &'static str,
    pub all_groups: &'static str,
    pub all_categories: &'static str,
    pub elder_care: &'static str,
    pub disability: &'static str,
    pub search_button: &'static str,
    pub clear_filters: &'static str,
    pub results_count: fn(u64) -> String,
    pub results_range: fn(u64, u64, u64) -> String,
    pub no_results: &'static str,
    pub no_results_hint: &'static str,
    pub previous_page: &'static str,
    pub next_page: &'static str,
    pub results_pagination: &'static str,
    pub provided_by: &'static str,
    pub distance: &'static str,
    pub cost: &'static str,
    pub hours: &'static str,
    pub address: &'static str,
    pub where_: &'static str,
    pub eligibility: &'static str,
    pub anyone: &'static str,
    /// A paused offering's page: what the organization paused (the reason follows).
    pub paused: &'static str,
    pub min_age: fn(u32) -> String,
    pub residence_required: &'static str,
    pub certificate_required: &'static str,
    pub phone: &'static str,
    pub call: fn(&str) -> String,
    pub request_service: &'static str,
    pub tell_a_need: &'static str,
    pub rating: &'static str,
    pub ratings_count: fn(u32) -> String,
    pub no_ratings: &'static str,
    pub my_requests: &'static str,
    pub capacity: &'static str,
    pub capacity_value: fn(u32) -> String,
    pub coverage: &'static str,
    pub what: &'static str,
    pub other_offerings: &'static str,
    pub none_other: &'static str,
    pub organization: &'static str,
    pub offerings: &'static str,
    pub verified: &'static str,
    pub not_verified: &'static str,
    pub community: &'static str,
    pub read_aloud: &'static str,
    pub stop_reading: &'static str,
    pub back_to_results: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub error_title: &'static str,
    pub bad_parameter: fn(&str, &str) -> String,
    pub loading: &'static str,
    pub settings_title: &'static str,
    pub language: &'static str,
    pub save: &'static str,
    pub forget_location: &'static str,
    pub remembered_location: &'static str,
    pub metres: fn(u32) -> String,
}

impl Text {
    pub fn cost_kind(&self, cost: CostKind) -> &'static str {
        match (self.lang, cost) {
            (Lang::Zh, CostKind::Free) => "免费",
            (Lang::Zh, CostKind::Subsidized) => "政府补贴",
            (Lang::Zh, CostKind::Paid) => "收费",
            (_, CostKind::Free) => "Free",
            (_, CostKind::Subsidized) => "Subsidized",
            (_, CostKind::Paid) => "Paid",
        }
    }

    pub fn delivery(&self, delivery: Delivery) -> &'static str {
        match (self.lang, delivery) {
            (Lang::Zh, Delivery::OnSite) => "到店服务",
            (Lang::Zh, Delivery::AtHome) => "上门服务",
            (_, Delivery::OnSite) => "At the service's place",
            (_, Delivery::AtHome) => "At your home",
        }
    }

    pub fn organization_kind(&self, kind: OrganizationKind) -> &'static str {
        match (self.lang, kind) {
            (Lang::Zh, OrganizationKind::SocialOrganization) => "社会组织",
            (Lang::Zh, OrganizationKind::VolunteerOrganization) => "志愿服务组织",
            (Lang::Zh, OrganizationKind::ResidentUnit) => "驻区单位",
            (_, OrganizationKind::SocialOrganization) => "Social organization",
            (_, OrganizationKind::VolunteerOrganization) => "Volunteer organization",
            (_, OrganizationKind::ResidentUnit) => "Resident unit",
        }
    }
}

/// Distances as residents read them: metres below 1 km, else kilometres with one decimal.
fn metres_zh(m: u32) -> String {
    if m < 1000 {
        format!("{m} 米")
    } else {
        format!("{:.1} 公里", f64::from(m) / 1000.0)
    }
}

fn metres_en(m: u32) -> String {
    if m < 1000 {
        format!("{m} m")
    } else {
        format!("{:.1} km", f64::from(m) / 1000.0)
    }
}

pub static ZH: Text = Text {
    lang: Lang::Zh,
    site_name: "家门口",
    tagline: "身边的养老助残服务",
    skip_to_content: "跳到主要内容",
    nav_home: "找服务",
    nav_settings: "设置",
    switch_language: "切换语言",
    other_language_name: "English",
    elder_mode: "长辈版",
    elder_mode_on: "开启长辈版（大字）",
    elder_mode_off: "关闭长辈版",
    elder_mode_hint: "字更大、按钮更大、页面更简洁。",
    where_are_you: "您在哪里？",
    choose_place: "选择位置",
    choose_place_hint: "先选街道，再选社区，最后选您住的院落或小区，我们会按距离列出附近的服务。",
    change_place: "更换位置",
    place_trail: "位置层级",
    whole_community: |name| format!("整个{name}"),
    current_home: "当前位置",
    nothing_to_choose: "这里还没有可以选择的地点，请返回上一级。",
    use_my_location: "使用我现在的位置",
    locating: "正在定位…",
    location_failed: "无法获取位置，请在上面选择社区或小区。",
    near_you: "您附近的服务",
    browse_by_category: "按服务项目找",
    near_place: "附近",
    my_position: "我的位置",
    no_location_yet: "还没有选择位置：下面按名称列出全部服务。",
    filters: "筛选",
    search_label: "搜索服务",
    search_placeholder: "例如：助餐、康复",
    group_label: "服务类型",
    category_label: "服务项目",
    cost_label: "费用",
    radius_label: "距离范围",
    sort_label: "排序",
    sort_nearest: "离我最近",
    sort_name: "按名称",
    sort_rating: "评价最好",
    any: "不限",
    all_groups: "全部类型",
    all_categories: "全部项目",
    elder_care: "养老服务",
    disability: "助残服务",
    search_button: "查找",
    clear_filters: "清除筛选",
    results_count: |n| format!("共找到 {n} 项服务"),
    results_range: |from, to, total| format!("第 {from}–{to} 项，共 {total} 项"),
    no_results: "没有找到符合条件的服务。",
    no_results_hint: "可以扩大距离范围，或减少筛选条件。",
    previous_page: "上一页",
    next_page: "下一页",
    results_pagination: "结果翻页",
    provided_by: "服务机构",
    distance: "距离",
    cost: "费用",
    hours: "服务时间",
    address: "地址",
    where_: "服务方式",
    eligibility: "服务对象",
    anyone: "所有居民",
    paused: "暂停服务",
    min_age: |age| format!("{age} 岁及以上"),
    residence_required: "需本地户籍或居住证",
    certificate_required: "需持残疾证",
    phone: "联系电话",
    call: |phone| format!("拨打 {phone}"),
    request_service: "申请这项服务",
    tell_a_need: "找不到需要的服务？告诉社区",
    rating: "居民评价",
    ratings_count: |n| format!("{n} 条评价"),
    no_ratings: "还没有居民评价。",
    my_requests: "我的申请",
    capacity: "服务名额",
    capacity_value: |n| format!("{n} 人"),
    coverage: "上门服务范围",
    what: "服务内容",
    other_offerings: "该机构的其他服务",
    none_other: "暂无其他服务。",
    organization: "机构",
    offerings: "提供的服务",
    verified: "已通过社区认证",
    not_verified: "尚未通过社区认证",
    community: "所在社区",
    read_aloud: "朗读本页",
    stop_reading: "停止朗读",
    back_to_results: "返回服务列表",
    not_found_title: "找不到这个页面",
    not_found_body: "链接可能已失效。请返回首页查找服务。",
    error_title: "出了点问题",
    bad_parameter: |field, message| format!("参数 {field} 不正确：{message}"),
    loading: "正在加载…",
    settings_title: "设置",
    language: "语言",
    save: "保存",
    forget_location: "清除记住的位置",
    remembered_location: "已记住您的位置，下次打开直接显示附近服务。",
    metres: metres_zh,
};

pub static EN: Text = Text {
    lang: Lang::En,
    site_name: "Doorstep",
    tagline: "Elder care and disability services near you",
    skip_to_content: "Skip to main content",
    nav_home: "Find services",
    nav_settings: "Settings",
    switch_language: "Change language",
    other_language_name: "中文",
    elder_mode: "Large-text mode",
    elder_mode_on: "Turn on large-text mode",
    elder_mode_off: "Turn off large-text mode",
    elder_mode_hint: "Bigger text, bigger buttons, a simpler page.",
    where_are_you: "Where are you?",
    choose_place: "Choose your location",
    choose_place_hint: "Pick your subdistrict, then your community, then your courtyard or estate, and we list the services nearest to it.",
    change_place: "Change location",
    place_trail: "Levels of the location",
    whole_community: |name| format!("All of {name}"),
    current_home: "current",
    nothing_to_choose: "There is nothing to choose here yet; go back one level.",
    use_my_location: "Use my current location",
    locating: "Finding your location…",
    location_failed: "Could not get your location. Please choose your community or estate above.",
    near_you: "Services near you",
    browse_by_category: "Find by kind of service",
    near_place: "Near",
    my_position: "My location",
    no_location_yet: "No location chosen yet: all services are listed by name.",
    filters: "Filters",
    search_label: "Search services",
    search_placeholder: "e.g. meals, rehabilitation",
    group_label: "Type of service",
    category_label: "Service",
    cost_label: "Cost",
    radius_label: "Distance",
    sort_label: "Order",
    sort_nearest: "Nearest first",
    sort_name: "By name",
    sort_rating: "Best rated first",
    any: "Any",
    all_groups: "All types",
    all_categories: "All services",
    elder_care: "Elder care",
    disability: "Disability assistance",
    search_button: "Search",
    clear_filters: "Clear filters",
    results_count: |n| format!("{n} services found"),
    results_range: |from, to, total| format!("{from}–{to} of {total}"),
    no_results: "No services match.",
    no_results_hint: "Try a larger distance or fewer filters.",
    previous_page: "Previous page",
    next_page: "Next page",
    results_pagination: "Result pages",
    provided_by: "Provided by",
    distance: "Distance",
    cost: "Cost",
    hours: "Hours",
    address: "Address",
    where_: "Where",
    eligibility: "Who can use it",
    anyone: "All residents",
    paused: "Paused",
    min_age: |age| format!("Aged {age} or over"),
    residence_required: "Local hukou or residence permit needed",
    certificate_required: "Disability certificate needed",
    phone: "Phone",
    call: |phone| format!("Call {phone}"),
    request_service: "Request this service",
    tell_a_need: "Cannot find the service you need? Tell the community",
    rating: "Residents' rating",
    ratings_count: |n| if n == 1 { "1 rating".to_owned() } else { format!("{n} ratings") },
    no_ratings: "No ratings yet.",
    my_requests: "My requests",
    capacity: "Places",
    capacity_value: |n| format!("{n} people"),
    coverage: "Home visits cover",
    what: "What it is",
    other_offerings: "Other services from this organization",
    none_other: "No other services yet.",
    organization: "Organization",
    offerings: "Services offered",
    verified: "Verified by the community",
    not_verified: "Not yet verified by the community",
    community: "Community",
    read_aloud: "Read this page aloud",
    stop_reading: "Stop reading",
    back_to_results: "Back to services",
    not_found_title: "Page not found",
    not_found_body: "The link may be out of date. Go back to the home page to find services.",
    error_title: "Something went wrong",
    bad_parameter: |field, message| format!("The value of {field} is not right: {message}"),
    loading: "Loading…",
    settings_title: "Settings",
    language: "Language",
    save: "Save",
    forget_location: "Forget my location",
    remembered_location: "Your location is remembered; next time you will see nearby services straight away.",
    metres: metres_en,
};

pub fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// Words given in both languages where they are used (the account and request pages), so
/// neither language can be missing: the one for `lang`.
pub fn say(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_read_naturally_in_both_languages() {
        assert_eq!((ZH.metres)(350), "350 米");
        assert_eq!((EN.metres)(350), "350 m");
        assert_eq!((EN.metres)(1260), "1.3 km");
        assert_eq!((EN.metres)(999), "999 m");
        assert_eq!((ZH.metres)(1000), "1.0 公里");
    }

    #[test]
    fn labels_follow_the_language() {
        assert_eq!(ZH.cost_kind(CostKind::Free), "免费");
        assert_eq!(EN.cost_kind(CostKind::Free), "Free");
        assert_eq!(EN.delivery(Delivery::AtHome), "At your home");
    }
}
