//! The [`NotificationStore`] over SQL: a person's notifications, newest first, the unread
//! count the header shows (a partial index on the unread), and the text-message choice.

use super::{failed, SqlStore};
use app::domain::accounts::store::Millis;
use app::domain::ids::{PersonId, RequestId};
use app::domain::message::Message;
use app::domain::notifications::{Notification, NotificationStore};
use app::domain::store::StoreError;
use sqlx::Row;

#[async_trait::async_trait]
impl NotificationStore for SqlStore {
    async fn notifications(&self, person: PersonId, limit: u32) -> Result<Vec<Notification>, StoreError> {
        sqlx::query(
            "SELECT id, kind, request_id, text_zh, text_en, link, created_at, read_at FROM notifications \
             WHERE person_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(person.get())
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .map_err(failed)?
        .iter()
        .map(|r| {
            Ok(Notification {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                request: r.try_get::<Option<i64>, _>("request_id")?.map(RequestId::from_row),
                text: Message::owned(r.try_get::<String, _>("text_zh")?, r.try_get::<String, _>("text_en")?),
                link: r.try_get("link")?,
                created_at: r.try_get("created_at")?,
                read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(failed)
    }

    async fn unread(&self, person: PersonId) -> Result<u32, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE person_id = $1 AND read_at IS NULL")
            .bind(person.get())
            .fetch_one(self.pool())
            .await
            .map_err(failed)?;
        Ok(n.clamp(0, i64::from(u32::MAX)) as u32)
    }

    async fn mark_read(&self, person: PersonId, up_to: Option<i64>, now: Millis) -> Result<u32, StoreError> {
        let done =
            sqlx::query("UPDATE notifications SET read_at = $2 WHERE person_id = $1 AND read_at IS NULL AND id <= $3")
                .bind(person.get())
                .bind(now)
                .bind(up_to.unwrap_or(i64::MAX))
                .execute(self.pool())
                .await
                .map_err(failed)?;
        Ok(done.rows_affected() as u32)
    }

    async fn set_sms(&self, person: PersonId, on: bool) -> Result<(), StoreError> {
        sqlx::query("UPDATE people SET sms_notifications = $2 WHERE id = $1")
            .bind(person.get())
            .bind(i64::from(on))
            .execute(self.pool())
            .await
            .map_err(failed)?;
        Ok(())
    }

    async fn sms(&self, person: PersonId) -> Result<bool, StoreError> {
        let on: Option<i64> = sqlx::query_scalar("SELECT sms_notifications FROM people WHERE id = $1")
            .bind(person.get())
            .fetch_optional(self.pool())
            .await
            .map_err(failed)?;
        Ok(on == Some(1))
    }
}
