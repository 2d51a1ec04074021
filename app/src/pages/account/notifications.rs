//! Notifications: every change of a request that concerns the person, newest first, each
//! linking to its page; "mark all read"; and the choice to get them by text message too.

use super::PleaseSignIn;
use crate::api::requests::load_notifications;
use crate::components::form::{take_flash, FormNotice};
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::calendar::local_time;
use crate::i18n::say;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    provide_context(take_flash());
    let list = Resource::new(|| (), |_| load_notifications());
    let title = say(lang, "通知", "Notifications");
    view! {
        <Title text=title />
        <h1 class="page-title">{title}</h1>
        {if !super::organization_new::signed_in() {
            view! { <PleaseSignIn /> }.into_any()
        } else {
            view! {
                <FormNotice form="notifications" />
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match list.await {
                            Err(error) => view! { <ErrorMessage error /> }.into_any(),
                            Ok((items, unread, sms)) => view! {
                                {(unread > 0).then(|| view! {
                                    <form method="post" action="/account/notifications/read" class="actions">
                                        <button type="submit" class="button secondary">{say(lang, "全部标为已读", "Mark all as read")}</button>
                                    </form>
                                })}
                                {if items.is_empty() {
                                    view! { <p>{say(lang, "还没有通知。", "No notifications yet.")}</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="card-list">
                                            {items.into_iter().map(|n| view! {
                                                <li class=if n.read { "card notification" } else { "card notification unread" }>
                                                    <p>
                                                        {(!n.read).then(|| view! { <span class="badge">{say(lang, "未读", "new")}</span> " " })}
                                                        <a href=n.link.clone()>{n.text.get(lang).to_owned()}</a>
                                                    </p>
                                                    <p class="meta">{local_time(n.created_at)}</p>
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                                <section class="panel" aria-labelledby="sms-heading">
                                    <h2 id="sms-heading">{say(lang, "短信通知", "Text messages")}</h2>
                                    <form method="post" action="/account/notifications/sms" class="stack">
                                        <div class="choice">
                                            <input type="checkbox" id="notifications-sms" name="sms" value="1" checked=sms />
                                            <label for="notifications-sms">{say(lang, "每条通知也发短信到我的手机", "Also text each notification to my phone")}</label>
                                        </div>
                                        <button type="submit" class="button secondary">{say(lang, "保存", "Save")}</button>
                                    </form>
                                </section>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            }.into_any()
        }}
    }
}
