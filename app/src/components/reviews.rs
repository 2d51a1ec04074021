//! What residents said about a service, on its page: the latest ratings with their words
//! and the organization's reply. Never who said it.

use crate::domain::calendar::Day;
use crate::domain::requests::rating::tag_words;
use crate::domain::requests::reviews::Review;
use crate::i18n::say;
use crate::prefs::Prefs;
use leptos::prelude::*;

/// The latest reviews; nothing at all when there are none (the rating panel says so).
#[component]
pub fn ReviewList(reviews: Vec<Review>) -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    (!reviews.is_empty()).then(|| {
        view! {
            <section class="panel reviews" aria-labelledby="reviews-heading">
                <h2 id="reviews-heading">{say(lang, "居民怎么说", "What residents said")}</h2>
                <ul class="plain review-list">
                    {reviews.into_iter().map(|r| {
                        let tags = r
                            .tags
                            .iter()
                            .filter_map(|t| tag_words(t).map(|w| w.get(lang).to_owned()))
                            .collect::<Vec<_>>()
                            .join(say(lang, "、", ", "));
                        view! {
                            <li class="review">
                                <p class="rating-given">
                                    <span class="face" aria-hidden="true">{r.score.face()}</span> " "
                                    <strong>{r.score.words().get(lang).to_owned()}</strong>
                                    {(!tags.is_empty()).then(|| view! { " · " {tags} })}
                                    " · " {Day::of(r.rated_at).to_string()}
                                </p>
                                {r.comment.map(|c| view! { <blockquote>{c}</blockquote> })}
                                {r.comment_hidden.then(|| view! {
                                    <p class="hint">{say(lang, "评语因不当已被社区隐藏。", "The comment was hidden by the community as abusive.")}</p>
                                })}
                                {r.reply.map(|c| view! {
                                    <p class="reply"><strong>{say(lang, "机构回复：", "The organization replied: ")}</strong>{c}</p>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}
