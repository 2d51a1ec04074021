//! An activity as an iCalendar file (RFC 5545), so a volunteer can put it into the
//! phone's calendar. Made with the `icalendar` crate. Times are Chengdu wall-clock times
//! with `TZID=Asia/Shanghai`, and the file carries that zone's definition (no daylight
//! saving since 1991: one STANDARD rule at +08:00), so a calendar that knows no zone
//! database still places the activity right.

use app::domain::activities::{Activity, ActivityStatus};
use app::domain::calendar::{Day, OFFSET_MS};
use app::domain::lang::Lang;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDateTime, Utc};
use icalendar::{Calendar, CalendarComponent, CalendarDateTime, Component, Event, EventLike, EventStatus};

pub const TZID: &str = "Asia/Shanghai";

const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\nBEGIN:STANDARD\r\nDTSTART:19910915T000000\r\n\
TZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nTZNAME:CST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

/// The wall-clock time in Chengdu of an instant.
fn chengdu(millis: i64) -> NaiveDateTime {
    DateTime::<Utc>::from_timestamp_millis(millis + OFFSET_MS)
        .unwrap_or_default()
        .naive_utc()
}

fn at(millis: i64) -> CalendarDateTime {
    CalendarDateTime::WithTimezone {
        date_time: chengdu(millis),
        tzid: TZID.to_owned(),
    }
}

/// The activity's calendar file, in the language asked for.
pub fn ics(activity: &Activity, lang: Lang) -> String {
    let mut event = Event::new();
    event
        .uid(&format!("activity-{}@doorstep", activity.id))
        .timestamp(DateTime::<Utc>::from_timestamp_millis(activity.updated_at).unwrap_or_default())
        .summary(activity.title.get(lang))
        .description(&format!(
            "{}\n\n{}: {}",
            activity.description.get(lang),
            match lang {
                Lang::Zh => "举办方",
                Lang::En => "Organized by",
            },
            activity.organizer_name.get(lang)
        ))
        .location(&format!("{} {}", activity.place_name.get(lang), activity.address))
        .starts(at(activity.starts_at))
        .ends(at(activity.ends_at))
        // The revision lets a calendar that imported an earlier copy take the change.
        .add_property("SEQUENCE", activity.revision.to_string())
        .add_property(
            "GEO",
            format!(
                "{:.6};{:.6}",
                activity.position.latitude(),
                activity.position.longitude()
            ),
        );
    event.status(if activity.status == ActivityStatus::Cancelled {
        EventStatus::Cancelled
    } else {
        EventStatus::Confirmed
    });
    let mut calendar = Calendar::new();
    calendar.name(match lang {
        Lang::Zh => "家门口志愿活动",
        Lang::En => "Doorstep volunteering",
    });
    calendar.push(
        VTIMEZONE
            .parse::<CalendarComponent>()
            .expect("a fixed, valid VTIMEZONE"),
    );
    calendar.push(event.done());
    calendar.done().to_string()
}

/// `GET /api/v1/activities/{id}.ics`: the file, named by the activity's day.
pub fn response(activity: &Activity, lang: Lang) -> Response {
    let body = ics(activity, lang);
    let name = format!("activity-{}-{}.ics", activity.id, Day::of(activity.starts_at));
    (
        [
            (http::header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()),
            (
                http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}
